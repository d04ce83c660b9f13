"""A project made by any recorded release updates to today's template, untouched or edited.

The releases are those ``releases.toml`` records (read with
``scaffold.releases.read_releases`` when the tests are collected, so a new entry is
tested without touching this file). Each release's ``copier.yml`` and ``templates/``
are archived from this repository's history into a template repository tagged
``v<release>``; today's working tree is committed on top and tagged as the next
version. For both frameworks and two sets of options, each framework's defaults
and everything on (PostgreSQL, its framework's authentication, metrics, Docker,
Kubernetes, GitHub CI, scikit-learn; only the answers the release's ``copier.yml``
knows are given, and questions added since take their defaults on update), a
project rendered from the release and committed in git then takes plain
``copier update``:

- untouched, it must update with no conflict and end up with exactly the files a
  project made today with the same options has (copier adds and deletes files in
  an untouched project by itself);
- with its user's edits (the README, a file of their own, and a tool added to the
  ``dev`` list), the edits must survive, again with no conflict; from 0.1.0 the
  added tool moves with the list from the ``dev`` extra into the ``dev`` group.

Either way the update needs no ``--trust``: the move from the ``dev`` extra to the
``dev`` group is a plain three-way merge (only the table's header line changed in
the template), so the template has no ``_migrations``, which copier would only run
for users who trust the template. Then, as the project's README says after an
update, ``uv lock && uv sync --locked`` installs it and it passes its own checks
through ``uv run`` (a PostgreSQL project's own tests run on SQLite unless it is
given ``DATABASE_URL``, as in the matrix). The edited project differs from the
untouched one only in the edited files, so it alone is installed and checked.
Release projects had no lock, and neither side of the comparison is locked
(``--no-lock``); the lock is made after the update.

The everything-on projects also take the path users are told to use: made by
``scaffold new --vcs-ref v<release>`` from the local template store (which holds
every recorded release), they update with ``scaffold update --no-input``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import warnings
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_NAME, REPO_ROOT, git, template_copy
from harness import (
    POSTGRES_SERVER,
    fresh_postgres_database,
    interpreter,
    own_check_failures,
    run_uv,
    sync_locked,
)
from lifecycle import commit_all, conflicts, copier_update
from packaging.version import Version
from typer.testing import CliRunner

import scaffold
from scaffold.cli import app
from scaffold.errors import ReleaseRecordError
from scaffold.releases import read_releases, release_archives

pytestmark = pytest.mark.slow

#: Every recorded release, read when the tests are collected: a new entry is tested too.
RELEASES = [release.version for release in read_releases(REPO_ROOT)]
TODAY = Version(scaffold.__version__).base_version
NEW_SINCE_RELEASE = "docs/api.md"
#: The options a project is made with: each framework's defaults, and everything on.
EVERYTHING = {
    "fastapi": {
        "database": "postgresql",
        "auth": "oauth2",
        "metrics": "true",
        "docker": "true",
        "kubernetes": "true",
        "ci": "github",
        "ml": "scikit-learn",
    },
    "flask": {
        "database": "postgresql",
        "auth": "session",
        "metrics": "true",
        "docker": "true",
        "kubernetes": "true",
        "ci": "github",
        "ml": "scikit-learn",
    },
}
# What running a project's checks or server leaves behind; not part of a project's files.
LEFT_BEHIND = {
    ".coverage",
    ".git",
    ".venv",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
    "models",
    "served.db",
}


def test_every_release_is_collected() -> None:
    """The tests below are parametrised from the record; an empty record tests nothing."""
    assert RELEASES, "releases.toml records no release"
    assert RELEASES == sorted(RELEASES, key=Version), "releases.toml is not oldest first"


@pytest.fixture(scope="module")
def archives() -> dict[str, bytes]:
    """``copier.yml`` and ``templates/`` of every recorded release, at its commit."""
    try:
        return dict(release_archives(REPO_ROOT))
    except ReleaseRecordError as exc:
        pytest.fail(f"{exc}; clone without --depth")


def _options(archive: bytes, framework: str, options: str) -> dict[str, str]:
    """The answers to give a project made by a release: those its copier.yml knows."""
    wanted = EVERYTHING[framework] if options == "everything" else {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        member = tar.extractfile("copier.yml")
        assert member is not None
        questions = {key for key in yaml.safe_load(member.read()) if not key.startswith("_")}
    return {key: value for key, value in wanted.items() if key in questions}


def _today_tag(release: str) -> str:
    """The tag today's template gets: this scaffold's version, after the release."""
    today, released = Version(TODAY), Version(release)
    if today > released:
        return f"v{TODAY}"
    return f"v{released.major}.{released.minor}.{released.micro + 1}"


def _template_at_release(archive: bytes, template: Path, release: str) -> None:
    template.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(template, filter="data")
    git(template, "init", "--quiet", "--initial-branch=main")
    commit_all(template, f"release {release}")
    git(template, "tag", f"v{release}")


def _template_today(template: Path, scratch: Path, tag: str) -> None:
    shutil.rmtree(template / "templates")
    (template / "copier.yml").unlink()
    current = template_copy(scratch)
    shutil.move(current / "copier.yml", template / "copier.yml")
    shutil.move(current / "templates", template / "templates")
    commit_all(template, "today's template")
    git(template, "tag", tag)


def _new_at_release(
    project: Path, template: str | None, framework: str, data: Mapping[str, str], release: str
) -> None:
    _render(project, template, framework, data, f"v{release}")
    git(project, "init", "--quiet")
    commit_all(project, "start")


def _render(
    project: Path,
    template: str | None,
    framework: str,
    data: Mapping[str, str],
    ref: str | None,
) -> None:
    """``scaffold new``; without ``template``, from the local store as users do."""
    source = ["--template", template] if template else []
    version = ["--vcs-ref", ref] if ref else []
    answers = [f"--data={key}={value}" for key, value in data.items()]
    with warnings.catch_warnings():
        # An old release's copier.yml may hold a regex escape newer Pythons warn about.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        result = CliRunner().invoke(
            app,
            [
                "new",
                str(project),
                "--no-input",
                "--framework",
                framework,
                *source,
                *version,
                *answers,
                "--no-lock",
            ],
        )
    assert result.exit_code == 0, result.output


def _files(project: Path) -> dict[str, bytes]:
    """The project's own files and their contents, without what runs leave behind."""
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in project.rglob("*")
        if path.is_file()
        and not LEFT_BEHIND & set(path.relative_to(project).parts)
        and not path.name.startswith("server-")
        and path.name != ".copier-answers.yml"
    }


