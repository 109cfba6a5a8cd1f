"""layerscape's benchmarks: scripts that print figures (see README.md).

A package, run from the clone's root as ``python -m benchmarks.run`` (or ``.browser``,
``.jupyterlab``, ``.predict``, ``.layout``): that puts the root on the import path, so
they import ``benchmarks.models`` and the test helpers in ``tests.support`` by name.
"""
