"""Load the model once per process and share it between requests."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app

from ..health import add_readiness_check
from .artifact import Model
from .predict import Outcome, load_or_train, predict

logger = logging.getLogger(__name__)

# Called after each prediction with (source, rows, outcomes, model version).
PredictionListener = Callable[[str, list[dict[str, float]], list[Outcome], str], None]


class ModelStore:
    """A Flask extension holding the model each app serves.

    The first call to :meth:`get` loads the artifact at ``MODEL_PATH`` (checked
    against ``MODEL_SHA256`` when set); when there is none it trains a fresh model,
    saves it, and logs that.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def init_app(self, app: Flask) -> None:
        """Register the store on ``app``."""
        app.extensions["model_store"] = self
        app.extensions["model"] = None
        app.extensions["prediction_listeners"] = []
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
        """
        model = self.get()
        outcomes = predict(model, rows)
        listeners: list[PredictionListener] = current_app.extensions["prediction_listeners"]
        for listener in listeners:
            listener(source, rows, outcomes, model.version)
        return outcomes, model.version

    def get(self, app: Flask | None = None) -> Model:
        """Return the app's model, loading or training it on first use."""
        app = current_app if app is None else app
        model: Model | None = app.extensions["model"]
        if model is not None:
            return model
        with self._lock:
            model = app.extensions["model"]
            if model is None:
                path = Path(app.config["MODEL_PATH"])
                model = load_or_train(path, expected_sha256=app.config.get("MODEL_SHA256"))
                logger.info("serving model %s from %s", model.version, path)
                app.extensions["model"] = model
        return model
