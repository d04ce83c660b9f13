"""Load the model once per process, share it between requests, and bound predictions at once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from werkzeug.exceptions import ServiceUnavailable

from ..config import RELAXED_ENVIRONMENTS
from ..health import add_readiness_check
from .artifact import Model, ModelArtifactError
from .predict import Outcome, default_prediction_slots, load_or_train, predict

logger = logging.getLogger(__name__)

#: Predictions one process runs at once per CPU, by default. The request threads
#: (``THREADS`` per worker) want the GIL too, to parse and answer; more predictions in
#: flight only make them all wait longer for it. With one per CPU the p99 of
#: ``POST /api/v1/predict`` under load fell by a fifth in the benchmark, at the same
#: throughput; the probes still answer, since the request threads stay free.
PREDICTIONS_PER_CPU = 1

# Called after each prediction with (source, rows, outcomes, model version).
PredictionListener = Callable[[str, list[dict[str, float]], list[Outcome], str], None]


class ModelUnavailableError(ServiceUnavailable):
    """The model could not be loaded: requests that need it answer 503.

    ``reason`` is the one-line cause naming the file, for the log; clients only
    learn that the model is not available.
    """

    def __init__(self, reason: str) -> None:
        """Keep ``reason`` for the log."""
        super().__init__("The model is not available")
        self.reason = reason


class ModelStore:
    """A Flask extension holding the model each app serves.

    The first call to :meth:`get` loads the artifact at ``MODEL_PATH`` (checked
    against ``MODEL_SHA256`` when set). In development and test a missing model is
    trained and saved first (once per machine: processes take turns on a lock file);
    elsewhere it is an error. A failed load is logged in one line and remembered:
    readiness and the requests that need the model answer 503 until a restart.
    At most ``MAX_CONCURRENT_PREDICTIONS`` predictions run at once in a process; the
    others wait up to ``PREDICTION_WAIT_SECONDS`` for their turn, then answer 503.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def init_app(self, app: Flask) -> None:
        """Register the store on ``app``."""
        app.extensions["model_store"] = self
        app.extensions["model"] = None
        app.extensions["model_error"] = None
        app.extensions["prediction_listeners"] = []
        default = default_prediction_slots(PREDICTIONS_PER_CPU)
        slots = app.config.get("MAX_CONCURRENT_PREDICTIONS") or default
        app.extensions["prediction_slots"] = threading.BoundedSemaphore(slots)
        add_readiness_check(app, "model", lambda: self.get(app))

    @staticmethod
    def add_listener(app: Flask, listener: PredictionListener) -> None:
        """Call ``listener`` after every prediction ``app`` makes (e.g. to log it)."""
        app.extensions["prediction_listeners"].append(listener)

    def predict(self, rows: list[dict[str, float]], source: str) -> tuple[list[Outcome], str]:
        """Predict each row with the current app's model and notify the listeners.

        Args:
            rows: Named feature values, one mapping per flower.
            source: Where the request came from (``"web"`` or ``"api"``).

        Returns:
            The outcomes in row order and the version of the model that made them.

        Raises:
            ServiceUnavailable: No model, or no turn within ``PREDICTION_WAIT_SECONDS``.
        """
        model = self.get()
        slots: threading.BoundedSemaphore = current_app.extensions["prediction_slots"]
        if not slots.acquire(timeout=current_app.config.get("PREDICTION_WAIT_SECONDS", 5.0)):
            raise ServiceUnavailable(
                "Too many predictions in progress; retry shortly", retry_after=1
            )
        try:
            outcomes = predict(model, rows)
        finally:
            slots.release()
        listeners: list[PredictionListener] = current_app.extensions["prediction_listeners"]
        for listener in listeners:
            listener(source, rows, outcomes, model.version)
        return outcomes, model.version

    def get(self, app: Flask | None = None) -> Model:
        """Return the app's model, loading it (in development, training it) on first use.

        Raises:
            ModelUnavailableError: The model is missing (outside development and test)
                or fails its checks, now or at an earlier attempt.
        """
        app = current_app if app is None else app
        model: Model | None = app.extensions["model"]
        if model is not None:
            return model
        with self._lock:
            model = app.extensions["model"]
            if model is None:
                model = self._load(app)
                app.extensions["model"] = model
        return model

    @staticmethod
    def _load(app: Flask) -> Model:
        failed: str | None = app.extensions["model_error"]
        if failed is not None:
            raise ModelUnavailableError(failed)
        path = Path(app.config["MODEL_PATH"])
        try:
            model = load_or_train(
                path,
                expected_sha256=app.config.get("MODEL_SHA256"),
                train_if_missing=app.config["ENVIRONMENT"] in RELAXED_ENVIRONMENTS,
            )
        except ModelArtifactError as exc:
            app.extensions["model_error"] = str(exc)
            logger.error("model not loaded: %s", exc, extra={"model_path": str(path)})
            raise ModelUnavailableError(str(exc)) from exc
        logger.info("serving model %s from %s", model.version, path)
        return model