def _assert_same_files(project: Path, fresh: Path, release: str) -> None:
    ours, theirs = _files(project), _files(fresh)
    assert sorted(ours) == sorted(theirs), (
        f"left over from {release}: {sorted(set(ours) - set(theirs))}; "
        f"missing: {sorted(set(theirs) - set(ours))}"
    )
    changed = sorted(name for name in ours if ours[name] != theirs[name])
    assert not changed, f"differs from a project made today: {changed}"


#: A development tool the user adds to the ``dev`` list (an extra in 0.1.0, a group since).
OUR_TOOL = "pytest-timeout>=2.3"
_DEV_LISTS = ("[project.optional-dependencies]\ndev = [\n", "[dependency-groups]\ndev = [\n")


def _edit(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n## Our runbook\n\nPage the on-call first.\n")
    (project / "NOTES.md").write_text("Our own notes.\n")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    starts = [text.index(header) for header in _DEV_LISTS if header in text]
    assert starts, "no dev list in pyproject.toml"
    start = min(starts)
    end = text.index("\n]\n", start)  # the end of the dev list: the tool goes last
    pyproject.write_text(f'{text[:end]}\n    "{OUR_TOOL}",{text[end:]}')
    commit_all(project, "our edits")


def _assert_edits_kept(project: Path) -> None:
    assert "Page the on-call first." in (project / "README.md").read_text()
    assert (project / "NOTES.md").read_text() == "Our own notes.\n"


def _assert_dev_group(project: Path, edited: bool) -> None:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert "dev" not in pyproject["project"].get("optional-dependencies", {}), (
        "the dev extra is still there"
    )
    tools = pyproject["dependency-groups"]["dev"]
    assert "pytest>=8.3" in tools and (OUR_TOOL in tools) == edited, tools


#: What the user's edits change; everything else of the edited project must equal the untouched one.
EDITED_FILES = {"NOTES.md", "README.md", "pyproject.toml"}


def _updated_release_project(
    archive: bytes, release: str, framework: str, data: Mapping[str, str], root: Path, edited: bool
) -> tuple[Path, Path]:
    """A project made by the release (edited or not), updated to today's template by copier.

    Returns the project and the template repository (tagged ``v<release>`` and today's tag).
    """
    root.mkdir()
    template = root / "template"
    _template_at_release(archive, template, release)
    project = root / PROJECT_NAME  # the same name as the run's fresh projects
    _new_at_release(project, str(template), framework, data, release)
    if edited:
        _edit(project)
    today = _today_tag(release)
    _template_today(template, root / "current", today)

    update = copier_update(project)
    assert update.returncode == 0, update.stderr
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == today
    assert {key: str(answers[key]).lower() for key in data} == data
    assert (project / NEW_SINCE_RELEASE).is_file()
    assert not conflicts(project), conflicts(project)
    _assert_dev_group(project, edited)
    return project, template


@pytest.mark.parametrize("options", ["defaults", "everything"])
@pytest.mark.parametrize("framework", ["fastapi", "flask"])
@pytest.mark.parametrize("release", RELEASES)
def test_release_projects_update_cleanly_and_pass_their_checks(
    archives: dict[str, bytes], release: str, framework: str, options: str, tmp_path: Path
) -> None:
    """Plain ``copier update`` from a release's template repository to today's template.

    The untouched project ends up with exactly the files of one made today; the edited
    one keeps its edits and differs from the untouched one only where they were made.
    So installing and checking the edited project checks both (one install, not two).
    """
    archive = archives[release]
    data = _options(archive, framework, options)
    untouched, template = _updated_release_project(
        archive, release, framework, data, tmp_path / "untouched", edited=False
    )
    # Made today from the same template commit with the same options.
    fresh = tmp_path / "today" / PROJECT_NAME
    _render(fresh, str(template), framework, data, _today_tag(release))
    _assert_same_files(untouched, fresh, release)

    project, _ = _updated_release_project(
        archive, release, framework, data, tmp_path / "edited", edited=True
    )
    _assert_edits_kept(project)
    ours, theirs = _files(project), _files(untouched)
    differing = {name for name in ours.keys() | theirs.keys() if ours.get(name) != theirs.get(name)}
    assert differing == EDITED_FILES, differing

    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    locked = run_uv(project, "lock")
    assert locked.returncode == 0, locked.stderr
    venv = sync_locked(project, interpreter(answers["python_version"]))
    imported = venv.run(project, "python", "-c", "import pytest_timeout")
    assert imported.returncode == 0, imported.stderr
    failures = own_check_failures(venv, project)
    assert not failures, "\n\n".join(failures)
    if data.get("database") == "postgresql":
        # Its own tests ran on SQLite above; given DATABASE_URL they run on PostgreSQL.
        if not POSTGRES_SERVER:
            pytest.skip("all else passed; SCAFFOLD_TEST_POSTGRES_URL is not set (see .ci/run)")
        with fresh_postgres_database("release") as url:
            checked = venv.run(
                project, "pytest", "-q", "-p", "no:cacheprovider", env={"DATABASE_URL": url}
            )
        assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-2000:]
        assert " passed" in checked.stdout


