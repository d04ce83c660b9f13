"""Train the iris classifier and save or load it with its metadata."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

import joblib
import sklearn
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
ARTIFACT_FORMAT = 1


class ModelMetadata(TypedDict):
    """What the artifact says about the model it holds."""

    version: str
    trained_at: str
    dataset: str
    algorithm: str
    features: list[str]
    labels: list[str]
    metrics: dict[str, float]
    sklearn_version: str


@dataclass(frozen=True)
class Prediction:
    """One predicted label and the probability of every label."""

    label: str
    probabilities: dict[str, float]


@dataclass(frozen=True)
class Model:
    """A fitted pipeline and its metadata."""

    pipeline: Any
    metadata: ModelMetadata

    def predict(self, rows: list[dict[str, float]]) -> list[Prediction]:
        """Predict a label for each row of named features."""
        matrix = [[row[name] for name in self.metadata["features"]] for row in rows]
        labels = self.metadata["labels"]
        results = []
        for probs in self.pipeline.predict_proba(matrix):
            scores = {label: round(float(p), 6) for label, p in zip(labels, probs, strict=True)}
            results.append(Prediction(max(scores, key=scores.__getitem__), scores))
        return results


def train(seed: int = 42) -> Model:
    """Fit a scaler plus logistic regression on scikit-learn's bundled iris data."""
    iris = load_iris()
    x_train, x_test, y_train, y_test = train_test_split(
        iris.data, iris.target, test_size=0.25, random_state=seed, stratify=iris.target
    )
    pipeline = Pipeline(
        [
            ("scale", StandardScaler()),
            ("classify", LogisticRegression(max_iter=500, random_state=seed)),
        ]
    )
    pipeline.fit(x_train, y_train)
    accuracy = float(accuracy_score(y_test, pipeline.predict(x_test)))
    now = datetime.now(UTC)
    metadata: ModelMetadata = {
        "version": now.strftime("%Y%m%d%H%M%S"),
        "trained_at": now.isoformat(timespec="seconds"),
        "dataset": "iris (scikit-learn)",
        "algorithm": "StandardScaler + LogisticRegression",
        "features": list(FEATURES),
        "labels": [str(name) for name in iris.target_names],
        "metrics": {"accuracy": round(accuracy, 4)},
        "sklearn_version": sklearn.__version__,
    }
    return Model(pipeline=pipeline, metadata=metadata)


def save(model: Model, path: Path) -> None:
    """Write the model to ``path`` atomically: a temp file, then a rename.

    Several workers may train at once on first start; each rename is atomic, so a
    reader never sees a half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            joblib.dump(
                {
                    "format": ARTIFACT_FORMAT,
                    "pipeline": model.pipeline,
                    "metadata": dict(model.metadata),
                },
                stream,
            )
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def load(path: Path) -> Model:
    """Read a model written by :func:`save`.

    The artifact is a pickle: load only files this project wrote.
    """
    data = joblib.load(path)
    if not isinstance(data, dict) or data.get("format") != ARTIFACT_FORMAT:
        raise ValueError(f"{path} is not a model artifact of format {ARTIFACT_FORMAT}")
    metadata: ModelMetadata = data["metadata"]
    return Model(pipeline=data["pipeline"], metadata=metadata)
