"""Shared fixtures: an isolated home for the template store, git identities, uv settings,
and the cache of generated projects that the install-and-check tests share."""

from __future__ import annotations

import fcntl
import hashlib
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
REAL_CACHE = REAL_HOME / ".cache" / "uv"

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test User",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test User",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


_HOLDER = pytest.StashKey[Any]()

#: Where the generated projects are kept between tests, workers and runs (a fingerprint
#: of the template and of scaffold's code names the folder inside it).
DEFAULT_PROJECT_CACHE = Path(".pytest_cache") / "scaffold-projects"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--project-cache",
        metavar="DIR",
        default=os.environ.get("SCAFFOLD_PROJECT_CACHE"),
        help="folder for the generated and installed projects the slow tests share "
        f"(default: {DEFAULT_PROJECT_CACHE} under the rootdir; env SCAFFOLD_PROJECT_CACHE)",
    )
    parser.addoption(
        "--fuzz-seconds",
        type=int,
        default=30,
        help="time budget of each PostgreSQL schemathesis run in test_database_faults.py",
    )


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist's marker, declared here too so that runs without xdist accept it.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")


_IN_USE = ".in-use"
"""A lock file each session holds (shared) on its fingerprint's folder while it runs."""


def pytest_sessionstart(session: pytest.Session) -> None:
    """Mark this fingerprint's projects in use; drop those of an older template or scaffold.

    Only the main process does this (xdist workers run inside its session). A folder
    another session still holds, say one started before a template edit, is kept.
    """
    if hasattr(session.config, "workerinput"):
        return
    current = project_cache(session.config)
    current.mkdir(parents=True, exist_ok=True)
    holder = (current / _IN_USE).open("a")
    fcntl.flock(holder, fcntl.LOCK_SH)
    session.config.stash[_HOLDER] = holder
    for stale in current.parent.iterdir():
        if stale == current or not stale.is_dir():
            continue
        with (stale / _IN_USE).open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # another session is using it
            shutil.rmtree(stale, ignore_errors=True)


def pytest_sessionfinish(session: pytest.Session) -> None:
    holder = session.config.stash.get(_HOLDER, None)
    if holder is not None:
        holder.close()


def template_fingerprint() -> str:
    """A hash of everything that decides a generated and installed project."""
    digest = hashlib.sha256()
    sources = [REPO_ROOT / "copier.yml", REPO_ROOT / "tests" / "conftest.py"]
    sources += [REPO_ROOT / "tests" / "harness.py"]
    for folder in (REPO_ROOT / "templates", REPO_ROOT / "src" / "scaffold"):
        files = (p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        sources += sorted(files)
    for path in sources:
        digest.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def project_cache(config: pytest.Config) -> Path:
    """This template state's folder in the project cache, shared by workers and passes."""
    given = config.getoption("project_cache")
    root = Path(given) if given else config.rootpath / DEFAULT_PROJECT_CACHE
    return root.absolute() / template_fingerprint()


@pytest.fixture(scope="session", autouse=True)
def uv_settings() -> Iterator[None]:
    """uv, run by scaffold new and by the tests, shares the real cache and downloads no Python.

    Tests get a fresh HOME each (``isolated_home``), which would give uv an empty
    cache every time; the real one is shared by every combination and worker.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("UV_CACHE_DIR", os.environ.get("UV_CACHE_DIR", str(REAL_CACHE)))
        patch.setenv("UV_PYTHON_DOWNLOADS", "never")
        patch.delenv("UV_PYTHON", raising=False)
        patch.delenv("UV_PROJECT_ENVIRONMENT", raising=False)
        yield


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
    "python_version": "3.11",
    "ml": "scikit-learn",
    "database": "none",
    "auth": "none",
    "metrics": False,
    "docker": True,
    "kubernetes": False,
    "ci": "github",
    "template_check": False,
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
    """A generated project, rendered and locked by ``scaffold new``, then ``uv sync --locked``."""

    framework: str
    options: dict[str, Any]
    """Every option the tests vary (defaults filled in), ``framework`` excluded."""
    project: Path
    venv: Any  # a harness.Venv: the project's own .venv
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
    test_generated, test_served, test_contract, test_matrix and test_postgres. Each is
    made as its user would: ``scaffold new`` renders it and runs ``uv lock``, then
    ``uv sync --locked`` installs it from that lock into its own ``.venv`` with the
    interpreter its ``python_version`` names (uv's cache is shared by all of them).
    The folders live in the project cache (``--project-cache``), under a fingerprint
    of the template and scaffold's code, so xdist workers, the serial pass and later
    runs of the same code share them; a per-key lock file keeps two workers from
    installing the same combination at once.
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
        from harness import Venv, interpreter, sync_locked  # noqa: PLC0415

        folder = self.root / key
        folder.mkdir(parents=True, exist_ok=True)
        project = folder / PROJECT_NAME
        python = interpreter(options["python_version"])
        with (folder / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (folder / "installed").exists():
                shutil.rmtree(project, ignore_errors=True)
                self._render(project, framework, options, folder / "store", python)
                sync_locked(project, python)
                (folder / "installed").write_text(key)
        return Installed(framework, dict(options), project, Venv(project / ".venv"))

    @staticmethod
    def _render(
        project: Path, framework: str, options: dict[str, Any], store: Path, python: str
    ) -> None:
        from scaffold.project import NewProjectOptions, create_project  # noqa: PLC0415
        from scaffold.requirements import Requirements  # noqa: PLC0415

        requirements = Requirements(**FRAMEWORK_REQUIREMENTS[framework])
        data = {name: value for name, value in options.items() if name != "framework"}
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SCAFFOLD_TEMPLATE_STORE", str(store))
            patch.setenv("UV_PYTHON", python)  # the interpreter uv lock resolves with
            made = create_project(
                project,
                requirements,
                NewProjectOptions(framework=framework, data=data),  # type: ignore[arg-type]
            )
        assert made.framework == framework
        lock = made.rendered.lock
        assert lock is not None and lock.locked, f"scaffold new made no uv.lock: {lock}"


@pytest.fixture(scope="session")
def projects(request: pytest.FixtureRequest) -> Projects:
    return Projects(project_cache(request.config))
