"""The every-family page: one model with a layer of every family the view draws.

An RGB image input, a Conv2D feature map, a Conv3D volume (through a Reshape to 5D),
Conv1D and LSTM sequences, Dense vectors (one 4096 long), Dropout, Flatten, Reshape, a
custom layer with a rank-5 output and a labelled softmax output. Built once per session
(the ``blocks_page`` fixture) for the browser tests of drawing, opening and memory.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Layers that open (the graph marks them ``opens``) and each node's family.
OPENABLE = ("picture", "conv", "conv3d", "conv1d", "lstm")
FAMILIES = {
    "picture": "image",
    "conv": "feature_map",
    "to_volume": "volume",
    "conv3d": "volume",
    "to_sequence": "sequence",
    "conv1d": "sequence",
    "lstm": "sequence",
    "flat": "vector",
    "wide": "vector",
    "drop": "vector",
    "dense": "vector",
    "odd": "generic",
    "out": "vector",
}


def write_blocks_page(folder: Path) -> Path:
    """Builds the every-family model, predicts one random picture and exports the page."""
    import keras
    from keras import layers as L

    from layerscape import ModelView

    class Rank5(L.Layer):
        def call(self, x):
            return keras.ops.reshape(x, (-1, 2, 2, 2, 2, 2))

        def compute_output_shape(self, shape):
            return (shape[0], 2, 2, 2, 2, 2)

    keras.backend.clear_session()
    keras.utils.set_random_seed(4)
    picture = keras.Input((16, 16, 3), name="picture")
    conv = L.Conv2D(4, 3, activation="relu", name="conv")(picture)  # 14x14x4
    vol = L.Reshape((2, 14, 14, 2), name="to_volume")(conv)
    vol = L.Conv3D(3, (1, 3, 3), activation="tanh", name="conv3d")(vol)  # 2x12x12x3
    seq = L.Reshape((24, 36), name="to_sequence")(vol)
    seq = L.Conv1D(6, 3, name="conv1d")(seq)  # 22x6
    seq = L.LSTM(8, return_sequences=True, name="lstm")(seq)
    flat = L.Flatten(name="flat")(conv)  # 784
    wide = L.Dense(4096, activation="relu", name="wide")(flat)
    wide = L.Dropout(0.5, name="drop")(wide)
    dense = L.Dense(
        32, activation="sigmoid", kernel_regularizer=keras.regularizers.L2(0.01), name="dense"
    )(wide)
    odd = Rank5(name="odd")(dense)
    joined = L.Concatenate(name="join")([L.Flatten(name="flat_seq")(seq), dense])
    out = L.Dense(10, activation="softmax", name="out")(joined)
    model = keras.Model(picture, [out, odd], name="blocks")
    view = ModelView(model, labels=[f"class {i}" for i in range(10)])
    families = {n["id"]: n["family"] for n in view.graph["nodes"]}
    assert {k: families[k] for k in FAMILIES} == FAMILIES
    view.predict(np.random.default_rng(0).random((16, 16, 3), dtype=np.float32))
    return view.save_html(folder / "blocks.html")
