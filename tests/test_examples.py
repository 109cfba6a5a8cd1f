"""layerscape.examples: the data they make, the models they train, what those models do.

Each model is trained once for this module, on shorter settings than the defaults (the
benchmark, ``python -m benchmarks.examples``, measures the full ones). The quality
thresholds are below what the short runs measured over seeds 0-2, with margin; see the
comments beside them.
"""

from __future__ import annotations

import numpy as np
import pytest

from layerscape.examples import (
    CHANNELS,
    GRID,
    LATENT,
    SHAPES,
    box_iou,
    decode_boxes,
    detector_quality,
    generate,
    generator_quality,
    load_digits28,
    make_scenes,
    one_hot,
    split_digits,
    train_digit_classifier,
    train_digit_generator,
    train_shape_detector,
)

# ---------------------------------------------------------------- data


def test_digits28_are_28x28_in_unit_range():
    x, y = load_digits28()
    assert x.shape == (1797, 28, 28, 1) and x.dtype == np.float32
    assert y.dtype == np.int64 and set(np.unique(y)) == set(range(10))
    assert x.min() >= 0.0 and x.max() <= 1.0


def test_digit_split_is_fixed_disjoint_and_stratified():
    (x_train, y_train), (x_test, y_test) = split_digits()
    (x_again, _), (x_test_again, _) = split_digits()
    assert len(y_train) + len(y_test) == 1797 and len(y_test) == 300
    assert np.array_equal(x_train, x_again) and np.array_equal(x_test, x_test_again)
    assert np.bincount(y_test).tolist() == [30] * 10
    train_rows = {row.tobytes() for row in x_train}
    assert sum(row.tobytes() in train_rows for row in x_test) < 5  # the scans hold a few twins


def test_one_hot_checks_its_labels():
    assert one_hot([0, 9]).tolist()[1] == [0.0] * 9 + [1.0]
    with pytest.raises(ValueError, match=r"0\.\.9, got 0\.\.10"):
        one_hot([0, 10])
    with pytest.raises(TypeError, match="integer labels"):
        one_hot(np.array([0.5]))


def test_scenes_shapes_dtypes_and_determinism():
    a, b, c = make_scenes(40, seed=3), make_scenes(40, seed=3), make_scenes(40, seed=4)
    assert a.images.shape == (40, 64, 64, 1) and a.images.dtype == np.float32
    assert a.images.min() >= 0.0 and a.images.max() <= 1.0
    assert np.array_equal(a.images, b.images)
    assert all(np.array_equal(p, q) for p, q in zip(a.boxes, b.boxes))
    assert not np.array_equal(a.images, c.images)
    counts = [len(boxes) for boxes in a.boxes]
    assert min(counts) >= 1 and max(counts) <= 3 and len(set(counts)) == 3
    assert all(cl.dtype == np.int64 and len(cl) == len(bx) for cl, bx in zip(a.classes, a.boxes))
    assert set(np.concatenate(a.classes)) == set(range(len(SHAPES)))


def test_scene_boxes_lie_inside_the_image_around_bright_pixels():
    scenes = make_scenes(60, seed=5)
    for image, boxes in zip(scenes.images[..., 0], scenes.boxes):
        assert boxes.dtype == np.float32
        assert (boxes[:, :2] >= 0).all() and (boxes[:, 2:] <= 64).all()
        assert (boxes[:, 2:] - boxes[:, :2] >= 10).all()
        for x0, y0, x1, y1 in boxes.astype(int):
            # Shapes are at least 0.65 bright; the background stays well below on average.
            assert image[y0:y1, x0:x1].mean() > image.mean()
        for i in range(len(boxes)):
            for j in range(i):
                assert box_iou(boxes[i], boxes[j]) == 0.0


def test_scenes_refuse_bad_arguments():
    with pytest.raises(ValueError, match="size must be at least 52 pixels, got 32"):
        make_scenes(1, size=32)
    with pytest.raises(ValueError, match="n must be >= 0, got -1"):
        make_scenes(-1)


# ---------------------------------------------------------------- decode_boxes


