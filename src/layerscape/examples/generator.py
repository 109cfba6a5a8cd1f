"""A conditional variational autoencoder's decoder: noise and a digit class in, a digit out.

Trained on the shipped digits (:mod:`.digits28`) in well under a minute on two CPU cores.
The encoder reads an image and its class and proposes a latent code; the decoder redraws
the image from that code and the class. After training only the decoder is kept: fed
standard normal noise and a one-hot class it draws a new digit of that class, which is
what makes it a generator. (A VAE rather than a GAN because it trains reliably in a
minute on a CPU; a GAN this small and this quick tends to collapse.)
"""

from __future__ import annotations

import time

import numpy as np

from .digits28 import one_hot, split_digits

LATENT = 8
"""Width of the ``noise`` input."""
CLASSES = 10
"""Width of the ``label`` input: the digit as a one-hot row."""
KL_WEIGHT = 1.0
"""Weight of the KL term against the per-pixel reconstruction loss (1 is the ELBO)."""


def build_decoder(latent: int = LATENT):
    """The generator: ``noise`` (latent,) and ``label`` (10,) one-hot in, 28x28x1 out.

    Dense to a 7x7 map, two ``Conv2DTranspose`` doublings to 28x28, a ``sigmoid``
    convolution to the image (values in [0, 1], ink bright on black).
    """
    import keras
    from keras import layers

    noise = keras.Input((latent,), name="noise")
    label = keras.Input((CLASSES,), name="label")
    x = layers.Concatenate(name="code")([noise, label])
    x = layers.Dense(7 * 7 * 32, activation="relu", name="project")(x)
    x = layers.Reshape((7, 7, 32), name="to_map")(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu", name="up14")(x)
    x = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu", name="up28")(x)
    image = layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="digit")(x)
    return keras.Model([noise, label], image, name="cvae_decoder")


def build_encoder(latent: int = LATENT):
    """The encoder: ``image`` and ``label`` in, the latent ``z_mean`` and ``z_log_var`` out."""
    import keras
    from keras import layers

    image = keras.Input((28, 28, 1), name="image")
    label = keras.Input((CLASSES,), name="label")
    x = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(image)
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Flatten()(x)
    x = layers.Concatenate()([x, label])
    x = layers.Dense(64, activation="relu")(x)
    z_mean = layers.Dense(latent, name="z_mean")(x)
    z_log_var = layers.Dense(latent, name="z_log_var")(x)
    return keras.Model([image, label], [z_mean, z_log_var], name="cvae_encoder")


def _sampling_layer(seed: int):
    """A layer drawing ``z = mean + exp(log_var / 2) * eps`` that adds the KL loss."""
    import keras
    from keras import ops

    class Sampling(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator(seed)

        def call(self, inputs):
            z_mean, z_log_var = inputs
            kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), -1)
            # Divided by the pixels: the reconstruction loss is a per-pixel mean.
            self.add_loss(KL_WEIGHT * ops.mean(kl) / (28 * 28))
            eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
            return z_mean + ops.exp(0.5 * z_log_var) * eps

    return Sampling(name="sampling")


def build_cvae(seed: int = 0, latent: int = LATENT):
    """The training model, image and label in, the image redrawn out, and its decoder."""
    import keras

    encoder = build_encoder(latent)
    decoder = build_decoder(latent)
    image = keras.Input((28, 28, 1), name="image")
    label = keras.Input((CLASSES,), name="label")
    z = _sampling_layer(seed)(encoder([image, label]))
    redrawn = decoder([z, label])
    return keras.Model([image, label], redrawn, name="cvae"), decoder


def train_digit_generator(seed: int = 0, epochs: int = 20, batch_size: int = 64, verbose: int = 0):
    """Train the conditional VAE on the training split of the digits; return its decoder.

    Parameters
    ----------
    seed
        Seeds Keras (weights, shuffling, the sampling noise), so runs repeat.
    epochs
        Passes over the 1,497 training digits (20: about 30 s on two idle cores, a
        minute on busy ones).
    batch_size
        Digits per step.
    verbose
        Passed to ``fit``; ``1`` or more also prints the training time.

    Returns
    -------
    keras.Model
        ``cvae_decoder``: inputs ``noise`` (float32, (latent,), standard normal) and
        ``label`` (float32, (10,), one-hot), output a 28x28x1 image in [0, 1].
        ``decoder.predict([noise, label])`` draws one digit per row.
    """
    import keras

    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    (x, y), _ = split_digits()
    keras.utils.set_random_seed(seed)
    cvae, decoder = build_cvae(seed)
    cvae.compile(optimizer=keras.optimizers.Adam(2e-3), loss="binary_crossentropy")
    began = time.perf_counter()
    cvae.fit([x, one_hot(y)], x, epochs=epochs, batch_size=batch_size, verbose=verbose)
    if verbose:
        print(f"cvae: {epochs} epochs in {time.perf_counter() - began:.1f} s")
    return decoder


def generate(decoder, digit: int | list[int], n: int = 1, seed: int = 0) -> np.ndarray:
    """Draw digits with a trained decoder.

    Parameters
    ----------
    decoder
        The model :func:`train_digit_generator` returns.
    digit
        The class to draw (0..9), or one class per image (then ``n`` is ignored).
    n
        How many images of ``digit`` to draw.
    seed
        Seeds the standard normal noise, so the same call draws the same digits.

    Returns
    -------
    numpy.ndarray
        float32 (n, 28, 28, 1) in [0, 1].
    """
    digits = np.full(n, digit, dtype=np.int64) if np.isscalar(digit) else np.asarray(digit)
    latent = decoder.inputs[0].shape[-1]
    noise = np.random.default_rng(seed).standard_normal((len(digits), latent)).astype("float32")
    return np.asarray(decoder.predict([noise, one_hot(digits)], verbose=0), dtype=np.float32)
