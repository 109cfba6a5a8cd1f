"""How good the examples are, in figures: the digits the generator draws, the boxes the
detector finds.

The generator is judged by a separately trained classifier (the demo's LeNet, trained on
the same training split, never on generated images): the share of generated digits it
assigns to the class asked for. The detector is judged on held-out scenes (a seed no
training run uses): each true box is matched to at most one predicted box, best IoU
first; mean IoU over the matched pairs, recall and precision at IoU 0.5.
"""

from __future__ import annotations

import numpy as np

from .detector import box_corners, box_iou, decode_boxes
from .digits28 import split_digits
from .generator import generate
from .scenes import SHAPES, make_scenes

HELD_OUT_SEED = 10_000
"""Seed of the held-out scenes; the detector trains on seeds below it."""


def train_digit_classifier(seed: int = 0, epochs: int = 20):
    """The judge: LeNet trained on the digits' training split.

    Returns
    -------
    classifier, accuracy
        The trained ``keras.Model`` and its accuracy on the held-out digits.
    """
    from ..demo import train_lenet

    (x, y), (x_test, y_test) = split_digits()
    classifier = train_lenet(x, y, epochs=epochs, seed=seed)
    predicted = np.argmax(classifier.predict(x_test, verbose=0), axis=-1)
    return classifier, float(np.mean(predicted == y_test))


def generator_quality(decoder, classifier=None, per_class: int = 20, seed: int = 1) -> dict:
    """The share of generated digits that a separate classifier reads as the class asked.

    Parameters
    ----------
    decoder
        The model :func:`.generator.train_digit_generator` returns.
    classifier
        A digit classifier on 28x28x1 images; trained here
        (:func:`train_digit_classifier`) when omitted.
    per_class
        Digits generated for each of the ten classes.
    seed
        Seeds the noise.

    Returns
    -------
    dict
        ``agreement`` (float, all classes), ``per_class`` (ten floats) and
        ``classifier_accuracy`` (on the held-out real digits; ``None`` when a classifier
        was passed in).
    """
    accuracy = None
    if classifier is None:
        classifier, accuracy = train_digit_classifier()
    wanted = np.repeat(np.arange(10), per_class)
    images = generate(decoder, wanted.tolist(), seed=seed)
    read = np.argmax(classifier.predict(images, verbose=0), axis=-1)
    hits = read == wanted
    return {
        "agreement": float(np.mean(hits)),
        "per_class": [float(np.mean(hits[wanted == d])) for d in range(10)],
        "classifier_accuracy": accuracy,
    }


def detector_quality(
    model, n: int = 300, seed: int = HELD_OUT_SEED, threshold: float = 0.5
) -> dict:
    """Mean IoU, recall and precision of a detector on held-out scenes.

    Parameters
    ----------
    model
        The model :func:`.detector.train_shape_detector` returns.
    n
        How many held-out scenes.
    seed
        Seed of the scenes; keep it away from the training seeds.
    threshold
        Objectness above which a cell reports a box.

    Returns
    -------
    dict
        ``mean_iou`` (over true boxes matched to a prediction), ``recall`` and
        ``precision`` (a match needs IoU >= 0.5), ``class_accuracy`` (of the matches),
        ``true_boxes`` and ``predicted_boxes`` (counts).
    """
    scenes = make_scenes(n, seed=seed)
    outputs = np.asarray(model.predict(scenes.images, verbose=0))
    ious, right_class, predicted = [], [], 0
    for out, boxes, classes in zip(outputs, scenes.boxes, scenes.classes):
        found = decode_boxes(out, threshold=threshold)
        predicted += len(found)
        for t, p in _match(boxes, found):
            ious.append(box_iou(boxes[t], box_corners(found[p])))
            right_class.append(found[p]["label"] == SHAPES[classes[t]])
    ious_arr = np.asarray(ious)
    hits = ious_arr >= 0.5
    true_boxes = sum(len(b) for b in scenes.boxes)
    return {
        "mean_iou": float(ious_arr.mean()) if ious else 0.0,
        "recall": float(hits.sum() / max(true_boxes, 1)),
        "precision": float(hits.sum() / max(predicted, 1)),
        "class_accuracy": float(np.mean(right_class)) if ious else 0.0,
        "true_boxes": true_boxes,
        "predicted_boxes": predicted,
    }


def _match(truth: np.ndarray, found: list[dict]) -> list[tuple[int, int]]:
    """Pairs (true index, found index), greedily by IoU, each used once, IoU > 0."""
    pairs = sorted(
        (
            (box_iou(t, box_corners(f)), i, j)
            for i, t in enumerate(truth)
            for j, f in enumerate(found)
        ),
        reverse=True,
    )
    used_t: set[int] = set()
    used_f: set[int] = set()
    matched = []
    for iou, i, j in pairs:
        if iou > 0 and i not in used_t and j not in used_f:
            matched.append((i, j))
            used_t.add(i)
            used_f.add(j)
    return matched
