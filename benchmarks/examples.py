"""The two example models at their full settings: training time and quality.

    python -m benchmarks.examples
    python -m benchmarks.examples --seed 1

Trains ``layerscape.examples``' conditional VAE decoder and shape detector with their
default settings, one after the other, and prints how long each ``train_*`` call took
(data included), then:

- the judge: LeNet trained on the digits' training split, its accuracy on the 300
  held-out real digits;
- the generator: 20 digits generated per class, the share the judge reads as the class
  asked for, overall and per class (chance: 0.1);
- the detector: on 300 held-out scenes, the mean IoU of the true boxes matched to a
  predicted one, recall and precision at IoU 0.5, and the class accuracy of the matches.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras

from layerscape.examples import (
    detector_quality,
    generator_quality,
    train_digit_classifier,
    train_digit_generator,
    train_shape_detector,
)


def timed(fn, *args, **kwargs):
    began = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="seed of both trainings")
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, Keras {keras.__version__} "
        f"({keras.backend.backend()}), {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    decoder, gen_s = timed(train_digit_generator, seed=args.seed)
    print(f"generator  train_digit_generator(): {gen_s:5.1f} s, {decoder.count_params():,} params")
    detector, det_s = timed(train_shape_detector, seed=args.seed)
    print(f"detector   train_shape_detector():  {det_s:5.1f} s, {detector.count_params():,} params")
    (judge, accuracy), judge_s = timed(train_digit_classifier)
    print(f"judge      LeNet, 20 epochs:        {judge_s:5.1f} s, held-out accuracy {accuracy:.3f}")

    gen = generator_quality(decoder, judge, per_class=20)
    per_class = " ".join(f"{d}:{share:.2f}" for d, share in enumerate(gen["per_class"]))
    print(f"generated digits read as asked: {gen['agreement']:.3f}  ({per_class})")
    det = detector_quality(detector, n=300)
    # Other jobs on a shared machine stretch the training times; say how busy it was.
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(
        f"detector on 300 held-out scenes: mean IoU {det['mean_iou']:.3f}, "
        f"recall {det['recall']:.3f}, precision {det['precision']:.3f} (IoU >= 0.5), "
        f"class accuracy {det['class_accuracy']:.3f} "
        f"({det['true_boxes']} true boxes, {det['predicted_boxes']} predicted)"
    )


if __name__ == "__main__":
    main()
