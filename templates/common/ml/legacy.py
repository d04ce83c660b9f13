"""Read model files saved by scaffold 0.1.0 projects (joblib pickles), so an update keeps serving.

Two layouts exist: FastAPI projects pickled a ``<package>.ml.model.ModelArtifact``
dataclass; Flask projects pickled a dict ``{"format": 1, "pipeline", "metadata"}``.
Both are pickles, which can run code when loaded: only load files your own
deployment wrote. Convert them once with ``python -m <package>.ml.convert``.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import types
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .artifact import Model, ModelArtifactError, ModelMetadata, library_versions

__all__ = ["LEGACY_DEFAULT_PATH", "convert_command", "is_legacy", "load_legacy"]

#: Where scaffold 0.1.0 projects kept their model by default.
LEGACY_DEFAULT_PATH = Path("models/model.joblib")

#: The module that held the pickled class in FastAPI 0.1.0 projects (gone since).
_LEGACY_MODULE = f"{__package__}.model"
_alias_lock = threading.Lock()


class _LegacyModelArtifact:
    """Stands in for the 0.1.0 ``ModelArtifact`` dataclass while a pickle of it loads."""

    pipeline: Any
    version: str
    features: tuple[str, ...]
    labels: tuple[str, ...]
    metrics: dict[str, float]
    trained_at: str
    algorithm: str


def convert_command(path: Path) -> str:
    """The command that converts the legacy file at ``path`` (for log messages)."""
    package = (__package__ or "").rsplit(".", 1)[0]
    return f"python -m {package}.ml.convert {path}"


def is_legacy(path: Path) -> bool:
    """Tell a 0.1.0 joblib file from a skops file (a zip archive) without unpickling it."""
    return not zipfile.is_zipfile(path)


@contextmanager
def _legacy_class_importable() -> Iterator[None]:
    """Make ``<package>.ml.model.ModelArtifact`` importable while a 0.1.0 pickle loads."""
    with _alias_lock:
        if _LEGACY_MODULE in sys.modules:  # a module of that name exists: use it as it is
            yield
            return
        module = types.ModuleType(_LEGACY_MODULE)
        module.ModelArtifact = _LegacyModelArtifact  # type: ignore[attr-defined]
        sys.modules[_LEGACY_MODULE] = module
        try:
            yield
        finally:
            del sys.modules[_LEGACY_MODULE]


def load_legacy(path: Path, *, expected_sha256: str | None = None) -> Model:
    """Load a model file saved by a scaffold 0.1.0 project.

    Args:
        path: The joblib file.
        expected_sha256: If given (``MODEL_SHA256``), the file must have this hash.

    Raises:
        FileNotFoundError: There is no file at ``path``.
        ModelArtifactError: The file is not a 0.1.0 model, was pickled by another
            scikit-learn version, or does not have the expected hash.
    """
    data = path.read_bytes()
    if expected_sha256 is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != expected_sha256.strip().lower():
            raise ModelArtifactError(
                path=path,
                reason=f"SHA-256 {digest} is not the expected {expected_sha256} (MODEL_SHA256)",
            )
    # Imported here, not at the top: only reading an old model file pays for them.
    import joblib  # noqa: PLC0415
    from sklearn.exceptions import InconsistentVersionWarning  # noqa: PLC0415

    try:
        with _legacy_class_importable(), warnings.catch_warnings():
            warnings.simplefilter("error", InconsistentVersionWarning)
            loaded = joblib.load(path)
    except InconsistentVersionWarning as exc:
        raise ModelArtifactError(
            path=path, reason=f"pickled with another scikit-learn version: {exc}"
        ) from exc
    except Exception as exc:  # unpickling raises almost anything on a foreign file
        raise ModelArtifactError(path=path, reason=f"not a model file ({exc!r})") from exc
    if isinstance(loaded, _LegacyModelArtifact):
        return _from_fastapi(loaded)
    if isinstance(loaded, dict) and loaded.get("format") == 1 and "pipeline" in loaded:
        return _from_flask(loaded, path=path)
    raise ModelArtifactError(
        path=path, reason=f"not a scaffold 0.1.0 model (found {type(loaded).__name__})"
    )


def _metadata(**fields: Any) -> ModelMetadata:
    return ModelMetadata(
        name="iris-classifier",
        dataset="iris (scikit-learn)",
        library_versions=library_versions(),
        **fields,
    )


def _from_fastapi(old: _LegacyModelArtifact) -> Model:
    metadata = _metadata(
        version=old.version,
        created_at=old.trained_at,
        algorithm=old.algorithm or "StandardScaler + LogisticRegression",
        features=tuple(old.features),
        classes=tuple(old.labels),
        metrics=dict(old.metrics),
    )
    return Model(estimator=old.pipeline, metadata=metadata)


def _from_flask(old: dict[str, Any], *, path: Path) -> Model:
    meta = old.get("metadata") or {}
    installed = library_versions()["scikit-learn"]
    if meta.get("sklearn_version", installed) != installed:
        raise ModelArtifactError(
            path=path,
            reason=f"pickled with scikit-learn {meta['sklearn_version']}, "
            f"but {installed} is installed; retrain the model",
        )
    try:
        metadata = _metadata(
            version=str(meta["version"]),
            created_at=str(meta["trained_at"]),
            algorithm=str(meta.get("algorithm", "StandardScaler + LogisticRegression")),
            features=tuple(meta["features"]),
            classes=tuple(meta["labels"]),
            metrics={str(k): float(v) for k, v in meta.get("metrics", {}).items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelArtifactError(path=path, reason=f"malformed 0.1.0 metadata ({exc!r})") from exc
    return Model(estimator=old["pipeline"], metadata=metadata)