@pytest.mark.parametrize("edited", [False, True], ids=["untouched", "edited"])
@pytest.mark.parametrize("framework", ["fastapi", "flask"])
@pytest.mark.parametrize("release", RELEASES)
def test_release_project_with_everything_on_updates_through_scaffold_update(
    archives: dict[str, bytes], release: str, framework: str, edited: bool, tmp_path: Path
) -> None:
    """The path users are told to take: ``scaffold update --no-input``, from the local store.

    The project is made by ``scaffold new --vcs-ref v<release>`` from the store (which
    holds every recorded release), so its answers file records the store as a real
    project's does. The update goes to this scaffold's own template version; the
    untouched project then has exactly the files of one made today, which the test
    above installs and checks.
    """
    data = _options(archives[release], framework, "everything")
    project = tmp_path / PROJECT_NAME
    _new_at_release(project, None, framework, data, release)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == f"v{release}"
    if edited:
        _edit(project)

    scaffold_cli = Path(sys.executable).with_name("scaffold")
    update = subprocess.run(
        [str(scaffold_cli), "update", "--no-input"],
        cwd=project,
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert update.returncode == 0, update.stdout + update.stderr
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == f"v{scaffold.__version__}"
    assert {key: str(answers[key]).lower() for key in data} == data
    assert not conflicts(project), conflicts(project)
    if edited:
        _assert_edits_kept(project)
    else:
        fresh = tmp_path / "today" / PROJECT_NAME
        _render(fresh, None, framework, data, None)
        _assert_same_files(project, fresh, release)
    _assert_dev_group(project, edited)
