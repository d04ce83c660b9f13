"""Train the iris classifier and save it with its metadata: ``python -m <package>.ml.train``."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ..core.config import get_settings
from .model import ModelArtifact, save_artifact

logger = logging.getLogger(__name__)

#: Request field names, in the column order the pipeline expects.
FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")


def train(*, seed: int = 42, test_size: float = 0.25) -> ModelArtifact:
    """Fit a scaler plus logistic regression on the iris data that scikit-learn ships.

    Args:
        seed: Random seed for the train/test split and the estimator.
        test_size: Share of the data held out to measure the metrics.

    Returns:
        The fitted pipeline with its version, features, labels and held-out metrics.
    """
    iris = load_iris()
    x_train, x_test, y_train, y_test = train_test_split(
        iris.data, iris.target, test_size=test_size, random_state=seed, stratify=iris.target
    )
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500, random_state=seed))
    pipeline.fit(x_train, y_train)
    predicted = pipeline.predict(x_test)
    trained_at = datetime.now(UTC)
    return ModelArtifact(
        pipeline=pipeline,
        version=trained_at.strftime("%Y%m%d.%H%M%S"),
        features=FEATURES,
        labels=tuple(str(name) for name in iris.target_names),
        metrics={
            "accuracy": round(float(accuracy_score(y_test, predicted)), 4),
            "f1_macro": round(float(f1_score(y_test, predicted, average="macro")), 4),
        },
        trained_at=trained_at.isoformat(timespec="seconds"),
        algorithm="StandardScaler + LogisticRegression",
    )


def train_and_save(path: Path) -> ModelArtifact:
    """Train a model, write it atomically to ``path`` and return it."""
    artifact = train()
    save_artifact(artifact, path)
    logger.info(
        "model trained",
        extra={"model_path": str(path), "model_version": artifact.version, **artifact.metrics},
    )
    return artifact


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where to write the artifact (default: the MODEL_PATH setting)",
    )
    args = parser.parse_args(argv)
    path: Path = args.output or get_settings().model_path
    artifact = train_and_save(path)
    print(f"saved model {artifact.version} to {path}: {artifact.metrics}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