def grid_with(*cells: tuple[int, int, float, tuple[float, float, float, float], int]):
    """A hand-built output: (row, col, objectness, (x, y, w, h), class) per cell."""
    out = np.zeros((GRID, GRID, len(CHANNELS)), dtype=np.float32)
    out[..., 5] = 1.0
    for row, col, obj, box, kind in cells:
        out[row, col, :5] = obj, *box
        out[row, col, 5:] = 0.0
        out[row, col, 5 + kind] = 1.0
    return out


def test_decode_boxes_contract():
    # A centre at the middle of cell (2, 5) of 8-pixel cells: (44, 20); 16x8 pixels.
    out = grid_with((2, 5, 0.9, (0.5, 0.5, 0.25, 0.125), 1))
    (box,) = decode_boxes(out)
    assert set(box) == {"x0", "y0", "x1", "y1", "label", "score", "cell"}
    assert all(type(box[k]) is float for k in ("x0", "y0", "x1", "y1", "score"))
    assert (box["x0"], box["y0"], box["x1"], box["y1"]) == pytest.approx((36, 16, 52, 24))
    assert box["label"] == "disc" and box["score"] == pytest.approx(0.9)
    assert box["cell"] == (2, 5) and all(type(v) is int for v in box["cell"])


def test_decode_boxes_respects_the_threshold_and_sorts_by_score():
    out = grid_with(
        (0, 0, 0.4, (0.5, 0.5, 0.2, 0.2), 0),
        (4, 4, 0.6, (0.5, 0.5, 0.2, 0.2), 2),
        (7, 7, 0.95, (0.5, 0.5, 0.2, 0.2), 0),
    )
    assert [b["cell"] for b in decode_boxes(out)] == [(7, 7), (4, 4)]
    assert [b["cell"] for b in decode_boxes(out, threshold=0.3)] == [(7, 7), (4, 4), (0, 0)]
    assert decode_boxes(out, threshold=0.99) == []
    assert all(b["score"] >= 0.5 for b in decode_boxes(out))


def test_decode_boxes_suppresses_duplicates_of_one_shape():
    # Two neighbouring cells both claim the same 24-pixel square; a third box is apart.
    out = grid_with(
        (3, 3, 0.9, (0.9, 0.5, 0.375, 0.375), 0),
        (3, 4, 0.7, (0.1, 0.5, 0.375, 0.375), 0),
        (0, 7, 0.8, (0.5, 0.5, 0.125, 0.125), 2),
    )
    boxes = decode_boxes(out)
    assert [b["cell"] for b in boxes] == [(3, 3), (0, 7)]
    assert len(decode_boxes(out, iou_threshold=1.0)) == 3


def test_decode_boxes_clips_to_the_image_and_takes_a_one_output_list():
    out = grid_with((0, 0, 0.9, (0.0, 0.0, 0.5, 0.5), 0))
    (box,) = decode_boxes([out])
    assert (box["x0"], box["y0"], box["x1"], box["y1"]) == (0.0, 0.0, 16.0, 16.0)


def test_decode_boxes_refuses_a_batch():
    with pytest.raises(ValueError, match=r"\(grid, grid, 8\) without the batch dimension, got"):
        decode_boxes(np.zeros((1, GRID, GRID, 8)))
    with pytest.raises(ValueError, match="one output, got 2 outputs"):
        decode_boxes([np.zeros((GRID, GRID, 8))] * 2)


def test_box_iou():
    assert box_iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert box_iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(1 / 3)
    assert box_iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0


# ---------------------------------------------------------------- trained models


@pytest.fixture(scope="module")
def decoder():
    return train_digit_generator(epochs=15)


@pytest.fixture(scope="module")
def classifier():
    return train_digit_classifier(epochs=10)


@pytest.fixture(scope="module")
def detector():
    return train_shape_detector(epochs=8, scenes=1500)


def test_decoder_inputs_outputs_and_names(decoder):
    assert decoder.name == "cvae_decoder"
    assert [t.name for t in decoder.inputs] == ["noise", "label"]
    assert [tuple(t.shape) for t in decoder.inputs] == [(None, LATENT), (None, 10)]
    assert tuple(decoder.outputs[0].shape) == (None, 28, 28, 1)
    assert decoder.layers[-1].get_config()["activation"] == "sigmoid"
    kinds = {layer.__class__.__name__ for layer in decoder.layers}
    assert "Conv2DTranspose" in kinds and "Sampling" not in kinds
    assert decoder.count_params() < 300_000


