"""Every new project records why it uses its framework, and recommend reads it back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import git
from lifecycle import V1, V2, commit_all, copier_update, two_version_template
from typer.testing import CliRunner

from scaffold import __version__
from scaffold.cli import app
from scaffold.decision import DECISION_FILE, find_project
from scaffold.engine import recommend
from scaffold.requirements import Requirements

runner = CliRunner()
WEB = ["--kind", "web", "--deadline", "tight", "--team", "flask"]


def test_new_writes_the_record_with_every_fired_rule_and_section(tmp_path: Path) -> None:
    project = tmp_path / "site"
    result = runner.invoke(app, ["new", str(project), "--no-input", *WEB])
    assert result.exit_code == 0, result.output
    text = (project / DECISION_FILE).read_text()
    expected = recommend(Requirements(kind="web", deadline="tight", team="flask"))
    assert len(expected.fired) >= 3
    for rule in expected.fired:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{rule.name}` |"))
        assert rule.trigger in row and rule.why in row and row.rstrip(" |").endswith(rule.source)
    for cost in expected.costs:
        assert cost.weakness in text and cost.remedy in text and cost.source in text
    assert f"Scores: Flask {expected.scores['flask']}, FastAPI {expected.scores['fastapi']}" in text
    assert f"scaffold {__version__}" in text
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["framework"] == "flask" and front["scaffold_version"] == __version__
    assert front["rules"] == [rule.name for rule in expected.fired]
    assert "| `deadline` | `tight` |" in text


def test_a_forced_framework_is_recorded_as_the_users_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "api"
    result = runner.invoke(app, ["new", str(project), "--no-input", "--framework", "flask"])
    assert result.exit_code == 0, result.output
    text = (project / DECISION_FILE).read_text()
    assert "Flask, chosen by the user; the selection rules recommend FastAPI" in text
    monkeypatch.chdir(project)
    review = runner.invoke(app, ["recommend", "--no-input"]).stdout
    assert "Flask was chosen against the rules, which recommended FastAPI then and" in review


def test_pretend_writes_no_record(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", str(tmp_path / "p"), "--no-input", "--pretend"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "p").exists()


def test_copier_update_leaves_the_record_untouched(tmp_path: Path) -> None:
    template = two_version_template(tmp_path / "template")
    project = tmp_path / "project"
    args = ["new", str(project), "--no-input", *WEB, "--template", str(template)]
    result = runner.invoke(app, [*args, "--vcs-ref", V1])
    assert result.exit_code == 0, result.output
    record = (project / DECISION_FILE).read_bytes()
    git(project, "init", "--quiet")
    commit_all(project, "start")
    update = copier_update(project, "--vcs-ref", V2)
    assert update.returncode == 0, update.stderr
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == V2
    assert (project / "SECURITY.md").is_file()  # The update did run.
    assert (project / DECISION_FILE).read_bytes() == record


def test_recommend_in_a_subfolder_reads_the_project_and_says_the_decision_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "site"
    assert runner.invoke(app, ["new", str(project), "--no-input", *WEB]).exit_code == 0
    deep = project / "src" / "site" / "templates"
    deep.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(deep)
    assert find_project(Path.cwd()) == project
    result = runner.invoke(app, ["recommend", "--no-input"])
    assert result.exit_code == 0, result.output
    assert f"Read the stored requirements from {project / '.copier-answers.yml'}." in result.stdout
    assert "It still holds: today's rules recommend Flask" in result.stdout
    assert "Recommended: Flask" in result.stdout

    # Flags change the requirements on top of the stored ones; the review says so.
    changed = runner.invoke(app, ["recommend", "--no-input", "--json", "--kind", "api"])
    review = json.loads(changed.stdout)["project"]
    assert review["holds"] == (json.loads(changed.stdout)["framework"] == "flask")
    assert "api-product" in review["rules_added"] and "html-site" in review["rules_gone"]


def test_recommend_says_when_todays_answers_no_longer_give_the_stored_framework(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "svc"
    assert runner.invoke(app, ["new", str(project), "--no-input", *WEB]).exit_code == 0
    answers_path = project / ".copier-answers.yml"
    answers = yaml.safe_load(answers_path.read_text())
    answers["requirements"].update(kind="api", team="fastapi", docs=True, deadline="normal")
    answers_path.write_text(yaml.safe_dump(answers))
    monkeypatch.chdir(project / "src")
    result = runner.invoke(app, ["recommend", "--no-input"])
    assert result.exit_code == 0, result.output
    assert "It no longer holds: today's rules recommend FastAPI" in result.stdout


def test_recommend_outside_a_project_has_no_project_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["recommend", "--no-input", "--json"])
    assert "project" not in json.loads(result.stdout)
