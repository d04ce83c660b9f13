"""Load the model once per process and share it between requests."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app

from ..health import add_readiness_check
from .model import Model, Prediction, load, save, train

logger = logging.getLogger(__name__)

# Called after each prediction with (source, rows, predictions, model version).
PredictionListener = Callable[[str, list[dict[str, float]], list[Prediction], str], None]


class ModelStore:
    """A Flask extension holding the model each app serves.

    The first call to :meth:`get` loads the artifact at ``MODEL_PATH``; when the
    file is missing it trains a fresh model, saves it, and logs that.
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

    def predict(self, rows: list[dict[str, float]], source: str) -> tuple[list[Prediction], str]:
        """Predict each row with the current app's model and notify the listeners.

        Args:
            rows: Named feature values, one mapping per flower.
            source: Where the request came from (``"web"`` or ``"api"``).

        Returns:
            The predictions in row order and the version of the model that made them.
        """
        model = self.get()
        predictions = model.predict(rows)
        version = model.metadata["version"]
        listeners: list[PredictionListener] = current_app.extensions["prediction_listeners"]
        for listener in listeners:
            listener(source, rows, predictions, version)
        return predictions, version

    def get(self, app: Flask | None = None) -> Model:
        """Return the app's model, loading or training it on first use."""
        app = current_app if app is None else app
        model: Model | None = app.extensions["model"]
        if model is not None:
            return model
        with self._lock:
            model = app.extensions["model"]
            if model is None:
                model = self._load_or_train(Path(app.config["MODEL_PATH"]))
                app.extensions["model"] = model
        return model

    @staticmethod
    def _load_or_train(path: Path) -> Model:
        if path.exists():
            model = load(path)
            logger.info("loaded model %s from %s", model.metadata["version"], path)
            return model
        logger.warning("no model artifact at %s; training a new one", path)
        model = train()
        save(model, path)
        logger.warning("trained model %s saved to %s", model.metadata["version"], path)
        return model
