"""Helpers the tests and the benchmarks share; none of them is a test module.

``paths``       the repository root and where e2e artifacts go.
``chromium``    the browser: binary, launch flags, console capture, network guard.
``page``        the widget in a page: its test API, waits on its own state, screenshots.
``pixels``      PNG decoding, pixel statistics and differences, ``assert_drawn``.
``lab``         a real JupyterLab server and a driver for one of its tabs.
``wire``        what a widget sends to the front end (bytes and messages per predict).
``zoo_models``  the zoo of real Keras graphs, built small and offline.
``keras_names`` Keras' automatic layer names, kept or started afresh.
``demo``        the trained LeNet demo page, made once per test session.
``custom_layers`` a layer class Keras does not know, for ``layerscape view``'s tests.

Nothing here imports pytest, so the benchmarks use it as plain Python; from a clone,
``python -m benchmarks.run`` (or ``python -c "import tests.support"``) finds it.
"""
