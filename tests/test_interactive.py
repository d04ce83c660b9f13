"""Interactive ``scaffold new`` through a real pseudo-terminal (pexpect).

The recommendation, its reasons and what would change it come before copier's
first question, and the user can accept it or pick the other framework.
"""

from __future__ import annotations

import os
from pathlib import Path

import pexpect
import yaml
from sandbox import SCAFFOLD

from scaffold.errors import EXIT_HANGUP

# Requirements given as flags except kind, which is asked at the terminal.
FLAGS = [
    *("--traffic", "low", "--no-concurrency", "--endpoints", "3", "--team", "none"),
    *("--deadline", "normal", "--experience", "experienced", "--docs", "--no-validation"),
    *("--no-di", "--no-html", "--no-monitoring"),
]
# Template answers given, except project_name and package_name, which copier asks.
DATA = [
    item
    for pair in (
        "author_name=A",
        "author_email=a@example.com",
        "python_version=3.11",
        "ml=none",
        "description=demo",
        "database=none",
        "metrics=no",
        "docker=no",
        "kubernetes=no",
        "ci=none",
    )
    for item in ("--data", pair)
]


def spawn(tmp_path: Path, *args: str) -> pexpect.spawn:
    child = pexpect.spawn(
        str(SCAFFOLD),
        ["new", str(tmp_path / "demo"), *args, *FLAGS, *DATA],
        env={**os.environ, "COLUMNS": "100"},
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 100),
    )
    return child


def answer_copier_and_finish(child: pexpect.spawn) -> str:
    child.expect("Project name")
    child.send("\r")
    child.expect("Python import name")
    child.send("\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return str(child.before)


def test_the_recommendation_comes_before_copier_and_the_other_framework_can_be_chosen(
    tmp_path: Path,
) -> None:
    child = spawn(tmp_path, "--auth", "none")
    child.expect("What are you building")
    child.sendline("API")  # choices are case-insensitive
    index = child.expect(["Recommended: FastAPI", "Project name"])
    assert index == 0, "copier asked before the recommendation was shown"
    child.expect("Decided by the scores, 5 to 1: a margin of 4.")
    child.expect("Why:")
    child.expect("kind=api")
    child.expect("What FastAPI costs")
    child.expect("What would give Flask instead")
    child.expect(r"Use FastAPI\? Press Enter to accept, or type flask")
    child.sendline("flask")
    output = answer_copier_and_finish(child)
    assert (
        "Framework: Flask, your choice (the rules recommend FastAPI, decided by the scores, "
        "5 to 1: a margin of 4)" in output
    )
    answers = yaml.safe_load((tmp_path / "demo" / ".copier-answers.yml").read_text())
    assert answers["framework"] == "flask" and answers["requirements"]["kind"] == "api"


def test_a_framework_a_required_rule_rules_out_is_refused_and_asked_again(
    tmp_path: Path,
) -> None:
    child = spawn(tmp_path, "--auth", "session")
    child.expect("What are you building")
    child.sendline("")
    child.expect("Decided by auth=session, which only Flask can meet")
    child.expect(r"Use Flask\?")
    child.sendline("fastapi")
    child.expect("FastAPI cannot meet auth=session")
    child.expect(r"Use Flask\?")
    child.sendline("")
    output = answer_copier_and_finish(child)
    assert "Framework: Flask, decided by auth=session" in output
    answers = yaml.safe_load((tmp_path / "demo" / ".copier-answers.yml").read_text())
    assert answers["framework"] == "flask" and answers["auth"] == "session"


def test_closing_the_terminal_at_a_question_exits_129_and_writes_nothing(tmp_path: Path) -> None:
    child = spawn(tmp_path, "--auth", "none")
    child.expect("What are you building")
    child.sendline("api")
    child.expect(r"Use FastAPI\?")
    os.close(child.child_fd)  # the terminal goes away: the kernel sends SIGHUP
    child.closed = True
    _, status = os.waitpid(child.pid, 0)
    assert os.WEXITSTATUS(status) == EXIT_HANGUP
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]
