"""The model artifact: the fitted estimator in skops format plus a JSON metadata file beside it.

``models/model.skops`` holds the estimator, written with skops, a format made for
scikit-learn objects that loads only the types it is told to trust and runs no
code of its own (unlike a pickle). ``models/model.json`` describes it: version,
features, classes, metrics, the library versions it was made with, and the
SHA-256 of the estimator file. Loading checks that hash and the exact
scikit-learn version before it reads the estimator.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from dataclasses import asdict, dataclass, field
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

__all__ = [
    "ARTIFACT_FORMAT",
    "TRUSTED_TYPES",
    "Model",
    "ModelArtifactError",
    "ModelMetadata",
    "library_versions",
    "load_model",
    "metadata_path",
    "save_model",
    "sha256_of",
]

#: Version of the artifact layout, stored as ``format`` in the metadata file.
ARTIFACT_FORMAT = 1

#: Every type the estimator file may hold beyond the plain containers and numpy arrays
#: skops trusts by itself. Loading refuses anything else; add your estimator's classes
#: here when you change the model (``skops.io.get_untrusted_types(file=...)`` lists them).
TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.linear_model._logistic.LogisticRegression",
)


class ModelArtifactError(RuntimeError):
    """The model files are damaged, changed, or were made for other library versions."""

    def __init__(self, *, path: Path, reason: str) -> None:
        """Build a one-line message naming ``path``."""
        super().__init__(f"{path}: {' '.join(reason.split())}")
        self.path = path


@dataclass(frozen=True)
class ModelMetadata:
    """What the metadata file says about the estimator beside it."""

    name: str
    version: str
    created_at: str
    algorithm: str
    dataset: str
    features: tuple[str, ...]
    classes: tuple[str, ...]
    metrics: dict[str, float]
    library_versions: dict[str, str]
    sha256: str = ""
    format: int = ARTIFACT_FORMAT

    def to_json(self) -> dict[str, Any]:
        """Return the metadata as a JSON-ready mapping."""
        data = asdict(self)
        data["features"] = list(self.features)
        data["classes"] = list(self.classes)
        return data

    @classmethod
    def from_json(cls, data: Any, *, path: Path) -> ModelMetadata:
        """Read metadata written by :meth:`to_json`; ``path`` names the file in errors."""
        if not isinstance(data, dict):
            raise ModelArtifactError(path=path, reason="the metadata is not a JSON object")
        if data.get("format") != ARTIFACT_FORMAT:
            raise ModelArtifactError(
                path=path,
                reason=f"unknown artifact format {data.get('format')!r} "
                f"(expected {ARTIFACT_FORMAT})",
            )
        try:
            return cls(
                name=str(data["name"]),
                version=str(data["version"]),
                created_at=str(data["created_at"]),
                algorithm=str(data["algorithm"]),
                dataset=str(data["dataset"]),
                features=tuple(str(name) for name in data["features"]),
                classes=tuple(str(name) for name in data["classes"]),
                metrics={str(k): float(v) for k, v in data["metrics"].items()},
                library_versions={str(k): str(v) for k, v in data["library_versions"].items()},
                sha256=str(data["sha256"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelArtifactError(path=path, reason=f"malformed metadata ({exc!r})") from exc


@dataclass(frozen=True)
class Model:
    """A fitted scikit-learn estimator and the metadata that describes it."""

    estimator: Any
    metadata: ModelMetadata = field(repr=False)

    @property
    def version(self) -> str:
        """The model's version (its training time, ``YYYYMMDD.HHMMSS``)."""
        return self.metadata.version

    @property
    def features(self) -> tuple[str, ...]:
        """Input feature names, in the column order the estimator expects."""
        return self.metadata.features

    @property
    def classes(self) -> tuple[str, ...]:
        """Class names, in the order of the estimator's probability columns."""
        return self.metadata.classes


def library_versions() -> dict[str, str]:
    """Versions of Python and of the libraries an artifact depends on."""
    versions = {"python": platform.python_version()}
    for name in ("scikit-learn", "numpy", "skops"):
        versions[name] = installed_version(name)
    return versions


def metadata_path(path: Path) -> Path:
    """Where the metadata of the estimator file ``path`` is (``model.skops``: ``model.json``)."""
    return path.with_suffix(".json")


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def save_model(model: Model, path: Path) -> Path:
    """Write the estimator to ``path`` and its metadata beside it; return ``path``.

    Each file is written to a temporary file and renamed into place, the metadata
    last, so a reader never sees half a file. The metadata records the hash of the
    bytes written.
    """
    import skops.io  # noqa: PLC0415 - imported here, not at the top: see load_model

    data = skops.io.dumps(model.estimator)
    _write_atomically(path, data)
    metadata = model.metadata.to_json() | {"sha256": sha256_of(data), "format": ARTIFACT_FORMAT}
    _write_atomically(metadata_path(path), json.dumps(metadata, indent=2).encode() + b"\n")
    return path


def load_model(path: Path, *, expected_sha256: str | None = None) -> Model:
    """Load an artifact written by :func:`save_model`, checking it first.

    Args:
        path: The estimator file; its metadata is read from :func:`metadata_path`.
        expected_sha256: If given (the ``MODEL_SHA256`` setting), the estimator file
            must have this hash, whatever its metadata says.

    Raises:
        FileNotFoundError: There is no file at ``path``.
        ModelArtifactError: The metadata is missing or malformed, the file's hash does
            not match, it was made with another scikit-learn, or it holds untrusted types.
    """
    data = path.read_bytes()
    meta_file = metadata_path(path)
    try:
        raw = json.loads(meta_file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelArtifactError(
            path=path, reason=f"no metadata file {meta_file.name} beside it"
        ) from exc
    except ValueError as exc:
        raise ModelArtifactError(path=meta_file, reason=f"not valid JSON ({exc})") from exc
    metadata = ModelMetadata.from_json(raw, path=meta_file)
    digest = sha256_of(data)
    if digest != metadata.sha256:
        raise ModelArtifactError(
            path=path,
            reason=f"SHA-256 {digest} does not match {metadata.sha256} in {meta_file.name}; "
            "the file was changed or damaged",
        )
    if expected_sha256 is not None and digest != expected_sha256.strip().lower():
        raise ModelArtifactError(
            path=path,
            reason=f"SHA-256 {digest} is not the expected {expected_sha256} (MODEL_SHA256)",
        )
    trained_with = metadata.library_versions.get("scikit-learn")
    installed = installed_version("scikit-learn")
    if trained_with != installed:
        raise ModelArtifactError(
            path=path,
            reason=f"saved with scikit-learn {trained_with}, but {installed} is installed; "
            "retrain the model or install that version",
        )
    # skops imports every scikit-learn module when it is imported (seconds): only the
    # code that reads or writes a model pays for it, not every command of the project.
    import skops.io  # noqa: PLC0415

    try:
        estimator = skops.io.loads(data, trusted=list(TRUSTED_TYPES))
    except Exception as exc:  # skops raises several types for bad or untrusted content
        raise ModelArtifactError(path=path, reason=f"cannot load the estimator: {exc}") from exc
    return Model(estimator=estimator, metadata=metadata)
