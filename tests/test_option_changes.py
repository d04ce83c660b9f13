"""``scaffold update --data KEY=VALUE``: an option changed after the start, on and off again.

Each case renders the default project of a framework, commits it, changes one
option with ``scaffold update --data``, and compares the result, file for file
and byte for byte, with a project made with that option from the start; then it
changes the option back and compares with the default project. Only the records
of how a project was made differ: the answers file, ``uv.lock`` (not made here)
and the decision record under ``docs/decisions/``. Real copier and git, scaffold's
own template through a template store of this module's own.
"""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import OPTION_DEFAULTS, git
from lifecycle import commit_all
from typer.testing import CliRunner

from scaffold.cli import app
from scaffold.decision import DECISION_FILE
from scaffold.errors import EXIT_ANSWER

runner = CliRunner()

NAME = "mlweb"
"""The project's folder, and so its name: the same in every project compared."""
IGNORED_FILES = frozenset({".copier-answers.yml", "uv.lock"})
IGNORED_FOLDER = DECISION_FILE.parent.as_posix()
DIFF_LINES = 40
"""How many lines of unified diff a failure shows."""

CASES: list[tuple[str, str, str]] = [
    ("fastapi", "database", "sqlite"),
    ("fastapi", "database", "postgresql"),
    ("flask", "database", "sqlite"),
    ("flask", "database", "postgresql"),
    ("fastapi", "auth", "oauth2"),
    ("flask", "auth", "oauth2"),
    ("flask", "auth", "session"),
    ("fastapi", "docker", "false"),
    ("flask", "docker", "false"),
    ("fastapi", "kubernetes", "true"),
    ("flask", "kubernetes", "true"),
    ("fastapi", "ci", "gitlab"),
    ("flask", "ci", "none"),
    ("fastapi", "ml", "none"),
    ("flask", "ml", "none"),
    ("fastapi", "metrics", "true"),
    ("flask", "metrics", "true"),
]
"""(framework, option, value): every option, every value that is not its default."""


def default_text(option: str) -> str:
    """The option's default as ``--data`` spells it."""
    value = OPTION_DEFAULTS[option]
    return str(value).lower() if isinstance(value, bool) else str(value)


def new(folder: Path, framework: str, *data: str) -> Path:
    """``scaffold new`` as a user runs it, with ``--data KEY=VALUE`` for each of ``data``."""
    options = [arg for pair in data for arg in ("--data", pair)]
    result = runner.invoke(
        app, ["new", str(folder), "--no-input", "--no-lock", "--framework", framework, *options]
    )
    assert result.exit_code == 0, result.output
    return folder


def update(folder: Path, *data: str) -> tuple[int, str]:
    options = [arg for pair in data for arg in ("--data", pair)]
    result = runner.invoke(app, ["update", str(folder), "--no-input", *options])
    return result.exit_code, result.output


def paths(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) outside ``.git`` and the records."""
    found: dict[str, bytes | None] = {}
    for item in sorted(folder.rglob("*")):
        name = item.relative_to(folder).as_posix()
        if name == ".git" or name.startswith(".git/") or name in IGNORED_FILES:
            continue
        if name == IGNORED_FOLDER or name.startswith(IGNORED_FOLDER + "/"):
            continue
        if item.is_symlink():
            found[name] = b"symlink:" + str(item.readlink()).encode()
        elif item.is_dir():
            found[name + "/"] = None
        else:
            found[name] = item.read_bytes()
    return found


def differences(got: Path, want: Path) -> str:
    """What differs between two projects, readable: the paths, then a diff's first lines."""
    mine, theirs = paths(got), paths(want)
    only_got = sorted(set(mine) - set(theirs))
    only_want = sorted(set(theirs) - set(mine))
    changed = sorted(k for k in set(mine) & set(theirs) if mine[k] != theirs[k])
    if not (only_got or only_want or changed):
        return ""
    report = [
        f"only in the updated project: {only_got}",
        f"only in the project made so: {only_want}",
        f"different content: {changed}",
    ]
    diff: list[str] = []
    for name in changed + only_got + only_want:
        old, new_ = theirs.get(name), mine.get(name)
        diff.extend(
            difflib.unified_diff(
                (old or b"").decode(errors="replace").splitlines(),
                (new_ or b"").decode(errors="replace").splitlines(),
                fromfile=f"made/{name}" if name in theirs else "/dev/null",
                tofile=f"updated/{name}" if name in mine else "/dev/null",
                lineterm="",
            )
        )
    return "\n".join(report + diff[:DIFF_LINES])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's template store, shared by its tests (one per xdist worker)."""
    return tmp_path_factory.mktemp("option-changes-store") / "template"


