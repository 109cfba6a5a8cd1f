"""A marimo app for tests/e2e/test_marimo.py: a view beside a button in an ``mo.hstack``;
each click re-runs the reactive cell that calls ``predict`` on the next digit."""

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
    view = ModelView(build_lenet(), height=360)
    view.predict(x[0])
    widget = mo.ui.anywidget(view)
    return mo, view, widget, x


@app.cell
def _(mo):
    step = mo.ui.button(value=0, on_click=lambda n: n + 1, label="Next digit")
    return (step,)


@app.cell
def _(mo, step, widget):
    mo.hstack([widget, step], widths=[5, 1])
    return


@app.cell
def _(step, view, x):
    # Reactive: runs again whenever the button's value changes.
    if step.value:
        view.predict(x[step.value])
    return


if __name__ == "__main__":
    app.run()
