"""Serve the model: load it (or, in development, train one), predict outcomes, describe it."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..schemas import ModelCard
from .artifact import Model, ModelArtifactError, load_model
from .legacy import LEGACY_DEFAULT_PATH, convert_command, is_legacy, load_legacy

__all__ = [
    "Outcome",
    "available_cpus",
    "default_prediction_slots",
    "load_or_train",
    "model_card",
    "predict",
    "train_command",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One prediction: the most likely label and the probability of every label."""

    label: str
    probability: float
    probabilities: dict[str, float]


def predict(model: Model, rows: Sequence[Mapping[str, float]]) -> list[Outcome]:
    """Predict one outcome per row; each row maps every feature name to its value.

    This is CPU-bound: web code calls it off the event loop or in a worker thread.
    """
    matrix = np.array([[row[name] for name in model.features] for row in rows], dtype=float)
    classes = model.classes
    outcomes = []
    for scores in model.estimator.predict_proba(matrix):
        best = int(np.argmax(scores))
        outcomes.append(
            Outcome(
                label=classes[best],
                probability=round(float(scores[best]), 6),
                probabilities={
                    label: round(float(p), 6) for label, p in zip(classes, scores, strict=True)
                },
            )
        )
    return outcomes


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1  # pragma: no cover - macOS and Windows


def default_prediction_slots(per_cpu: int) -> int:
    """``per_cpu`` predictions at once for each CPU this process may run on.

    The framework's server decides ``per_cpu`` (see where it is called): the best
    number depends on which threads compete with a prediction for the GIL.
    """
    return per_cpu * available_cpus()


def model_card(model: Model) -> ModelCard:
    """Describe ``model`` as the ``GET /api/v1/model`` answer."""
    meta = model.metadata
    return ModelCard(
        name=meta.name,
        version=meta.version,
        created_at=meta.created_at,
        algorithm=meta.algorithm,
        dataset=meta.dataset,
        features=list(meta.features),
        classes=list(meta.classes),
        metrics=dict(meta.metrics),
        library_versions=dict(meta.library_versions),
        sha256=meta.sha256,
    )


def train_command() -> str:
    """The command that trains the model (for error messages)."""
    package = (__package__ or "").rsplit(".", 1)[0]
    return f"python -m {package} train"


def load_or_train(
    path: Path, *, expected_sha256: str | None = None, train_if_missing: bool = False
) -> Model:
    """Load the model at ``path``; with ``train_if_missing``, train and save one if there is none.

    Only development trains implicitly (``train_if_missing``), so a fresh checkout
    serves predictions without a training step; production refuses to start without
    the artifact its deployment built. Processes starting together take turns (a
    lock file beside ``path``), so one machine trains once, not once per worker. A
    model file of a scaffold 0.1.0 project (at ``path``, beside it as ``.joblib``, or
    at the old default ``models/model.joblib``) is loaded with a warning naming the
    command that converts it.

    Raises:
        ModelArtifactError: There is no model and ``train_if_missing`` is off, or the
            file fails the checks of ``load_model``. The message is one line naming
            the path.
    """
    if not train_if_missing:
        found = _existing(path, expected_sha256)
        if found is None:
            raise ModelArtifactError(
                path=path,
                reason=f"no model file; train one with `{train_command()}` "
                "(or point MODEL_PATH at one)",
            )
        return found
    # Imported here: scikit-learn's training modules are slow to import.
    from .train import train_and_save  # noqa: PLC0415

    # Looked for under the lock too: a process training now has written the estimator
    # but maybe not yet its metadata, which an unlocked look would take for a bad model.
    with _exclusive(path):
        found = _existing(path, expected_sha256)
        if found is not None:
            return found
        logger.warning("no model at %s: training one now", path, extra={"model_path": str(path)})
        return train_and_save(path)


def _existing(path: Path, expected_sha256: str | None) -> Model | None:
    try:
        return _find(path, expected_sha256)
    except OSError as exc:  # unreadable: permissions, a folder, an I/O error
        raise ModelArtifactError(path=path, reason=f"cannot read it ({exc})") from exc


def _find(path: Path, expected_sha256: str | None) -> Model | None:
    if path.exists():
        if is_legacy(path):
            return _load_legacy(path, expected_sha256)
        return load_model(path, expected_sha256=expected_sha256)
    for legacy in dict.fromkeys((path.with_suffix(".joblib"), LEGACY_DEFAULT_PATH)):
        if legacy.is_file():
            return _load_legacy(legacy, expected_sha256)
    return None


def _load_legacy(path: Path, expected_sha256: str | None) -> Model:
    logger.warning(
        "model file %s is in the scaffold 0.1.0 format (a pickle); convert it once with `%s`",
        path,
        convert_command(path),
        extra={"model_path": str(path)},
    )
    return load_legacy(path, expected_sha256=expected_sha256)


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold a lock file beside ``path`` so processes do not train and write at once."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - Windows: one process at a time is up to you
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(f".{path.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
