"""``scaffold update --data KEY=VALUE``: an option changed after the start, on and off again.

Each case renders the default project of a framework (a few start from other
answers), commits it, changes one option with ``scaffold update --data``, and
compares the result, file for file, folder for folder and byte for byte, with a
project made with that option from the start; then it changes the option back
and compares with the project it started from. Only the records
of how a project was made differ: the answers file, ``uv.lock`` (not made here)
and the decision record under ``docs/decisions/``. Real copier and git, scaffold's
own template through a template store of this module's own.
"""

from __future__ import annotations

import difflib
import shutil
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import OPTION_DEFAULTS, REPO_ROOT, git
from lifecycle import commit_all
from typer.testing import CliRunner

from scaffold.answers import read_questions
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


@dataclass(frozen=True)
class Case:
    """One option changed on a committed project, from ``base`` (others at their defaults)."""

    framework: str
    option: str
    value: str
    base: tuple[str, ...] = ()
    """``KEY=VALUE`` answers the project starts with besides its defaults."""

    @property
    def change(self) -> str:
        return f"{self.option}={self.value}"

    @property
    def back(self) -> str:
        """The option's value in the starting project, as ``--data`` spells it."""
        started = dict(pair.split("=", 1) for pair in self.base)
        return f"{self.option}={started.get(self.option, default_text(self.option))}"

    @property
    def id(self) -> str:
        return "-".join([self.framework, *self.base, self.change]).replace("=", "-")


CASES = [
    Case("fastapi", "database", "sqlite"),
    Case("fastapi", "database", "postgresql"),
    Case("flask", "database", "sqlite"),
    Case("flask", "database", "postgresql"),
    Case("fastapi", "auth", "oauth2"),
    Case("flask", "auth", "oauth2"),
    Case("flask", "auth", "session"),
    Case("flask", "docker", "false"),
    Case("fastapi", "kubernetes", "true"),
    Case("fastapi", "ci", "gitlab"),
    Case("flask", "ci", "none"),
    Case("fastapi", "ml", "none"),
    Case("flask", "ml", "none"),
    Case("fastapi", "metrics", "true"),
    Case("flask", "metrics", "true"),
    Case("fastapi", "template_check", "true"),
    Case("flask", "template_check", "true", ("ci=gitlab",)),
    # Files that depend on several options: the manifests for Redis and autoscaling
    # come and go with auth, database and ml once kubernetes is on.
    Case("fastapi", "auth", "oauth2", ("kubernetes=true", "database=postgresql")),
    Case("flask", "database", "sqlite", ("kubernetes=true", "auth=session")),
]
"""Every option, each value that is not its default, both frameworks across them."""


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


Entry = tuple[int, bytes | None]
"""A path's permission bits and, for a file, its bytes (a symbolic link: its target)."""


def paths(folder: Path) -> dict[str, Entry]:
    """Every file and folder (``name/``) outside ``.git`` and the records."""
    found: dict[str, Entry] = {}
    for item in sorted(folder.rglob("*")):
        name = item.relative_to(folder).as_posix()
        if name == ".git" or name.startswith(".git/") or name in IGNORED_FILES:
            continue
        if name == IGNORED_FOLDER or name.startswith(IGNORED_FOLDER + "/"):
            continue
        mode = stat.S_IMODE(item.lstat().st_mode)
        if item.is_symlink():
            found[name] = (mode, b"symlink:" + str(item.readlink()).encode())
        elif item.is_dir():
            found[name + "/"] = (mode, None)
        else:
            found[name] = (mode, item.read_bytes())
    return found


