"""The model artifact: a fitted pipeline and the metadata that describes it, saved as one file."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib


@dataclass(frozen=True)
class ModelArtifact:
    """A fitted scikit-learn pipeline together with its model card."""

    pipeline: Any
    version: str
    features: tuple[str, ...]
    labels: tuple[str, ...]
    metrics: dict[str, float] = field(default_factory=dict)
    trained_at: str = ""
    algorithm: str = ""


class ArtifactError(RuntimeError):
    """The file at the model path is not a model artifact this code can use."""

    def __init__(self, *, path: Path, reason: str) -> None:
        """Build the message from the offending path and the reason."""
        super().__init__(f"{path}: {reason}")
        self.path = path


def save_artifact(artifact: ModelArtifact, path: Path) -> Path:
    """Write ``artifact`` to ``path`` atomically and return the path.

    The artifact goes to a temporary file in the same directory first and is then
    renamed over ``path``, so a reader (or another worker training at the same time)
    never sees a half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            joblib.dump(artifact, tmp)
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


def load_artifact(path: Path) -> ModelArtifact:
    """Load a model artifact saved by :func:`save_artifact`.

    Only load files you produced yourself: joblib files are pickles and can run code.

    Raises:
        FileNotFoundError: nothing exists at ``path``.
        ArtifactError: the file holds something other than a model artifact.
    """
    loaded = joblib.load(path)
    if not isinstance(loaded, ModelArtifact):
        raise ArtifactError(path=path, reason=f"expected a ModelArtifact, found {type(loaded)!r}")
    return loaded
