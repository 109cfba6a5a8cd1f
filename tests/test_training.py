"""TrainingCallback: when it redraws, what each redraw shows, the history and the recording."""

from __future__ import annotations

import base64
import json
import re

import keras
import numpy as np
import pytest

from layerscape import ModelView, TrainingCallback
from layerscape.encode import decode_payload
from layerscape.recording import Recording, fit_frames, thin
from layerscape.training import AUTO_SHARE, MIN_INTERVAL_S, Throttle, check_every
from tests.support.wire import metered


class FakeClock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def tiny_model(seed: int = 3) -> keras.Model:
    """A small conv net: feature maps, a vector and a softmax, trained in well under a second."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((8, 8, 1), name="pixels")
    x = keras.layers.Conv2D(3, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.Flatten(name="flat")(x)
    x = keras.layers.Dense(6, activation="relu", name="hidden")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="probs")(x)
    model = keras.Model(inputs, outputs, name="tiny")
    model.compile(
        optimizer=keras.optimizers.SGD(0.1),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 8, 8, 1)).astype("float32")
    y = (x[:, :4].mean(axis=(1, 2, 3)) > 0).astype("int32") + (x[:, 4:].mean(axis=(1, 2, 3)) > 0)
    return x, y


# The throttle -------------------------------------------------------------------------


def test_batch_epoch_and_every_n():
    clock = FakeClock()
    assert all(Throttle("batch", clock).batch_due() for _ in range(5))
    epoch = Throttle("epoch", clock)
    assert not any(epoch.batch_due() for _ in range(5)) and epoch.epoch_due()
    three = Throttle(3, clock)
    assert [three.batch_due() for _ in range(7)] == [False, False, True, False, False, True, False]
    assert not three.epoch_due()


def test_auto_spends_at_most_its_share_and_redraws_regularly():
    clock = FakeClock()
    throttle = Throttle("auto", clock)
    throttle.restart()
    redraws = []
    for _ in range(4000):  # 40 s of 10 ms batches, each redraw costing 50 ms
        clock.now += 0.010
        if throttle.batch_due():
            redraws.append(clock.now)
            clock.now += 0.050
            throttle.drew(0.050)
    elapsed = clock.now - throttle.start
    assert throttle.spent <= AUTO_SHARE * elapsed + 0.050
    # Not timid either: within a redraw of what the share allows.
    assert len(redraws) >= AUTO_SHARE * elapsed / 0.050 - 2
    assert min(np.diff(redraws)) >= MIN_INTERVAL_S


def test_auto_never_redraws_more_than_ten_times_a_second_when_redraws_are_free():
    clock = FakeClock()
    throttle = Throttle("auto", clock)
    count = 0
    for _ in range(1000):  # 10 s of 10 ms batches, each redraw costing 0.1 ms
        clock.now += 0.010
        if throttle.batch_due():
            count += 1
            throttle.drew(0.0001)
    assert 90 <= count <= 101


@pytest.mark.parametrize(
    ("every", "error", "words"),
    [
        ("often", ValueError, "auto"),
        (0, ValueError, "at least 1"),
        (-2, ValueError, "at least 1"),
        (True, TypeError, "bool"),
        (2.5, TypeError, "float"),
        (None, TypeError, "NoneType"),
    ],
)
def test_bad_every_is_a_clear_error(every, error, words):
    with pytest.raises(error, match=words):
        check_every(every)


def test_bad_arguments_name_what_was_expected(data):
    model = tiny_model()
    view = ModelView(model)
    x, _ = data
    with pytest.raises(ValueError, match=r"\(8, 8, 1\)"):
        view.training_callback(np.zeros((5, 5)))
    with pytest.raises(TypeError, match="record"):
        view.training_callback(x[0], record="yes")
    with pytest.raises(ValueError, match="every"):
        view.training_callback(x[0], every="sometimes")
    with pytest.raises(TypeError, match="ModelView"):
        TrainingCallback(model, x[0])
    assert view.prediction_count == 0  # checking the sample draws nothing


# What each redraw shows -----------------------------------------------------------------


class WeightsSpy(keras.callbacks.Callback):
    """Runs after the view's callback: keeps the weights and the view's activations
    every time the view was redrawn."""

    def __init__(self, view: ModelView):
        super().__init__()
        self.view = view
        self.seen = 0
        self.steps: list[tuple[list[np.ndarray], dict[str, np.ndarray]]] = []

    def on_train_batch_end(self, batch, logs=None):
        if self.view.prediction_count > self.seen:
            self.seen = self.view.prediction_count
            self.steps.append((self.model.get_weights(), self.view.activations))


def test_each_redraw_is_predict_with_the_weights_of_that_step(data):
    x, y = data
    model = tiny_model()
    view = ModelView(model)
    spy = WeightsSpy(view)
    callback = view.training_callback(x[0], every="batch")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[callback, spy])
    assert len(spy.steps) == 12  # 6 batches x 2 epochs
    first, last = spy.steps[0][0], spy.steps[-1][0]
    assert any(not np.array_equal(a, b) for a, b in zip(first, last)), "the weights never moved"
    fresh_model = tiny_model(seed=9)
    fresh = ModelView(fresh_model)
    for weights, activations in spy.steps[::3]:
        fresh_model.set_weights(weights)
        fresh.predict(x[0])
        assert activations.keys() == fresh.activations.keys()
        for node_id, values in activations.items():
            np.testing.assert_allclose(values, fresh.activations[node_id], atol=1e-6)
        np.testing.assert_allclose(
            activations["probs"], keras.ops.convert_to_numpy(fresh_model(x[:1]))[0], atol=1e-6
        )


def test_history_holds_every_plotted_step_with_validation(data):
    x, y = data
    model = tiny_model()
    view = ModelView(model)
    callback = view.training_callback(x[0], every="epoch")
    model.fit(x, y, batch_size=16, epochs=3, verbose=0, validation_split=0.25, callbacks=[callback])
    history = view.history
    assert history[0] == {"epoch": 0, "batch": -1, "logs": {}}
    ends = history[1:]
    assert [(h["epoch"], h["batch"]) for h in ends] == [(0, 5), (1, 5), (2, 5)]  # 72/16 -> 5
    for point in ends:
        assert set(point["logs"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
        assert all(isinstance(v, float) and np.isfinite(v) for v in point["logs"].values())
    assert callback.redraws == 4  # before training, and once per epoch
    assert view._history == history  # the synced trait the readout plots
    assert view.recorded_frames == 4


def test_every_n_batches_and_the_final_frame(data):
    x, y = data
    model = tiny_model()
    view = ModelView(model)
    callback = view.training_callback(x[0], every=4)
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[callback])
    # before training, after batches 4 (index 3), and the final weights after batch 6
    assert [(h["epoch"], h["batch"]) for h in view.history] == [(0, -1), (0, 3), (0, 5)]
    assert callback.redraws == 3


def test_recorded_frames_carry_their_step(data):
    x, y = data
    model = tiny_model()
    view = ModelView(model)
    model.fit(
        x, y, batch_size=32, epochs=2, verbose=0, callbacks=[view.training_callback(x[0], every=1)]
    )
    frames = view._recording.frames
    steps = [decode_payload(frame)[0]["step"] for frame in frames]
    assert steps == view.history
    seqs = [decode_payload(frame)[0]["seq"] for frame in frames]
    assert seqs == list(range(1, len(frames) + 1))
    header, _ = decode_payload(view._payload)
    assert header["step"] == view.history[-1]
    view.predict(x[1])  # a plain predict names no step
    assert "step" not in decode_payload(view._payload)[0]


def test_record_false_keeps_no_frames_and_clear_history_forgets(data):
    x, y = data
    model = tiny_model()
    view = ModelView(model)
    callback = view.training_callback(x[0], every="epoch", record=False)
    model.fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[callback])
    assert view.recorded_frames == 0 and len(view.history) == 2
    model.fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[view.training_callback(x[0])])
    assert view.recorded_frames >= 2 and len(view.history) >= 4  # a second run continues
    view.clear_history()
    assert view.recorded_frames == 0 and view.history == []


# The recording ---------------------------------------------------------------------------


def frames_of(n: int, size: int = 10) -> list[bytes]:
    return [bytes([i % 256]) * size for i in range(n)]


def test_thinning_keeps_both_ends_and_an_even_spread():
    frames = frames_of(9)
    kept = thin(frames)
    assert kept == [frames[i] for i in (0, 2, 4, 6, 8)]
    assert thin(frames_of(2)) == frames_of(2)
    assert thin(frames_of(3)) == [frames_of(3)[0], frames_of(3)[2]]


def test_recording_stays_within_budget_and_never_drops_an_end():
    recording = Recording(max_bytes=100)
    frames = frames_of(50)
    for frame in frames:
        recording.add(frame)
        assert recording.nbytes <= 100
        assert recording.frames[0] == frames[0]
        assert recording.frames[-1] == frame
    assert len(recording.frames) >= 5


def test_fit_frames_thins_to_the_room_it_is_given():
    frames = frames_of(20)
    assert fit_frames(frames, 1000) == frames
    fitted = fit_frames(frames, 100)
    assert sum(map(len, fitted)) <= 100 and fitted[0] == frames[0] and fitted[-1] == frames[-1]
    assert fit_frames(frames, 15) == [frames[-1]]
    assert fit_frames(frames, 5) == []


def test_each_redraw_is_one_message_with_its_history(data):
    x, y = data
    model = tiny_model()
    view = ModelView(model)
    callback = view.training_callback(x[0], every="batch")
    with metered(view) as wire:
        model.fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[callback])
    assert callback.redraws == 4  # before training and after each of 3 batches
    assert wire.count == callback.redraws, wire.messages
    assert all(buffers > 0 for _, buffers in wire.messages)  # each carries a payload


# The exported run ------------------------------------------------------------------------


def page_frames(path) -> list[bytes]:
    text = path.read_text(encoding="utf-8")
    found = re.search(
        r'<script id="layerscape-frames" type="application/json">(.*?)</script>', text
    )
    assert found, "the page has no frames element"
    return [base64.b64decode(f) for f in json.loads(found.group(1))]


def trained_view(data, every="batch") -> ModelView:
    x, y = data
    model = tiny_model()
    view = ModelView(model)
    model.fit(
        x,
        y,
        batch_size=8,
        epochs=2,
        verbose=0,
        callbacks=[view.training_callback(x[0], every=every)],
    )
    return view


def test_save_html_embeds_the_whole_recording(data, tmp_path):
    view = trained_view(data)
    path = view.save_html(tmp_path / "run.html")
    assert page_frames(path) == view._recording.frames
    assert len(page_frames(path)) == 25  # before training and 12 batches x 2 epochs
    assert "_history" in path.read_text(encoding="utf-8")


def test_save_html_thins_the_run_to_fit_max_bytes(data, tmp_path, monkeypatch):
    monkeypatch.setattr("layerscape.widget.PAGE_WEIGHTS_BYTES", 0)
    view = trained_view(data)
    frames = view._recording.frames
    plain = view.save_html(tmp_path / "sizes.html").stat().st_size
    budget = plain - sum(map(len, frames)) * 4 // 3 // 2  # room for about half the frames
    with pytest.warns(UserWarning, match=r"holds \d+ of the 25 recorded frames"):
        path = view.save_html(tmp_path / "thin.html", max_bytes=budget)
    kept = page_frames(path)
    assert 2 <= len(kept) < 25
    assert kept[0] == frames[0] and kept[-1] == frames[-1]
    assert path.stat().st_size <= budget


def test_save_html_says_what_a_run_needs_when_nothing_fits(data, tmp_path, monkeypatch):
    # Only the run competes for the room here (no weights of layers not showing them).
    monkeypatch.setattr("layerscape.widget.PAGE_WEIGHTS_BYTES", 0)
    view = trained_view(data, every="epoch")
    bare = view.save_html(tmp_path / "bare.html").stat().st_size
    size_without_frames = bare - sum(map(len, view._recording.frames)) * 4 // 3
    with pytest.raises(ValueError, match="recorded training run does not fit"):
        view.save_html(tmp_path / "tight.html", max_bytes=size_without_frames + 100)
    view.clear_history()
    assert page_frames(view.save_html(tmp_path / "cleared.html")) == []
