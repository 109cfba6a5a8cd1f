"""layerscape's test suite.

A regular package, so that its helpers import by one name (``tests.support``) from the
tests, the benchmarks and a shell, and no installed package called ``tests`` can shadow
it. pytest finds it through ``pythonpath = ["."]`` in ``pyproject.toml``.
"""
