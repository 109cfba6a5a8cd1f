"""Custom layers Keras does not know by name: deliberately not registered with
``keras.saving.register_keras_serializable``, so a file that uses it loads only when it
is passed (``layerscape view --custom-objects tests.support.custom_layers:Doubler``)."""

from __future__ import annotations

import keras


class Doubler(keras.layers.Layer):
    """Twice its input: a layer whose values a test can check by hand."""

    def call(self, x):
        return x * 2.0


class Negate(keras.layers.Layer):
    """Minus its input: a second unknown class, so an error can name several."""

    def call(self, x):
        return -x
