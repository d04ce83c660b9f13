"""Shared fixtures: an isolated home for the template store, and git identities."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright; one for the whole run."""
    from served import CHROMIUM, CHROMIUM_ARGS  # noqa: PLC0415

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Any]]:
    """A fresh browser context and page, and the log of what the page did."""
    from served import CSP_RECORDER, VIEWPORT, PageLog  # noqa: PLC0415

    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    context.set_default_timeout(20_000)
    context.add_init_script(CSP_RECORDER)
    opened = context.new_page()
    log = PageLog()
    log.attach(opened)
    try:
        yield opened, log
    finally:
        context.close()


class DefaultProjects:
    """The project ``scaffold new`` makes for each framework, rendered and installed once.

    Shared by test_generated.py (its own checks) and test_served.py (served for real).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.done: dict[str, tuple[Path, Any]] = {}

    def get(self, framework: str) -> tuple[Path, Any]:
        """Return the project folder and its virtual environment (a ``harness.Venv``)."""
        from harness import Venv  # noqa: PLC0415

        from scaffold.project import NewProjectOptions, create_project  # noqa: PLC0415
        from scaffold.requirements import Requirements  # noqa: PLC0415

        if framework not in self.done:
            requirements = {
                "fastapi": Requirements(kind="api", docs=True, validation=True),
                "flask": Requirements(kind="web", html=True),
            }[framework]
            folder = self.root / framework
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("SCAFFOLD_TEMPLATE_STORE", str(folder / "store"))
                made = create_project(folder / "demo-service", requirements, NewProjectOptions())
            assert made.framework == framework, "the recommendation changed: update the tests"
            venv = Venv.create(folder / "venv")
            venv.install_editable(made.rendered.destination)
            self.done[framework] = (made.rendered.destination, venv)
        return self.done[framework]


@pytest.fixture(scope="session")
def default_projects(tmp_path_factory: pytest.TempPathFactory) -> DefaultProjects:
    return DefaultProjects(tmp_path_factory.mktemp("default-projects"))