@pytest.fixture(scope="module")
def defaults(
    store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], Path]]:
    """Each framework's default project, rendered once and committed; copy before changing."""
    made: dict[str, Path] = {}

    def default(framework: str) -> Path:
        if framework not in made:
            folder = tmp_path_factory.mktemp(f"default-{framework}") / NAME
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("SCAFFOLD_TEMPLATE_STORE", str(store))
                new(folder, framework)
            git(folder, "init", "--quiet")
            commit_all(folder, "start")
            made[framework] = folder
        return made[framework]

    yield default


@pytest.fixture
def in_store(isolated_home: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point scaffold at the module's store (after ``isolated_home`` has cleared it)."""
    monkeypatch.setenv("SCAFFOLD_TEMPLATE_STORE", str(store))
    return store


def started(default: Path, folder: Path) -> Path:
    """A copy of a default project, its git history included."""
    shutil.copytree(default, folder, symlinks=True)
    return folder


def answers(folder: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((folder / ".copier-answers.yml").read_text())
    return loaded


@pytest.mark.parametrize(
    ("framework", "option", "value"),
    [pytest.param(*case, marks=pytest.mark.xdist_group(f"options-{case[0]}")) for case in CASES],
    ids=[f"{framework}-{option}-{value}" for framework, option, value in CASES],
)
def test_changing_an_option_gives_the_project_made_with_it_and_back(
    framework: str,
    option: str,
    value: str,
    defaults: Callable[[str], Path],
    in_store: Path,
    tmp_path: Path,
) -> None:
    default = defaults(framework)
    project = started(default, tmp_path / "updated" / NAME)
    code, output = update(project, f"{option}={value}")
    assert code == 0, output
    commit_all(project, f"{option}={value}")
    made = new(tmp_path / "made" / NAME, framework, f"{option}={value}")
    assert differences(made, default), f"{option}={value} makes the same project as the default"
    assert answers(project)[option] == answers(made)[option]
    problems = differences(project, made)
    assert not problems, f"{option}={value} through scaffold update:\n{problems}"

    code, output = update(project, f"{option}={default_text(option)}")
    assert code == 0, output
    commit_all(project, f"{option} back")
    assert answers(project)[option] == OPTION_DEFAULTS[option]
    problems = differences(project, default)
    assert not problems, f"{option} back to its default:\n{problems}"


@pytest.mark.xdist_group("options-fastapi")
@pytest.mark.parametrize(
    ("pair", "fragment"),
    [
        ("database=mysql", "expected one of none, sqlite, postgresql"),
        ("ci=jenkins", "expected one of github, gitlab, none"),
        ("kubernetes=perhaps", "expected true or false"),
        ("auth=session", "only available with Flask"),
    ],
)
def test_a_bad_value_is_one_line_and_leaves_the_project_alone(
    pair: str, fragment: str, defaults: Callable[[str], Path], in_store: Path, tmp_path: Path
) -> None:
    project = started(defaults("fastapi"), tmp_path / NAME)
    before = paths(project)
    code, output = update(project, pair)
    assert code == EXIT_ANSWER, output
    assert fragment in output and len(output.strip().splitlines()) == 1
    assert paths(project) == before
    assert git(project, "status", "--porcelain") == ""
