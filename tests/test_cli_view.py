"""``layerscape view MODEL_FILE``: saved models in, offline pages out, clear errors."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest

from layerscape.cli import main
from layerscape.encode import decode_payload
from layerscape.progress import reported_if_slow, size_text
from tests.support.custom_layers import Doubler, Negate

# ``layerscape view`` puts the current folder on the import path for --custom-objects,
# as ``python -m`` does; run from the clone's root, ``tests.support`` is importable.
CUSTOM = "tests.support.custom_layers:Doubler"


def small_cnn() -> keras.Model:
    keras.utils.set_random_seed(3)
    return keras.Sequential(
        [
            keras.Input((6, 6, 1), name="pixels"),
            keras.layers.Conv2D(2, 3, activation="relu", name="conv"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(3, activation="softmax", name="probs"),
        ],
        name="tiny_cnn",
    )


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict[str, Path]:
    """The small CNN as .keras and .h5, and a functional model with the custom layer."""
    folder = tmp_path_factory.mktemp("models")
    model = small_cnn()
    model.save(folder / "cnn.keras")
    model.save(folder / "cnn.h5")
    inputs = keras.Input((4,), name="x")
    doubled = Doubler(name="twice")(keras.layers.Dense(3, name="dense")(inputs))
    custom = keras.Model(inputs, doubled, name="with_custom")
    custom.save(folder / "custom.keras")
    custom.save(folder / "custom.h5")
    return {
        "keras": folder / "cnn.keras",
        "h5": folder / "cnn.h5",
        "custom.keras": folder / "custom.keras",
        "custom.h5": folder / "custom.h5",
    }


def page_state(path: Path) -> dict:
    text = path.read_text()
    return json.loads(re.search(r'id="layerscape-state"[^>]*>(.*?)</script>', text, re.S).group(1))


def page_payload(path: Path) -> bytes:
    text = path.read_text()
    return base64.b64decode(
        re.search(r'id="layerscape-payload"[^>]*>(.*?)</script>', text, re.S).group(1)
    )


def page_values(path: Path) -> dict[tuple[str, str], np.ndarray]:
    return decode_payload(page_payload(path))[1]


def node_id(state: dict, name: str) -> str:
    return next(n["id"] for n in state["_graph"]["nodes"] if n["name"] == name)


def usage_error(capsys, argv: list[str]) -> str:
    """Run ``main(argv)``, expect exit status 2, return the one-line message."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize("kind", ["keras", "h5"])
def test_a_saved_model_becomes_a_page_of_its_graph(saved, tmp_path, kind, capsys):
    out = tmp_path / "page.html"
    assert main(["view", str(saved[kind]), "--output", str(out)]) == 0
    state = page_state(out)
    names = [n["name"] for n in state["_graph"]["nodes"]]
    assert names == ["pixels", "conv", "flat", "probs"]
    assert state["_graph"]["name"] == "tiny_cnn"
    printed = capsys.readouterr().out
    assert f"wrote {out.resolve()}" in printed and "structure only" in printed
    # No --input: the page holds no activations, only the saved model's own small
    # weights (so its Weights button works offline), exactly as they were saved.
    values = page_values(out)
    assert {role for _, role in values} == {"kernel", "bias"}
    model = keras.models.load_model(saved[kind])
    conv = node_id(state, "conv")
    np.testing.assert_array_equal(values[(conv, "kernel")], model.get_layer("conv").kernel.numpy())


def test_the_page_is_named_after_the_model_by_default(saved, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["view", str(saved["keras"])]) == 0
    assert (tmp_path / "cnn.html").exists()


def test_an_npy_input_puts_predicts_values_in_the_page(saved, tmp_path):
    x = np.random.default_rng(0).uniform(0, 1, (6, 6, 1)).astype("float32")
    np.save(tmp_path / "x.npy", x)
    out = tmp_path / "page.html"
    assert main(["view", str(saved["h5"]), "-i", str(tmp_path / "x.npy"), "-o", str(out)]) == 0
    state, values = page_state(out), page_values(out)
    model = keras.saving.load_model(saved["h5"], compile=False)
    expected = np.asarray(model(x[np.newaxis]))[0]
    probs = values[(node_id(state, "probs"), "full")]
    np.testing.assert_allclose(probs, expected, atol=2 / 255)  # u8-quantized in the payload
    np.testing.assert_allclose(values[(node_id(state, "pixels"), "full")], x, atol=1 / 255)


