"""Shared fixtures: an isolated home for the template store, and git identities."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-seconds",
        type=int,
        default=30,
        help="time budget of each PostgreSQL schemathesis run in test_database_faults.py",
    )


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist's marker, declared here too so that runs without xdist accept it.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")


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


#: copier.yml's defaults for the options the tests vary; a project's cache key leaves them out.
OPTION_DEFAULTS: dict[str, Any] = {
    "ml": "scikit-learn",
    "database": "none",
    "auth": "none",
    "metrics": False,
    "docker": True,
    "kubernetes": False,
    "ci": "github",
}

#: What each framework's default project is made for (``scaffold new`` recommends it).
FRAMEWORK_REQUIREMENTS: dict[str, dict[str, Any]] = {
    "fastapi": {"kind": "api", "docs": True, "validation": True},
    "flask": {"kind": "web", "html": True},
}

PROJECT_NAME = "demo-service"
PACKAGE = "demo_service"


@dataclass(frozen=True)
class Installed:
    """A generated project, rendered by ``scaffold new`` and installed with its dev extra."""

    framework: str
    options: dict[str, Any]
    """Every option the tests vary (defaults filled in), ``framework`` excluded."""
    project: Path
    venv: Any  # a harness.Venv
    package: str = PACKAGE

    def __getitem__(self, key: str) -> Any:
        return self.framework if key == "framework" else self.options[key]


def project_key(framework: str, answers: dict[str, Any]) -> str:
    """A readable folder name for a combination: the framework and its non-default options."""
    unknown = set(answers) - set(OPTION_DEFAULTS)
    assert not unknown, f"not an option the cache knows: {unknown}"
    changed = [
        f"{name}={value}".lower()
        for name, value in sorted(answers.items())
        if value != OPTION_DEFAULTS[name]
    ]
    return "-".join([framework, *changed])


class Projects:
    """Every generated project the run needs, each rendered and installed once.

    Keyed by the framework and the options (defaults filled in), and shared by
    test_generated, test_served, test_contract, test_matrix, test_postgres and
    test_foundation_update. The folders live under pytest's base temporary folder
    (its parent under pytest-xdist, so workers share them); a per-key lock file
    keeps two workers from installing the same combination at once.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.done: dict[str, Installed] = {}

    def get(self, framework: str, **answers: Any) -> Installed:
        """Return the project made with ``answers`` (others default), installing it once."""
        answers = {name: value for name, value in answers.items() if name != "framework"}
        key = project_key(framework, answers)
        if key not in self.done:
            self.done[key] = self._install(key, framework, {**OPTION_DEFAULTS, **answers})
        return self.done[key]

    def _install(self, key: str, framework: str, options: dict[str, Any]) -> Installed:
        from harness import Venv  # noqa: PLC0415

        folder = self.root / key
        folder.mkdir(parents=True, exist_ok=True)
        project = folder / PROJECT_NAME
        venv = Venv(folder / "venv")
        with (folder / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (folder / "installed").exists():
                shutil.rmtree(project, ignore_errors=True)
                shutil.rmtree(venv.path, ignore_errors=True)
                self._render(project, framework, options, folder / "store")
                venv = Venv.create(venv.path)
                venv.install_editable(project)
                (folder / "installed").write_text(key)
        return Installed(framework, dict(options), project, venv)

    @staticmethod
    def _render(project: Path, framework: str, options: dict[str, Any], store: Path) -> None:
        from scaffold.project import NewProjectOptions, create_project  # noqa: PLC0415
        from scaffold.requirements import Requirements  # noqa: PLC0415

        requirements = Requirements(**FRAMEWORK_REQUIREMENTS[framework])
        data = {name: value for name, value in options.items() if name != "framework"}
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SCAFFOLD_TEMPLATE_STORE", str(store))
            made = create_project(
                project,
                requirements,
                NewProjectOptions(framework=framework, data=data),  # type: ignore[arg-type]
            )
        assert made.framework == framework


@pytest.fixture(scope="session")
def projects(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Projects:
    base = tmp_path_factory.getbasetemp()
    under_xdist = hasattr(request.config, "workerinput")
    return Projects((base.parent if under_xdist else base) / "projects")
