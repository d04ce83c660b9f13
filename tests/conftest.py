"""Shared fixtures: an isolated home for the template store, and git identities."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_HOME = Path.home()

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test User",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test User",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


@pytest.fixture(scope="session", autouse=True)
def git_identity() -> Iterator[None]:
    """Commits made by tests need an identity, and no developer's git config may leak in."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for key, value in GIT_IDENTITY.items():
            patch.setenv(key, value)
        yield


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point HOME at a fresh folder so each test gets its own template store."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SCAFFOLD_TEMPLATE_STORE", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    yield home


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` and return its output."""
    result = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return result.stdout.strip()


def template_copy(destination: Path) -> Path:
    """Copy the template (copier.yml and templates/) into a new folder."""
    destination.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "copier.yml", destination / "copier.yml")
    shutil.copytree(
        REPO_ROOT / "templates",
        destination / "templates",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    return destination


def template_repo(destination: Path) -> Path:
    """Copy the template into a fresh git repository with one commit."""
    template_copy(destination)
    git(destination, "init", "--quiet", "--initial-branch=main")
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "-m", "template")
    return destination