def test_a_wrong_input_shape_exits_2_naming_the_expected_shape(saved, tmp_path, capsys):
    np.save(tmp_path / "wrong.npy", np.zeros((5, 5), "float32"))
    message = usage_error(
        capsys, ["view", str(saved["keras"]), "--input", str(tmp_path / "wrong.npy")]
    )
    assert "(6, 6, 1)" in message and "(5, 5)" in message and "wrong.npy" in message


@pytest.mark.parametrize("kind", ["custom.keras", "custom.h5"])
def test_an_unknown_custom_layer_is_named_with_how_to_pass_it(saved, tmp_path, kind, capsys):
    message = usage_error(capsys, ["view", str(saved[kind]), "-o", str(tmp_path / "p.html")])
    assert "Doubler" in message and "--custom-objects" in message
    if kind == "custom.keras":  # a .keras file says which module the class came from
        assert f"--custom-objects {CUSTOM}" in message
    assert not (tmp_path / "p.html").exists()


@pytest.mark.parametrize("kind", ["custom.keras", "custom.h5"])
def test_custom_objects_load_the_custom_layer(saved, tmp_path, kind):
    np.save(tmp_path / "x.npy", np.arange(4, dtype="float32"))
    out = tmp_path / "p.html"
    argv = ["view", str(saved[kind]), "--custom-objects", CUSTOM, "-i", str(tmp_path / "x.npy")]
    assert main([*argv, "-o", str(out)]) == 0
    state, values = page_state(out), page_values(out)
    dense = values[(node_id(state, "dense"), "full")]
    twice = values[(node_id(state, "twice"), "full")]
    np.testing.assert_allclose(twice, 2 * dense, atol=(twice.max() - twice.min()) / 100)


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_every_unknown_custom_class_is_named(tmp_path, suffix, capsys):
    inputs = keras.Input((3,), name="x")
    model = keras.Model(inputs, Negate(name="neg")(Doubler(name="dbl")(inputs)))
    path = tmp_path / f"two_custom{suffix}"
    model.save(path)
    message = usage_error(capsys, ["view", str(path)])
    assert "Doubler" in message and "Negate" in message
    negate = CUSTOM.replace("Doubler", "Negate")
    assert "Negate" in usage_error(capsys, ["view", str(path), "--custom-objects", CUSTOM])
    argv = ["view", str(path), "--custom-objects", CUSTOM, "--custom-objects", negate]
    assert main([*argv, "-o", str(tmp_path / "p.html")]) == 0


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("tests.support.custom_layers", "MODULE:NAME"),
        ("tests.support.no_such_module:Doubler", "no module named 'tests.support.no_such_module'"),
        ("tests.support.custom_layers:Tripler", "has no 'Tripler'; its classes are ['Doubler'"),
    ],
)
def test_bad_custom_objects_say_what_is_wrong(saved, spec, says, capsys):
    message = usage_error(capsys, ["view", str(saved["custom.keras"]), "--custom-objects", spec])
    assert says in message


def test_an_image_is_resized_and_scaled_to_the_input(saved, tmp_path):
    pil = pytest.importorskip("PIL.Image", reason="Pillow reads image inputs")
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (12, 10, 3), dtype=np.uint8)
    pil.fromarray(rgb).save(tmp_path / "x.png")
    out = tmp_path / "p.html"
    argv = ["view", str(saved["keras"]), "-i", str(tmp_path / "x.png"), "--scale", "1/255"]
    assert main([*argv, "-o", str(out)]) == 0
    state, values = page_state(out), page_values(out)
    pixels = values[(node_id(state, "pixels"), "full")]
    assert pixels.shape == (6, 6, 1)
    # Greyscale for a one-channel input, 12x10 -> 6x6, 0..255 -> 0..1.
    grey = pil.fromarray(rgb).convert("L").resize((6, 6), pil.Resampling.BILINEAR)
    np.testing.assert_allclose(pixels[..., 0], np.asarray(grey) / 255, atol=1 / 255)


