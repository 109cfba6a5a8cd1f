"""A marimo app for tests/e2e/test_one_front_end.py: two views, made in two cells."""

import marimo

app = marimo.App(width="full")


@app.cell
def _():
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import marimo as mo

    from layerscape import ModelView
    from layerscape.demo import build_lenet, load_digits

    x, _y = load_digits()
    model = build_lenet()
    first = ModelView(model, height=260)
    first.predict(x[0])
    mo.ui.anywidget(first)
    return ModelView, model, mo, x


@app.cell
def _(ModelView, mo, model, x):
    second = ModelView(model, height=260)
    second.predict(x[1])
    mo.ui.anywidget(second)
    return


if __name__ == "__main__":
    app.run()