def differences(got: Path, want: Path) -> str:
    """What differs between two projects, readable: the paths, then a diff's first lines.

    Each project is named by the folder above it (``updated``, ``made``, the start).
    """
    mine, theirs = paths(got), paths(want)
    left, right = got.parent.name, want.parent.name
    only_got = sorted(set(mine) - set(theirs))
    only_want = sorted(set(theirs) - set(mine))
    changed = sorted(k for k in set(mine) & set(theirs) if mine[k] != theirs[k])
    if not (only_got or only_want or changed):
        return ""
    report = [
        f"only in {left}: {only_got}",
        f"only in {right}: {only_want}",
        f"different: {changed}",
    ]
    diff: list[str] = []
    for name in changed + only_got + only_want:
        (old_mode, old), (new_mode, new_) = theirs.get(name, (0, None)), mine.get(name, (0, None))
        if name in changed and old_mode != new_mode:
            diff.append(f"{name}: mode {new_mode:o} in {left}, {old_mode:o} in {right}")
        diff.extend(
            difflib.unified_diff(
                (old or b"").decode(errors="replace").splitlines(),
                (new_ or b"").decode(errors="replace").splitlines(),
                fromfile=f"{right}/{name}" if name in theirs else "/dev/null",
                tofile=f"{left}/{name}" if name in mine else "/dev/null",
                lineterm="",
            )
        )
    return "\n".join(report + diff[:DIFF_LINES])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's template store, shared by its tests (one per xdist worker)."""
    return tmp_path_factory.mktemp("option-changes-store") / "template"


@pytest.fixture(scope="module")
def starts(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Path]]:
    """Starting projects (each framework's default, mostly), each rendered once and committed.

    Tests copy them before changing anything (``started``).
    """
    made: dict[tuple[str, ...], Path] = {}

    def start(framework: str, *base: str) -> Path:
        key = (framework, *base)
        if key not in made:
            folder = tmp_path_factory.mktemp("start-" + "-".join(key).replace("=", "-")) / NAME
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("SCAFFOLD_TEMPLATE_STORE", str(store))
                new(folder, framework, *base)
            git(folder, "init", "--quiet")
            commit_all(folder, "start")
            made[key] = folder
        return made[key]

    yield start


@pytest.fixture
def in_store(isolated_home: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point scaffold at the module's store (after ``isolated_home`` has cleared it)."""
    monkeypatch.setenv("SCAFFOLD_TEMPLATE_STORE", str(store))
    return store


def started(start: Path, folder: Path) -> Path:
    """A copy of a starting project, its git history included."""
    shutil.copytree(start, folder, symlinks=True)
    return folder


def answers(folder: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((folder / ".copier-answers.yml").read_text())
    return loaded


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.xdist_group(f"options-{c.framework}")) for c in CASES],
    ids=[case.id for case in CASES],
)
def test_changing_an_option_gives_the_project_made_with_it_and_back(
    case: Case, starts: Callable[..., Path], in_store: Path, tmp_path: Path
) -> None:
    start = starts(case.framework, *case.base)
    project = started(start, tmp_path / "updated" / NAME)
    code, output = update(project, case.change)
    assert code == 0, output
    commit_all(project, case.change)
    made = new(tmp_path / "made" / NAME, case.framework, *case.base, case.change)
    assert differences(made, start), f"{case.change} makes the same project as the start"
    assert answers(project)[case.option] == answers(made)[case.option]
    problems = differences(project, made)
    assert not problems, f"{case.change} through scaffold update:\n{problems}"

    code, output = update(project, case.back)
    assert code == 0, output
    commit_all(project, case.back)
    assert answers(project)[case.option] == answers(start)[case.option]
    problems = differences(project, start)
    assert not problems, f"{case.back} through scaffold update, back to the start:\n{problems}"


def test_the_cases_cover_every_value_of_every_option() -> None:
    """A choice added to copier.yml needs its case here (framework and Python aside)."""
    questions = read_questions(str(REPO_ROOT), None, remote=False)
    assert questions is not None
    wanted = {
        (name, value)
        for name, question in questions.items()
        if name not in ("framework", "python_version")
        for value in (("true", "false") if question.type == "bool" else question.choices)
        if value != str(question.default).lower()
    }
    covered = {(case.option, case.value) for case in CASES}
    assert wanted - covered == set()
    assert {case.framework for case in CASES} == {"fastapi", "flask"}
    assert {case.framework for case in CASES if case.change == "auth=oauth2"} == {
        "fastapi",
        "flask",
    }


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
    pair: str, fragment: str, starts: Callable[..., Path], in_store: Path, tmp_path: Path
) -> None:
    project = started(starts("fastapi"), tmp_path / NAME)
    before = paths(project)
    code, output = update(project, pair)
    assert code == EXIT_ANSWER, output
    assert fragment in output and len(output.strip().splitlines()) == 1
    assert paths(project) == before
    assert git(project, "status", "--porcelain") == ""
