"""Two real models trained here in about a minute each on two CPU cores, offline.

- :func:`train_digit_generator`: a conditional VAE's decoder, ``cvae_decoder``:
  ``predict([noise, label])`` with standard normal ``noise`` (8,) and a one-hot
  ``label`` (10,) draws a 28x28 digit of that class (:func:`generate` does both).
- :func:`train_shape_detector`: a YOLO-style detector, ``shape_detector``, on synthetic
  scenes of squares, discs and triangles (:func:`make_scenes`); :func:`decode_boxes`
  reads one scene's output as boxes in pixels (pass it as ``ModelView(model, boxes=...)``).

:func:`generator_quality` and :func:`detector_quality` measure them. Importing this
package imports no Keras; the trainers do.

>>> from layerscape.examples import train_digit_generator, generate
>>> decoder = train_digit_generator()          # doctest: +SKIP
>>> sevens = generate(decoder, 7, n=4)         # doctest: +SKIP
"""

from __future__ import annotations

from .detector import CHANNELS, GRID, box_iou, build_detector, decode_boxes, train_shape_detector
from .digits28 import load_digits28, one_hot, split_digits
from .gallery import CLASSIFIERS, alexnet, build_classifier, picture
from .generator import LATENT, build_decoder, generate, train_digit_generator
from .quality import detector_quality, generator_quality, train_digit_classifier
from .scenes import SHAPES, Scenes, make_scenes

__all__ = [
    "CHANNELS",
    "CLASSIFIERS",
    "GRID",
    "LATENT",
    "SHAPES",
    "Scenes",
    "alexnet",
    "box_iou",
    "build_classifier",
    "build_decoder",
    "build_detector",
    "decode_boxes",
    "detector_quality",
    "generate",
    "generator_quality",
    "load_digits28",
    "make_scenes",
    "one_hot",
    "picture",
    "split_digits",
    "train_digit_classifier",
    "train_digit_generator",
    "train_shape_detector",
]
