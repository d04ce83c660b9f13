"""The command line: every command, the output people read, and every bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import scaffold.cli
import scaffold.render
from scaffold import __version__
from scaffold.cli import app
from scaffold.errors import (
    EXIT_ANSWER,
    EXIT_DESTINATION,
    EXIT_INTERRUPTED,
    EXIT_REQUIREMENTS,
    EXIT_TEMPLATE,
    EXIT_USAGE,
)

runner = CliRunner()


def invoke(*args: str, input: str | None = None) -> Any:
    return runner.invoke(app, list(args), input=input)


def assert_one_line_error(result: Any, code: int, fragment: str) -> None:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("scaffold: error: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.output


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".scaffold-" in p.name)


# --- recommend ----------------------------------------------------------------------


def test_help_lists_the_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("recommend", "new", "sync"):
        assert command in result.stdout


def test_version_is_printed() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"scaffold {__version__}"


def test_recommend_explains_pick_scores_reasons_and_costs() -> None:
    result = invoke("recommend", "--no-input", "--kind", "web", "--html")
    assert result.exit_code == 0
    assert result.stdout.startswith("Recommended: Flask\nScores: Flask 7, FastAPI 0")
    out = " ".join(result.stdout.split())  # the report wraps long lines
    assert "+3 Flask kind=web A site people browse" in out
    assert "[What is Flask; Cons of using Flask]" in out
    assert "+3 Flask html Pages rendered on the server" in out
    assert "What Flask costs" in out and "gunicorn" in out
    assert max(len(line) for line in result.stdout.splitlines()) <= 88


def test_recommend_json_has_framework_scores_and_reasons() -> None:
    result = invoke("recommend", "--json", "--no-input", "--kind", "api", "--concurrency", "--docs")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["framework"] == "fastapi"
    assert data["scores"] == {"flask": 1, "fastapi": 8}
    assert [r["rule"] for r in data["reasons"]] == [
        "api-product",
        "concurrent-io",
        "few-endpoints",
        "interactive-docs",
    ]
    assert all({"rule", "favors", "weight", "why", "source"} <= set(r) for r in data["reasons"])


def test_recommend_reads_a_requirements_file_and_flags_win(tmp_path: Path) -> None:
    path = tmp_path / "req.toml"
    path.write_text('kind = "web"\nhtml = true\nteam = "flask"\n')
    from_file = json.loads(
        invoke("recommend", "--json", "--no-input", "--requirements", str(path)).stdout
    )
    assert from_file["framework"] == "flask"
    overridden = invoke(
        "recommend",
        "--json",
        "--no-input",
        "--requirements",
        str(path),
        "--kind",
        "api",
        "--no-html",
        "--team",
        "fastapi",
        "--traffic",
        "high",
    )
    assert json.loads(overridden.stdout)["framework"] == "fastapi"


def test_recommend_asks_each_missing_requirement_when_interactive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scaffold.cli, "_interactive", lambda no_input: not no_input)
    # kind is given; then: traffic, concurrency, endpoints, team, deadline, experience,
    # docs, validation, di, auth, html, monitoring. A bad answer is asked again.
    answers = ["huge", "high", "y", "40", "", "", "", "y", "", "", "", "", ""]
    result = invoke("recommend", "--json", "--kind", "api", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "How much traffic do you expect (low/medium/high) [low]" in result.stderr
    assert "Error: invalid requirement traffic='huge'" in result.stderr  # asked again
    assert "What are you building" not in result.stderr  # given by flag, not asked
    # The test runner echoes typed answers to stdout; the JSON object follows them.
    data = json.loads(result.stdout[result.stdout.index("{\n") :])
    assert {r["rule"] for r in data["reasons"]} == {
        "api-product",
        "heavy-traffic",
        "concurrent-io",
        "many-endpoints",
        "interactive-docs",
    }


def test_closing_the_input_at_a_prompt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scaffold.cli, "_interactive", lambda no_input: not no_input)
    result = invoke("recommend", input="")
    assert result.exit_code == EXIT_INTERRUPTED
    assert result.stderr.splitlines()[-1] == "scaffold: error: interrupted; nothing was written"
    assert "Traceback" not in result.output


def test_recommend_inside_a_project_reuses_its_stored_requirements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = invoke(
        "new", str(tmp_path / "site"), "--no-input", "--kind", "web", "--html", "--team", "flask"
    )
    assert created.exit_code == 0, created.output
    monkeypatch.chdir(tmp_path / "site")
    again = json.loads(invoke("recommend", "--json", "--no-input").stdout)
    assert again["framework"] == "flask"
    assert {r["rule"] for r in again["reasons"]} >= {"html-site", "html-pages", "flask-team"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--kind", "desktop"], "Invalid value for '--kind'"),
        (["--traffic", "enormous"], "Invalid value for '--traffic'"),
        (["--endpoints", "0"], "Invalid value for '--endpoints'"),
        (["--endpoints", "many"], "Invalid value for '--endpoints'"),
        (["--colour", "blue"], "No such option: --colour"),
    ],
)
def test_bad_flags_are_usage_errors(args: list[str], fragment: str) -> None:
    assert_one_line_error(invoke("recommend", "--no-input", *args), EXIT_USAGE, fragment)


def test_unreadable_requirements_file_is_exit_3(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = invoke("recommend", "--no-input", "--requirements", str(missing))
    assert_one_line_error(result, EXIT_REQUIREMENTS, "cannot read requirements file")


def test_invalid_value_in_requirements_file_is_exit_3(tmp_path: Path) -> None:
    path = tmp_path / "req.yaml"
    path.write_text("kind: desktop\n")
    result = invoke("recommend", "--no-input", "--requirements", str(path))
    assert_one_line_error(result, EXIT_REQUIREMENTS, "invalid requirement kind='desktop'")


# --- new ------------------------------------------------------------------------------


def test_new_renders_the_recommended_framework_and_records_requirements(tmp_path: Path) -> None:
    destination = tmp_path / "svc"
    result = invoke("new", str(destination), "--no-input", "--kind", "api", "--docs")
    assert result.exit_code == 0, result.output
    assert "Framework: FastAPI, decided by the scores, 5 to 1: a margin of 4" in result.stdout
    assert "uvicorn svc.main:create_app --factory --reload" in result.stdout
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["framework"] == "fastapi"
    assert answers["_src_path"] == "~/.local/share/scaffold/template"
    assert answers["_commit"] == f"v{__version__}"
    assert answers["requirements"]["kind"] == "api" and answers["requirements"]["docs"] is True
    assert (destination / "src" / "svc" / "main.py").is_file()
    assert leftovers(tmp_path) == []


def test_new_pretend_lists_files_and_writes_nothing(tmp_path: Path) -> None:
    destination = tmp_path / "dry"
    result = invoke("new", str(destination), "--no-input", "--kind", "web", "--pretend")
    assert result.exit_code == 0, result.output
    assert "Would write" in result.stdout and "src/dry/__init__.py" in result.stdout
    assert not destination.exists()
    assert leftovers(tmp_path) == []


def test_new_refuses_a_non_empty_destination_and_keeps_its_files(tmp_path: Path) -> None:
    destination = tmp_path / "busy"
    destination.mkdir()
    (destination / "README.md").write_text("mine\n")
    result = invoke("new", str(destination), "--no-input")
    assert_one_line_error(result, EXIT_DESTINATION, "exists and is not empty")
    assert [p.name for p in destination.iterdir()] == ["README.md"]
    assert (destination / "README.md").read_text() == "mine\n"


def test_new_with_force_renders_into_a_folder_and_keeps_unrelated_files(tmp_path: Path) -> None:
    destination = tmp_path / "busy"
    destination.mkdir()
    (destination / "notes.txt").write_text("keep me\n")
    result = invoke("new", str(destination), "--no-input", "--force")
    assert result.exit_code == 0, result.output
    assert (destination / "notes.txt").read_text() == "keep me\n"
    assert (destination / ".copier-answers.yml").is_file()


def test_new_into_an_empty_folder_is_allowed(tmp_path: Path) -> None:
    destination = tmp_path / "empty"
    destination.mkdir()
    assert invoke("new", str(destination), "--no-input").exit_code == 0
    assert (destination / "pyproject.toml").is_file()


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["--data", "package_name=1bad"], EXIT_ANSWER, "not a valid Python identifier"),
        (["--data", "package_name=class"], EXIT_ANSWER, "is a Python keyword"),
        (["--data", "colour=blue"], EXIT_ANSWER, "unknown template question(s): colour"),
        (["--data", "ml=tensorflow"], EXIT_ANSWER, "--data ml=tensorflow: expected one of"),
        (["--data", "framework=flask"], EXIT_ANSWER, "use --framework"),
        (["--data", "novalue"], EXIT_USAGE, "'novalue' is not KEY=VALUE"),
        (["--framework", "django"], EXIT_USAGE, "Invalid value for '--framework'"),
        (["--framework", "fastapi", "--auth", "session"], EXIT_ANSWER, "cannot meet auth=session"),
        (["--template", "/nonexistent/template"], EXIT_TEMPLATE, "is neither a copier template"),
    ],
)
def test_bad_new_input_is_one_line_and_leaves_nothing_behind(
    tmp_path: Path, args: list[str], code: int, fragment: str
) -> None:
    destination = tmp_path / "proj"
    result = invoke("new", str(destination), "--no-input", *args)
    assert_one_line_error(result, code, fragment)
    assert not destination.exists()
    assert leftovers(tmp_path) == []


def test_a_folder_without_copier_config_is_no_template(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    result = invoke(
        "new", str(tmp_path / "proj"), "--no-input", "--template", str(tmp_path / "plain")
    )
    assert_one_line_error(result, EXIT_TEMPLATE, "is neither a copier template")


def test_forcing_the_other_framework_warns_with_the_strongest_reason(tmp_path: Path) -> None:
    result = invoke(
        "new", str(tmp_path / "p"), "--no-input", "--kind", "api", "--docs", "--framework", "flask"
    )
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "using Flask although the rules recommend FastAPI" in warnings[0]
    assert "kind=api" in warnings[0]  # the heaviest rule against Flask
    answers = yaml.safe_load((tmp_path / "p" / ".copier-answers.yml").read_text())
    assert answers["framework"] == "flask"


def test_interrupted_render_leaves_no_destination_and_no_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(request: Any, data: Any, staged: Path, pretend: bool = False) -> None:
        staged.mkdir(parents=True)
        (staged / "half-written.py").write_text("x = ")
        raise KeyboardInterrupt

    monkeypatch.setattr(scaffold.render, "_run_copy", interrupted)
    result = invoke("new", str(tmp_path / "proj"), "--no-input")
    assert_one_line_error(result, EXIT_INTERRUPTED, "interrupted; nothing was written")
    assert not (tmp_path / "proj").exists()
    assert leftovers(tmp_path) == []


def test_sync_adds_the_version_once(isolated_home: Path) -> None:
    first = invoke("sync")
    assert first.exit_code == 0
    assert (
        first.stdout.strip()
        == f"template v{__version__} at ~/.local/share/scaffold/template (added)"
    )
    assert "(already present)" in invoke("sync").stdout
    assert (isolated_home / ".local/share/scaffold/template/.git").is_dir()


@pytest.mark.parametrize("argv", [["--help"], ["recommend", "--no-input", "--json"]])
def test_help_and_recommend_do_not_import_copier(argv: list[str]) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['scaffold', *{argv!r}]\n"
        "from scaffold.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('COPIER' if any(m.split('.')[0] == 'copier' for m in sys.modules) else 'CLEAN')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "CLEAN"


def test_ctrl_c_at_a_template_question_exits_130_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copier
    from copier.errors import CopierAnswersInterrupt

    def interrupted(*args: Any, **kwargs: Any) -> None:
        Path(args[1]).mkdir(parents=True)
        (Path(args[1]) / "partial.txt").write_text("half")
        raise CopierAnswersInterrupt(None, None, None)  # type: ignore[arg-type]

    monkeypatch.setattr(copier, "run_copy", interrupted)
    result = invoke("new", str(tmp_path / "proj"), "--no-input")
    assert_one_line_error(result, EXIT_INTERRUPTED, "interrupted; nothing was written")
    assert not (tmp_path / "proj").exists()
    assert leftovers(tmp_path) == []


def test_an_invalid_project_name_from_the_folder_is_an_answer_error(tmp_path: Path) -> None:
    result = invoke("new", str(tmp_path / "!weird"), "--no-input")
    assert_one_line_error(result, EXIT_ANSWER, "must start with a letter or digit")
    assert not (tmp_path / "!weird").exists()
