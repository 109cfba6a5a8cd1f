"""Watch a model learn: a Keras callback that redraws a view while ``fit`` runs.

Each redraw runs the probe sample through the model with the weights of that step —
exactly what ``view.predict(sample)`` would show then — and sends it as one payload
whose header names the step (epoch, batch, logs). The view's ``history`` gains the
step; with ``record=True`` the payload is kept for replay (``recording.py``) and
``save_html`` embeds the run.

How often: ``every="auto"`` keeps the time spent redrawing within ``AUTO_SHARE`` of the
training time so far, measured as training goes, and never redraws more than
``1 / MIN_INTERVAL_S`` times a second. A redraw runs on the training thread and returns
once its message is handed to the kernel's output channel, so one redraw never
overlaps the next: the cost measured is the whole cost.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import keras

from .recording import RECORDING_MAX_BYTES
from .spec import TrainingStep

if TYPE_CHECKING:
    from .widget import ModelView

Every = Literal["auto", "epoch", "batch"] | int

AUTO_SHARE = 0.03
"""``every="auto"``: the most of the training time redraws may take."""

MIN_INTERVAL_S = 0.1
"""``every="auto"``: the least time between two redraws (at most 10 a second)."""

EVERY_WORDS = ("auto", "epoch", "batch")


def check_every(every: object) -> Every:
    """``every`` if it is ``"auto"``, ``"epoch"``, ``"batch"`` or an int >= 1."""
    if isinstance(every, str):
        if every in EVERY_WORDS:
            return every  # type: ignore[return-value]
        raise ValueError(
            f'every must be "auto", "epoch", "batch" or a number of batches; got {every!r}'
        )
    if isinstance(every, bool) or not isinstance(every, int):
        raise TypeError(
            f'every must be "auto", "epoch", "batch" or an int >= 1; got {type(every).__name__}'
        )
    if every < 1:
        raise ValueError(f"every must be at least 1 batch; got {every}")
    return every


class Throttle:
    """Decides, batch by batch, whether a redraw is due.

    Parameters
    ----------
    every
        See :func:`check_every`.
    clock
        Seconds, monotonic (``time.perf_counter``; tests pass a fake one).
    """

    def __init__(self, every: Every, clock: Callable[[], float] = time.perf_counter):
        self.every = every
        self.clock = clock
        self.start = clock()
        self.spent = 0.0
        self.cost = 0.0
        self.last = -math.inf
        self.batches = 0

    def restart(self) -> None:
        """A new ``fit`` begins: time and batches count from now."""
        self.start = self.clock()
        self.spent = 0.0
        self.last = -math.inf
        self.batches = 0

    def batch_due(self) -> bool:
        """Called once per finished batch: whether to redraw now."""
        self.batches += 1
        if self.every == "batch":
            return True
        if self.every == "epoch":
            return False
        if isinstance(self.every, int):
            return self.batches % self.every == 0
        return self._auto_due()

    def epoch_due(self) -> bool:
        """Called at an epoch's end: whether to redraw now."""
        if self.every == "auto":
            return self._auto_due()
        return self.every == "epoch"

    def _auto_due(self) -> bool:
        now = self.clock()
        if now - self.last < MIN_INTERVAL_S:
            return False
        return self.spent + self.cost <= AUTO_SHARE * (now - self.start)

    def drew(self, seconds: float) -> None:
        """A redraw took ``seconds``: counted against the budget, and the estimate of
        the next one's cost (the latest, smoothed)."""
        self.spent += seconds
        self.cost = seconds if self.cost == 0.0 else 0.5 * (self.cost + seconds)
        self.last = self.clock()


