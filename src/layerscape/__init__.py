"""layerscape: a live Keras model in 3D, inline in your notebook.

>>> from layerscape import ModelView
>>> view = ModelView(model, labels=[str(d) for d in range(10)])  # doctest: +SKIP
>>> view.predict(x)                                              # doctest: +SKIP
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .training import TrainingCallback
    from .widget import ModelView

try:
    # pyproject.toml's version is the only one written down; the installed metadata has it.
    __version__ = version("layerscape")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
__all__ = ["ModelView", "TrainingCallback", "__version__"]


def __getattr__(name: str) -> object:
    # Keras (and TensorFlow) load on first use of ModelView, so `layerscape --help`
    # and `import layerscape` stay instant.
    if name == "ModelView":
        from .widget import ModelView

        return ModelView
    if name == "TrainingCallback":
        from .training import TrainingCallback

        return TrainingCallback
    raise AttributeError(f"module 'layerscape' has no attribute {name!r}")
