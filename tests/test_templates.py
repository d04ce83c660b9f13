"""Both templates render for every pair of options, into lint-clean Python.

Rendering uses pytest-copie's ``copie`` fixture on this repository's copier.yml.
The full install-and-run checks of generated projects are in test_generated.py;
here every option combination of an all-pairs set is rendered and checked with
the project's own ruff configuration, which catches template syntax slips fast.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

OPTIONS: dict[str, list[Any]] = {
    "framework": ["fastapi", "flask"],
    "ml": ["scikit-learn", "none"],
    "database": ["none", "sqlite", "postgresql"],
    "auth": ["none", "oauth2", "session"],
    "metrics": [False, True],
    "docker": [True, False],
    "kubernetes": [False, True],
    "ci": ["github", "gitlab", "none"],
}


def allowed(combo: dict[str, Any]) -> bool:
    return not (combo.get("auth") == "session" and combo.get("framework") == "fastapi")


def pairs_of(combo: dict[str, Any]) -> set[tuple[tuple[str, Any], tuple[str, Any]]]:
    return {((a, combo[a]), (b, combo[b])) for a, b in itertools.combinations(combo, 2)}


def all_pairs() -> list[dict[str, Any]]:
    """A small set of option combinations covering every allowed pair of values."""
    names = list(OPTIONS)
    uncovered = {
        ((a, va), (b, vb))
        for a, b in itertools.combinations(names, 2)
        for va in OPTIONS[a]
        for vb in OPTIONS[b]
        if allowed({a: va, b: vb})
    }
    everything = [
        dict(zip(names, vals, strict=True)) for vals in itertools.product(*OPTIONS.values())
    ]
    candidates = [combo for combo in everything if allowed(combo)]
    chosen: list[dict[str, Any]] = []
    while uncovered:
        best = max(candidates, key=lambda combo: len(pairs_of(combo) & uncovered))
        chosen.append(best)
        uncovered -= pairs_of(best)
    return chosen


PAIRS = all_pairs()
# A Jinja expression or statement left in the output (f-string braces do not match).
UNRENDERED = re.compile(r"\{%|\{\{\s*[a-z_]+\s*(\}\}|\|)")


def ids(combo: dict[str, Any]) -> str:
    return "-".join(f"{k}={v}" for k, v in combo.items())


def test_the_pairwise_set_covers_every_allowed_pair() -> None:
    for a, b in itertools.combinations(OPTIONS, 2):
        for va in OPTIONS[a]:
            for vb in OPTIONS[b]:
                if allowed({a: va, b: vb}):
                    assert any(c[a] == va and c[b] == vb for c in PAIRS), (a, va, b, vb)
    assert len(PAIRS) < 20


def ruff(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("ruff")), *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("combo", PAIRS, ids=ids)
def test_options_render_into_lint_clean_projects(copie: Any, combo: dict[str, Any]) -> None:
    result = copie.copy(extra_answers={"project_name": "Pair Probe", **combo})
    assert result.exit_code == 0, result.exception
    project: Path = result.project_dir
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert {key: answers[key] for key in combo} == combo
    python_files = list(project.rglob("*.py"))
    assert python_files
    for path in python_files:
        text = path.read_text()
        assert not UNRENDERED.search(text), f"unrendered Jinja in {path}"
        compile(text, str(path), "exec")
    for args in (("check", "--no-cache", "."), ("format", "--check", "--no-cache", ".")):
        checked = ruff(project, *args)
        assert checked.returncode == 0, f"ruff {args}: {checked.stdout}{checked.stderr}"
    assert (project / "Dockerfile").is_file() is combo["docker"]
    assert (project / ".github" / "workflows" / "ci.yml").is_file() is (combo["ci"] == "github")
    assert (project / ".gitlab-ci.yml").is_file() is (combo["ci"] == "gitlab")


def test_fastapi_refuses_session_login(copie: Any) -> None:
    result = copie.copy(
        extra_answers={"project_name": "x", "framework": "fastapi", "auth": "session"}
    )
    assert result.exit_code != 0
    assert "only available with Flask" in str(result.exception)
