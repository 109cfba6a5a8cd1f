"""layerscape: a live Keras model in 3D, inline in your notebook.

>>> from layerscape import ModelView
>>> view = ModelView(model, labels=[str(d) for d in range(10)])  # doctest: +SKIP
>>> view.predict(x)                                              # doctest: +SKIP
"""

from .widget import ModelView

__version__ = "0.1.0"
__all__ = ["ModelView", "__version__"]