class TrainingCallback(keras.callbacks.Callback):
    """Redraws a :class:`~layerscape.ModelView` for one sample while ``fit`` runs.

    Usually made by :meth:`ModelView.training_callback`. Every redraw shows the
    activations of ``sample`` under the weights of that step, adds the step (epoch,
    batch, loss and metrics) to ``view.history`` and, with ``record=True``, keeps the
    frame so the view's scrubber and ``view.save_html`` can replay the run.

    Parameters
    ----------
    view
        The view to redraw (its model is the one being trained, or a part of it).
    sample
        What ``view.predict`` takes: one sample (the view shows it) or a batch (the
        first sample is shown). Checked now, like ``predict``'s input.
    every : {"auto", "epoch", "batch"} or int, default "auto"
        When to redraw: after every epoch, every batch, every n batches, or
        ``"auto"``: as often as costs at most 3 % of the training time, measured as
        training goes, and at most 10 times a second. A frame is always drawn before
        the first batch and after the last.
    record : bool, default True
        Keep every frame for replay (the oldest thinned beyond ``max_record_bytes``,
        never the first or the last).
    max_record_bytes : int, default 64 MB
        Budget of the recording.

    Raises
    ------
    TypeError
        If ``view`` is not a ``ModelView``, or ``every``/``record`` has the wrong type.
    ValueError
        For an ``every`` out of range, or a ``sample`` that does not fit the model (the
        message names the expected shape).

    Examples
    --------
    >>> view = ModelView(model)                                        # doctest: +SKIP
    >>> model.fit(x, y, epochs=5, callbacks=[view.training_callback(x[:1])])  # doctest: +SKIP
    >>> view.history[-1]["logs"]["loss"]                               # doctest: +SKIP
    """

    def __init__(
        self,
        view: ModelView,
        sample: Any,
        *,
        every: Every = "auto",
        record: bool = True,
        max_record_bytes: int = RECORDING_MAX_BYTES,
        clock: Callable[[], float] = time.perf_counter,
    ):
        super().__init__()
        from .widget import ModelView

        if not isinstance(view, ModelView):
            raise TypeError(f"view must be a layerscape.ModelView; got {type(view).__name__}")
        if not isinstance(record, bool):
            raise TypeError(f"record must be True or False; got {record!r}")
        if isinstance(max_record_bytes, bool) or not isinstance(max_record_bytes, int):
            raise TypeError(f"max_record_bytes must be an int; got {max_record_bytes!r}")
        if max_record_bytes < 1:
            raise ValueError(f"max_record_bytes must be positive; got {max_record_bytes}")
        self.view = view
        self.throttle = Throttle(check_every(every), clock)
        self.record = record
        view._check_sample(sample)  # the errors predict would give, before fit starts
        self.sample = sample
        view._recording.max_bytes = max_record_bytes
        self.redraws = 0
        self._epoch = 0
        self._batch = -1
        self._logs: dict[str, float] = {}
        self._drawn = False

    # Keras calls these ------------------------------------------------------------

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.throttle.restart()
        self._epoch, self._batch, self._logs = 0, -1, {}
        self._redraw()

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._batch, self._logs = batch, _floats(logs)
        self._drawn = False
        if self.throttle.batch_due():
            self._redraw()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        epoch_logs = _floats(logs)
        if any(k.startswith("val_") for k in epoch_logs):
            # The validation figures exist only now: one more point for the curves.
            self._logs = epoch_logs
            self._batch += 1
            self._drawn = False
            if self.throttle.epoch_due():
                self._redraw()
            else:
                self.view._add_history(self._step())
        elif self.throttle.epoch_due() and not self._drawn:
            self._redraw()

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if not self._drawn:  # the replay ends on the trained weights
            self._redraw()

    # ------------------------------------------------------------------------------

    def _step(self) -> TrainingStep:
        return {"epoch": self._epoch, "batch": self._batch, "logs": dict(self._logs)}

    def _redraw(self) -> None:
        clock = self.throttle.clock
        started = clock()
        # On JAX the trainer keeps the weights outside the variables mid-epoch; reading
        # Callback.model writes them back first (Keras does it for callbacks), so the
        # redraw sees this step's weights on every backend.
        self.model  # noqa: B018
        self.view._show_step(self.sample, self._step(), record=self.record)
        self.redraws += 1
        self._drawn = True
        self.throttle.drew(clock() - started)


def _floats(logs: dict[str, Any] | None) -> dict[str, float]:
    """The logs Keras passed, as plain floats (scalars only; others are skipped)."""
    out: dict[str, float] = {}
    for key, value in (logs or {}).items():
        try:
            out[str(key)] = float(value)
        except (TypeError, ValueError):
            continue
    return out