def test_an_rgb_image_for_a_channels_first_input(tmp_path):
    pil = pytest.importorskip("PIL.Image", reason="Pillow reads image inputs")
    from layerscape.input_files import ModelInput, read_image

    rgb = np.random.default_rng(2).integers(0, 256, (4, 5, 3), dtype=np.uint8)
    pil.fromarray(rgb).save(tmp_path / "x.png")
    pixels = read_image(tmp_path / "x.png", ModelInput("x", (3, 4, 5)), scale=2.0)
    assert pixels.dtype == np.float32 and pixels.shape == (3, 4, 5)
    np.testing.assert_array_equal(pixels, np.moveaxis(rgb, -1, 0) * 2.0)
    with pytest.raises(ValueError, match=r"an image fits an input shaped .* is shaped \(7,\)"):
        read_image(tmp_path / "x.png", ModelInput("x", (7,)))


def test_npz_inputs_by_name_by_order_and_by_key(tmp_path, capsys):
    a_in, b_in = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    joined = keras.layers.Concatenate(name="join")([a_in, b_in])
    keras.Model([a_in, b_in], joined, name="two_inputs").save(tmp_path / "two.keras")
    a, b = np.arange(4, dtype="float32"), np.array([10.0, 20.0], "float32")
    np.savez(tmp_path / "named.npz", b=b, a=a)
    np.savez(tmp_path / "ordered.npz", a, b)
    np.save(tmp_path / "a.npy", a)
    np.savez(tmp_path / "b.npz", b=b, other=np.zeros(3))
    model = str(tmp_path / "two.keras")
    for inputs in (["named.npz"], ["ordered.npz"], ["a.npy", "b.npz:b"]):
        out = tmp_path / "p.html"
        argv = [arg for name in inputs for arg in ("-i", str(tmp_path / name))]
        assert main(["view", model, *argv, "-o", str(out)]) == 0, inputs
        state, values = page_state(out), page_values(out)
        np.testing.assert_allclose(
            values[(node_id(state, "join"), "full")], [0, 1, 2, 3, 10, 20], atol=0.1
        )
    capsys.readouterr()
    message = usage_error(capsys, ["view", model, "-i", str(tmp_path / "a.npy")])
    assert "['a', 'b']" in message and "one --input per input" in message
    np.savez(tmp_path / "unnamed.npz", x=a, y=b)
    message = usage_error(capsys, ["view", model, "-i", str(tmp_path / "unnamed.npz")])
    assert "['x', 'y']" in message and "['a', 'b']" in message


def test_an_npz_with_several_arrays_needs_a_key(saved, tmp_path, capsys):
    np.savez(tmp_path / "two.npz", first=np.zeros((6, 6, 1)), second=np.ones((6, 6, 1)))
    message = usage_error(capsys, ["view", str(saved["keras"]), "-i", str(tmp_path / "two.npz")])
    assert "['first', 'second']" in message and "two.npz:KEY" in message
    message = usage_error(
        capsys, ["view", str(saved["keras"]), "-i", f"{tmp_path / 'two.npz'}:third"]
    )
    assert "no array 'third'" in message
    out = tmp_path / "p.html"
    argv = ["view", str(saved["keras"]), "-i", f"{tmp_path / 'two.npz'}:second", "-o", str(out)]
    assert main(argv) == 0
    state = page_state(out)
    np.testing.assert_allclose(page_values(out)[(node_id(state, "pixels"), "full")], 1.0)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--scale", "1/0"], "--scale expects a number or a fraction such as 1/255; got '1/0'"),
        (["--scale", "0.5", "-i", "{x}"], "--scale applies to image inputs"),
        (["-i", "{missing}"], "no such input file"),
        (["-i", "{model}"], "--input expects a .npy file, a .npz file or an image"),
    ],
)
def test_input_errors_exit_2_with_one_line(saved, tmp_path, argv, says, capsys):
    np.save(tmp_path / "x.npy", np.zeros((6, 6, 1), "float32"))
    paths = {"x": tmp_path / "x.npy", "missing": tmp_path / "nope.npy", "model": saved["keras"]}
    argv = [a.format(**paths) for a in argv]
    assert says in usage_error(capsys, ["view", str(saved["keras"]), *argv])


def test_model_file_errors_exit_2_with_one_line(tmp_path, capsys):
    assert "no such model file" in usage_error(capsys, ["view", str(tmp_path / "none.keras")])
    (tmp_path / "model.onnx").write_bytes(b"\0")
    message = usage_error(capsys, ["view", str(tmp_path / "model.onnx")])
    assert "expected a .keras file, a legacy .h5/.hdf5 file or a SavedModel directory" in message
    (tmp_path / "broken.keras").write_bytes(b"not a zip")
    assert "could not load" in usage_error(capsys, ["view", str(tmp_path / "broken.keras")])
    (tmp_path / "empty").mkdir()
    assert "without saved_model.pb" in usage_error(capsys, ["view", str(tmp_path / "empty")])


