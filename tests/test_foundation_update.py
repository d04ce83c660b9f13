"""A project made by release v0.1.0 updates to today's template with plain copier update.

v0.1.0 is the commit ``releases.toml`` records for it (read with
``scaffold.releases.read_releases``). Its ``copier.yml`` and ``templates/`` are
archived from this repository's history into a template repository tagged
``v0.1.0``; today's working tree is committed on top and tagged as the next
version. For both frameworks, a project rendered from v0.1.0 and committed in git
then takes plain ``copier update``:

- untouched, it must update with no conflict and end up with exactly the files a
  project made today with the same options has (copier adds and deletes files in
  an untouched project by itself);
- with its user's edits (the README, a file of their own, and a tool added to the
  ``dev`` extra), the edits must survive, again with no conflict; the added tool
  moves with the list into the ``dev`` dependency group.

Either way the update needs no ``--trust``: the move from the ``dev`` extra to the
``dev`` group is a plain three-way merge (only the table's header line changed in
the template), so the template has no ``_migrations``, which copier would only run
for users who trust the template. Then, as the project's README says after an
update, ``uv lock && uv sync --locked`` installs it and it passes its own checks
through ``uv run``. v0.1.0 projects had no lock, and neither side of the
comparison is locked (``--no-lock``); the lock is made after the update.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tomllib
import warnings
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_NAME, REPO_ROOT, git, template_copy
from harness import interpreter, own_check_failures, run_uv, sync_locked
from packaging.version import Version
from test_update import commit_all, copier_update
from typer.testing import CliRunner

import scaffold
from scaffold.cli import app
from scaffold.releases import read_releases

pytestmark = pytest.mark.slow

RELEASED = "0.1.0"
NEXT = f"v{Version(scaffold.__version__).base_version}"
NEW_SINCE_RELEASE = "docs/api.md"
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


@pytest.fixture(scope="module")
def release_archive() -> bytes:
    """``copier.yml`` and ``templates/`` as they were at the v0.1.0 commit."""
    releases = {release.version: release.commit for release in read_releases(REPO_ROOT)}
    assert RELEASED in releases, f"releases.toml does not record {RELEASED}"
    commit = releases[RELEASED]
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", commit, "copier.yml", "templates"],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        pytest.fail(f"v{RELEASED} ({commit}) is not in this checkout; clone without --depth")
    return archive.stdout


def _template_at_release(archive: bytes, template: Path) -> None:
    template.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(template, filter="data")
    git(template, "init", "--quiet", "--initial-branch=main")
    commit_all(template, f"release {RELEASED}")
    git(template, "tag", f"v{RELEASED}")


def _template_today(template: Path, scratch: Path) -> None:
    shutil.rmtree(template / "templates")
    (template / "copier.yml").unlink()
    current = template_copy(scratch)
    shutil.move(current / "copier.yml", template / "copier.yml")
    shutil.move(current / "templates", template / "templates")
    commit_all(template, "today's template")
    git(template, "tag", NEXT)


def _new_at_release(project: Path, template: Path, framework: str) -> None:
    _render(project, template, framework, f"v{RELEASED}")
    git(project, "init", "--quiet")
    commit_all(project, "start")


def _render(project: Path, template: Path, framework: str, ref: str) -> None:
    with warnings.catch_warnings():
        # v0.1.0's copier.yml may hold a regex escape newer Pythons warn about.
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
                "--template",
                str(template),
                "--vcs-ref",
                ref,
                "--no-lock",
            ],
        )
    assert result.exit_code == 0, result.output


def _conflicts(project: Path) -> list[str]:
    return [
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.is_file()
        and ".git" not in path.parts
        and (path.suffix == ".rej" or "<<<<<<< " in path.read_text(errors="ignore"))
    ]


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


#: A development tool the user adds to v0.1.0's ``dev`` extra.
OUR_TOOL = "pytest-timeout>=2.3"


def _edit(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n## Our runbook\n\nPage the on-call first.\n")
    (project / "NOTES.md").write_text("Our own notes.\n")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    extra = text.index("[project.optional-dependencies]\ndev = [\n")
    end = text.index("\n]\n", extra)  # the end of the dev list: the tool goes last
    pyproject.write_text(f'{text[:end]}\n    "{OUR_TOOL}",{text[end:]}')
    commit_all(project, "our edits")


@pytest.mark.parametrize("edited", [False, True], ids=["untouched", "edited"])
@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_release_project_updates_cleanly_and_passes_its_checks(
    release_archive: bytes, framework: str, edited: bool, tmp_path: Path
) -> None:
    template = tmp_path / "template"
    _template_at_release(release_archive, template)
    project = tmp_path / PROJECT_NAME  # the same name as the run's fresh projects
    _new_at_release(project, template, framework)
    if edited:
        _edit(project)
    _template_today(template, tmp_path / "current")

    update = copier_update(project)
    assert update.returncode == 0, update.stderr
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == NEXT
    assert (project / NEW_SINCE_RELEASE).is_file()
    assert not _conflicts(project), _conflicts(project)
    if edited:
        assert "Page the on-call first." in (project / "README.md").read_text()
        assert (project / "NOTES.md").read_text() == "Our own notes.\n"
    else:
        # Made today from the same template commit with the same (default) options.
        fresh = tmp_path / "today" / PROJECT_NAME
        _render(fresh, template, framework, NEXT)
        ours, theirs = _files(project), _files(fresh)
        assert sorted(ours) == sorted(theirs), (
            f"left over from {RELEASED}: {sorted(set(ours) - set(theirs))}; "
            f"missing: {sorted(set(theirs) - set(ours))}"
        )
        changed = sorted(name for name in ours if ours[name] != theirs[name])
        assert not changed, f"differs from a project made today: {changed}"
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert "optional-dependencies" not in pyproject["project"], "the dev extra is still there"
    tools = pyproject["dependency-groups"]["dev"]
    assert "pytest>=8.3" in tools and (OUR_TOOL in tools) == edited, tools

    locked = run_uv(project, "lock")
    assert locked.returncode == 0, locked.stderr
    venv = sync_locked(project, interpreter(answers["python_version"]))
    if edited:
        imported = venv.run(project, "python", "-c", "import pytest_timeout")
        assert imported.returncode == 0, imported.stderr
    failures = own_check_failures(venv, project)
    assert not failures, "\n\n".join(failures)
