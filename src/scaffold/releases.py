"""The release record: which template versions were released, and from which commit.

``releases.toml`` at the repository root lists every release as a version and a
full commit id. Git tags do not travel with every clone (a fork, a mirror, a CI
checkout), so the record, not the tags, is what the wheel's build hook archives
and what ``scaffold sync`` adds to the local template store.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import ReleaseRecordError

__all__ = ["RELEASES_FILE", "Release", "read_releases", "release_archives"]

RELEASES_FILE = "releases.toml"
"""The record's file name, at the root of scaffold's repository."""

TEMPLATE_PARTS = ("copier.yml", "templates")
"""What a template version consists of."""

_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True, slots=True)
class Release:
    """One released template version."""

    version: str
    """The version without a leading ``v`` (``0.1.0``)."""
    commit: str
    """The full commit id the release was cut from."""


def read_releases(repository: Path) -> list[Release]:
    """Read the release record of a repository, oldest first.

    A repository without ``releases.toml`` has released nothing (an empty list).

    Raises:
        ReleaseRecordError: the file is not valid TOML or an entry is malformed.
    """
    path = repository / RELEASES_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ReleaseRecordError(path=path, reason=str(exc)) from exc
    releases = []
    for index, entry in enumerate(data.get("release", []), start=1):
        version = entry.get("version") if isinstance(entry, dict) else None
        commit = entry.get("commit") if isinstance(entry, dict) else None
        if not isinstance(version, str) or not _VERSION.match(version):
            raise ReleaseRecordError(path=path, reason=f"release {index}: version must be X.Y.Z")
        if not isinstance(commit, str) or not _COMMIT.match(commit):
            raise ReleaseRecordError(
                path=path, reason=f"release {index}: commit must be a full 40-digit commit id"
            )
        releases.append(Release(version, commit))
    versions = [release.version for release in releases]
    if len(set(versions)) != len(versions):
        raise ReleaseRecordError(path=path, reason="a version is recorded twice")
    return releases


def release_archives(repository: Path) -> list[tuple[str, bytes]]:
    """Archive ``copier.yml`` and ``templates/`` of every release of a repository.

    Recorded releases come first, archived at their commit; ``v*`` tags of versions
    the record does not list follow (template repositories other than scaffold's
    own mark releases with tags only).

    Returns:
        ``(version, tar archive)`` pairs.

    Raises:
        ReleaseRecordError: a recorded commit is not in this clone (a shallow clone).
    """
    archives = []
    recorded = read_releases(repository)
    for release in recorded:
        archive = _archive(repository, release.commit)
        if archive is None:
            raise ReleaseRecordError(
                path=repository / RELEASES_FILE,
                reason=f"release {release.version}'s commit {release.commit[:12]} is not in this "
                "clone; fetch the full history (git fetch --unshallow)",
            )
        archives.append((release.version, archive))
    known = {release.version for release in recorded}
    listed = subprocess.run(
        ["git", "-C", str(repository), "tag", "--list", "v*"],
        capture_output=True,
        text=True,
        check=False,
    )
    for tag in listed.stdout.split():
        if tag[1:] in known:
            continue
        archive = _archive(repository, tag)
        if archive is not None:  # Tags from before the template existed are skipped.
            archives.append((tag[1:], archive))
    return archives


def _archive(repository: Path, revision: str) -> bytes | None:
    result = subprocess.run(
        ["git", "-C", str(repository), "archive", "--format=tar", revision, *TEMPLATE_PARTS],
        capture_output=True,
        check=False,
    )
    return result.stdout if result.returncode == 0 else None