def test_labels_name_the_top_class(saved, tmp_path, capsys):
    (tmp_path / "labels.txt").write_text("cat\ndog\nbird\n\n")
    np.save(tmp_path / "x.npy", np.ones((6, 6, 1), "float32"))
    out = tmp_path / "p.html"
    argv = ["view", str(saved["keras"]), "--labels", str(tmp_path / "labels.txt")]
    assert main([*argv, "-i", str(tmp_path / "x.npy"), "-o", str(out)]) == 0
    assert page_state(out)["_graph"]["labels"] == ["cat", "dog", "bird"]
    model = keras.saving.load_model(saved["keras"], compile=False)
    top = ["cat", "dog", "bird"][int(np.argmax(model(np.ones((1, 6, 6, 1)))[0]))]
    assert f"top class: {top}" in capsys.readouterr().out
    (tmp_path / "two.txt").write_text("cat\ndog\n")
    message = usage_error(
        capsys, ["view", str(saved["keras"]), "--labels", str(tmp_path / "two.txt")]
    )
    assert "got 2 labels" in message and "(3,)" in message


def test_lambda_layers_load_only_with_unsafe(tmp_path, capsys):
    inputs = keras.Input((3,), name="x")
    outputs = keras.layers.Lambda(lambda t: t + 1.0, name="plus_one")(inputs)
    keras.Model(inputs, outputs).save(tmp_path / "lam.keras")
    message = usage_error(capsys, ["view", str(tmp_path / "lam.keras")])
    assert "Lambda" in message and "--unsafe" in message
    assert (
        main(["view", str(tmp_path / "lam.keras"), "--unsafe", "-o", str(tmp_path / "p.html")]) == 0
    )


def test_a_savedmodel_shows_its_input_and_output_and_says_so(tmp_path, capsys):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("a SavedModel loads only with the TensorFlow backend")
    model = small_cnn()
    model.export(tmp_path / "exported", verbose=False)
    x = np.random.default_rng(4).uniform(0, 1, (6, 6, 1)).astype("float32")
    np.save(tmp_path / "x.npy", x)
    out = tmp_path / "p.html"
    argv = ["view", str(tmp_path / "exported"), "-i", str(tmp_path / "x.npy"), "-o", str(out)]
    assert main(argv) == 0
    assert "only as one TFSMLayer" in capsys.readouterr().err
    state, values = page_state(out), page_values(out)
    nodes = state["_graph"]["nodes"]
    assert [n["class_name"] for n in nodes] == ["InputLayer", "TFSMLayer"]
    expected = np.asarray(model(x[np.newaxis]))[0]
    np.testing.assert_allclose(values[(nodes[-1]["id"], "full")], expected, atol=2 / 255)


def test_slow_steps_are_reported_and_fast_ones_are_not():
    quiet, loud = io.StringIO(), io.StringIO()
    with reported_if_slow("loading a.keras (3 kB)", after=5.0, stream=quiet):
        pass
    assert quiet.getvalue() == ""
    with reported_if_slow("loading b.h5 (123 MB)", after=0.01, stream=loud):
        time.sleep(0.2)  # the step being timed, not a wait for something else
    assert re.fullmatch(r"loading b\.h5 \(123 MB\)… done in 0\.\d s\n", loud.getvalue())
    failed = io.StringIO()
    with pytest.raises(KeyError), reported_if_slow("loading c", after=0.01, stream=failed):
        time.sleep(0.2)
        raise KeyError("c")
    assert "failed after" in failed.getvalue()
    assert [size_text(n) for n in (812, 14_200, 123_000_000, 1_400_000_000)] == [
        "812 B",
        "14 kB",
        "123 MB",
        "1.4 GB",
    ]


def test_python_m_layerscape_view(saved, tmp_path):
    out = tmp_path / "page.html"
    result = subprocess.run(
        [sys.executable, "-m", "layerscape", "view", str(saved["h5"]), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert f"wrote {out.resolve()}: tiny_cnn, 4 nodes" in result.stdout
    assert [n["name"] for n in page_state(out)["_graph"]["nodes"]][-1] == "probs"