def test_generate_draws_repeatable_digits_in_unit_range(decoder):
    a, b = generate(decoder, 3, n=4, seed=7), generate(decoder, 3, n=4, seed=7)
    assert a.shape == (4, 28, 28, 1) and a.dtype == np.float32
    assert np.array_equal(a, b) and a.min() >= 0.0 and a.max() <= 1.0
    assert not np.array_equal(a[0], a[1])  # different noise, a different 3
    assert a[:, 4:24, 4:24].mean() > 3 * a[:, :3].mean()  # ink in the middle, like the data


def test_the_judge_reads_real_held_out_digits(classifier):
    _, accuracy = classifier
    assert accuracy >= 0.9  # measured 0.97 after 10 epochs, 0.98 after 20


def test_generated_digits_are_read_as_the_class_asked(decoder, classifier):
    quality = generator_quality(decoder, classifier[0], per_class=20)
    # After 15 epochs (seeds 0-2) every generated digit was read as asked (1.0 overall
    # and per class; 8 epochs gave 0.93-0.96 overall, 0.25-0.55 for the worst class).
    # Chance is 0.1.
    assert quality["agreement"] >= 0.9, quality
    assert min(quality["per_class"]) >= 0.7, quality


def test_detector_output_is_the_documented_grid(detector):
    assert detector.name == "shape_detector"
    assert tuple(detector.inputs[0].shape) == (None, 64, 64, 1)
    assert tuple(detector.outputs[0].shape) == (None, GRID, GRID, len(CHANNELS))
    assert detector.count_params() < 300_000


def test_detector_boxes_land_on_held_out_shapes(detector):
    quality = detector_quality(detector, n=100)
    # After 8 epochs on 1,500 scenes (seeds 0-2): mean IoU 0.73-0.76, recall 0.79-0.88,
    # precision 0.93-0.97, class accuracy 0.90-0.92 (the defaults reach IoU 0.79).
    assert quality["mean_iou"] >= 0.65, quality
    assert quality["recall"] >= 0.7 and quality["precision"] >= 0.85, quality
    assert quality["class_accuracy"] >= 0.8, quality


def test_decode_boxes_reads_the_trained_detector(detector):
    scenes = make_scenes(4, seed=20_000)
    outputs = detector.predict(scenes.images, verbose=0)
    for out, truth in zip(outputs, scenes.boxes):
        found = decode_boxes(out)
        assert all(0 <= b["x0"] < b["x1"] <= 64 and 0 <= b["y0"] < b["y1"] <= 64 for b in found)
        assert all(0 <= r < GRID and 0 <= c < GRID for b in found for r, c in [b["cell"]])
        assert len(found) >= 1 and len(found) <= len(truth) + 1


def test_gallery_classifiers_are_the_real_stacks_built_offline():
    from layerscape.examples import CLASSIFIERS, alexnet, build_classifier

    model = alexnet()
    assert model.input_shape == (None, 227, 227, 3) and model.output_shape == (None, 1000)
    convs = [layer for layer in model.layers if layer.__class__.__name__ == "Conv2D"]
    assert [c.filters for c in convs] == [96, 256, 384, 384, 256]
    assert [c.kernel_size for c in convs] == [(11, 11), (5, 5), (3, 3), (3, 3), (3, 3)]
    assert model.get_layer("pool5").output.shape[1:] == (6, 6, 256)
    assert CLASSIFIERS == ("alexnet", "vgg16", "mobilenet", "resnet50", "inception_v3")
    assert build_classifier("mobilenet").name.startswith("mobilenet")
    with pytest.raises(ValueError, match=r"expected one of alexnet, vgg16.*got 'lenet'"):
        build_classifier("lenet")


def test_gallery_picture_is_a_repeatable_colour_image():
    from layerscape.examples import picture

    a = picture(224, 200, seed=3)
    assert a.shape == (224, 200, 3) and a.dtype == np.float32
    assert a.min() >= 0.0 and a.max() <= 255.0 and a.std() > 10
    np.testing.assert_array_equal(a, picture(224, 200, seed=3))
    assert not np.array_equal(a[..., 0], a[..., 2])  # tinted, not grey
    with pytest.raises(ValueError, match="at least 8 x 8 pixels; got 4 x 224"):
        picture(4, 224)
