"""Load the model for serving and turn feature rows into labelled predictions."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .model import ModelArtifact, load_artifact

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One prediction: the most likely label and the probability of every label."""

    label: str
    probability: float
    probabilities: dict[str, float]


def load_or_train(path: Path) -> ModelArtifact:
    """Load the artifact at ``path``; train and save one first if there is none.

    A freshly generated project therefore serves predictions without a manual
    training step. Several workers starting together may each train, but the
    atomic save means every one of them ends up reading a complete file.
    """
    try:
        return load_artifact(path)
    except FileNotFoundError:
        # Imported here: the training modules of scikit-learn are slow to import.
        from .train import train_and_save  # noqa: PLC0415

        logger.warning("no model at %s: training one now", path, extra={"model_path": str(path)})
        return train_and_save(path)


def predict(artifact: ModelArtifact, rows: Sequence[Mapping[str, float]]) -> list[Outcome]:
    """Predict one outcome per row; each row maps every feature name to its value.

    This is CPU-bound: call it off the event loop (the routes use a worker thread).
    """
    matrix = np.array([[row[name] for name in artifact.features] for row in rows], dtype=float)
    probabilities = artifact.pipeline.predict_proba(matrix)
    outcomes = []
    for row in probabilities:
        best = int(np.argmax(row))
        outcomes.append(
            Outcome(
                label=artifact.labels[best],
                probability=round(float(row[best]), 6),
                probabilities={
                    label: round(float(p), 6) for label, p in zip(artifact.labels, row, strict=True)
                },
            )
        )
    return outcomes
