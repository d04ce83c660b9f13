"""Values and messages in the user's terms: answers, templates, help, store settings."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import template_repo
from typer.testing import CliRunner

import scaffold.cli
from scaffold import __version__
from scaffold.cli import app
from scaffold.errors import EXIT_ANSWER, EXIT_TEMPLATE
from scaffold.store import DEFAULT_STORE, STORE_ENV, store_location, sync

runner = CliRunner()
LIBRARY_WORDS = ("Value error,", "Validation error for question", "invalid literal", "Unexpected")


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), input=input, env=env)


def one_error(result: Any, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scaffold: error: "), result.stderr
    assert not any(word in lines[0] for word in LIBRARY_WORDS), lines[0]
    return lines[0]


# --- --data answers ----------------------------------------------------------------------


@pytest.mark.parametrize("pair", ["docker=maybe", "metrics=2", "kubernetes=", "docker=tru"])
def test_booleans_accept_only_the_usual_spellings(tmp_path: Path, pair: str) -> None:
    line = one_error(invoke("new", str(tmp_path / "p"), "--no-input", "--data", pair), EXIT_ANSWER)
    assert f"--data {pair}: expected true or false" in line
    assert not (tmp_path / "p").exists()


def test_data_auth_session_feeds_the_requirements_like_the_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke(
        "new", str(tmp_path / "site"), "--no-input", "--data", "auth=session", "--data", "docker=No"
    )
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    assert "Framework: Flask, decided by auth=session, which only Flask can meet" in result.stdout
    answers = yaml.safe_load((tmp_path / "site" / ".copier-answers.yml").read_text())
    assert answers["auth"] == answers["requirements"]["auth"] == "session"
    assert answers["framework"] == "flask" and answers["docker"] is False
    monkeypatch.chdir(tmp_path / "site")
    again = json.loads(invoke("recommend", "--json", "--no-input").stdout)
    assert again["framework"] == "flask" and again["decided_by"] == "requirement"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--data", "auth=session", "--auth", "oauth2"], "--data auth=session disagrees with"),
        (["--data", "auth=ldap"], "--data auth=ldap: expected one of none, oauth2, session"),
    ],
)
def test_data_auth_that_cannot_be_a_requirement_is_refused(
    tmp_path: Path, args: list[str], fragment: str
) -> None:
    line = one_error(invoke("new", str(tmp_path / "p"), "--no-input", *args), EXIT_ANSWER)
    assert fragment in line


def test_a_project_name_starting_with_a_digit_suggests_a_package_name(tmp_path: Path) -> None:
    line = one_error(invoke("new", str(tmp_path / "1app"), "--no-input"), EXIT_ANSWER)
    assert "--data package_name=" in line
    assert not (tmp_path / "1app").exists()


def test_a_unicode_project_name_gets_a_folded_package_name(tmp_path: Path) -> None:
    result = invoke("new", str(tmp_path / "Café"), "--no-input", "--kind", "web")
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((tmp_path / "Café" / ".copier-answers.yml").read_text())
    assert (answers["project_name"], answers["package_name"]) == ("Café", "cafe")
    assert (tmp_path / "Café" / "src" / "cafe" / "__init__.py").is_file()


def test_a_very_long_project_name_is_a_validation_message(tmp_path: Path) -> None:
    name = "a" * 200
    line = one_error(
        invoke("new", str(tmp_path / "p"), "--no-input", "--data", f"project_name={name}"),
        EXIT_ANSWER,
    )
    assert "at most 80 are allowed" in line and "--data project_name=" in line


def test_a_bad_package_name_speaks_without_library_framing(tmp_path: Path) -> None:
    line = one_error(
        invoke("new", str(tmp_path / "p"), "--no-input", "--data", "package_name=1bad"),
        EXIT_ANSWER,
    )
    assert line == (
        "scaffold: error: package_name '1bad' is not a valid Python identifier (lower case "
        "letters, digits and '_', not starting with a digit; pass --data package_name=NAME)"
    )


def test_typing_words_for_a_number_is_asked_again_in_plain_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scaffold.cli, "_interactive", lambda no_input: not no_input)
    # kind given; traffic (HIGH: case-insensitive), concurrency, endpoints ("lots", then 40), ...
    answers = ["HIGH", "", "lots", "40", *[""] * 9]
    result = invoke("recommend", "--json", "--kind", "api", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "endpoints: 'lots' is not a whole number" in result.stderr
    assert "invalid literal" not in result.stderr
    data = json.loads(result.stdout[result.stdout.index("{\n") :])
    assert {"heavy-traffic", "many-endpoints"} <= {r["rule"] for r in data["reasons"]}


# --- templates ---------------------------------------------------------------------------


def test_an_unreachable_git_template_says_what_git_said(tmp_path: Path) -> None:
    result = invoke(
        "new", str(tmp_path / "p"), "--no-input", "--template", "https://127.0.0.1:9/t.git"
    )
    line = one_error(result, EXIT_TEMPLATE)
    assert "cannot fetch template https://127.0.0.1:9/t.git: unable to access" in line


def test_a_missing_vcs_ref_lists_the_versions_that_exist(tmp_path: Path) -> None:
    line = one_error(
        invoke("new", str(tmp_path / "p"), "--no-input", "--vcs-ref", "v9.9.9"), EXIT_TEMPLATE
    )
    assert "has no version 'v9.9.9'; its versions: v0.1.0" in line
    assert f"v{__version__}" in line


def test_a_dirty_template_clone_is_a_note_not_a_python_warning(tmp_path: Path) -> None:
    template = template_repo(tmp_path / "tpl")
    (template / "copier.yml").write_text((template / "copier.yml").read_text() + "\n# local\n")
    result = invoke("new", str(tmp_path / "p"), "--no-input", "--template", str(template))
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.strip()]
    assert notes == [
        f"note: the template {template} has no version tags; its last commit was used",
        f"note: the template {template} has uncommitted changes; they were used as they are",
    ]


# --- decisions, help and next steps ------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "decided"),
    [
        (
            ["--auth", "session"],
            "Decided by auth=session, which only Flask can meet (FastAPI leads",
        ),
        (["--deadline", "tight", "--endpoints", "10"], "Decided by the tie rule: both score 2"),
        (["--kind", "api", "--docs"], "Decided by the scores, 5 to 1: a margin of 4."),
    ],
)
def test_recommend_says_what_decided_and_the_margin(args: list[str], decided: str) -> None:
    result = invoke("recommend", "--no-input", *args)
    assert result.exit_code == 0, result.output
    assert decided in " ".join(result.stdout.split())
    assert "What would give" in result.stdout


def test_help_reads_like_a_polished_cli() -> None:
    for command in ("new", "recommend", "sync"):
        result = invoke(command, "--help", env={"COLUMNS": "80"})
        assert result.exit_code == 0
        assert "<bool>" not in result.stdout and "{" not in result.stdout
        assert "(default:" not in result.stdout
    help_text = invoke("new", "--help", env={"COLUMNS": "80"}).stdout
    assert "Usage: scaffold new [OPTIONS] DEST" in help_text
    assert "[default: scaffold's own]" in help_text and "[default: auto]" in help_text
    assert "[default: ml-service]" in invoke("recommend", "--help", env={"COLUMNS": "100"}).stdout
    assert "\\[" not in help_text
    words = set(re.findall(r"[\w-]+", help_text))
    assert "prototype" in words and "ml-service" in words  # never cut mid-word


def test_choices_are_case_insensitive() -> None:
    result = invoke("recommend", "--json", "--no-input", "--kind", "WEB", "--team", "Flask")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["framework"] == "flask"


def test_flask_next_steps_upgrade_the_database_before_running(tmp_path: Path) -> None:
    result = invoke(
        "new", str(tmp_path / "site"), "--no-input", "--kind", "web", "--data", "database=sqlite"
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("db upgrade") < out.index("\n  uv run pytest") < out.index("run --debug")


# --- store settings ----------------------------------------------------------------------


def test_a_relative_store_setting_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(STORE_ENV, "stores/scaffold")
    assert store_location() == str(tmp_path / "stores" / "scaffold")
    result = invoke("new", str(tmp_path / "p"), "--no-input")
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((tmp_path / "p" / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str(tmp_path / "stores" / "scaffold")
    assert sorted(os.listdir(tmp_path)) == ["home", "p", "stores"]


def test_xdg_data_home_moves_the_default_store(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(isolated_home / "data"))
    assert store_location() == "~/data/scaffold/template"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "elsewhere"))
    assert store_location() == str(tmp_path / "elsewhere" / "scaffold" / "template")
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert store_location() == DEFAULT_STORE
    monkeypatch.setenv("XDG_DATA_HOME", str(isolated_home / "data"))
    assert sync().location == "~/data/scaffold/template"
    assert (isolated_home / "data" / "scaffold" / "template" / ".git").is_dir()


def test_an_unwritable_home_names_the_store_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "file-home"
    home.write_text("not a folder")
    monkeypatch.setenv("HOME", str(home))
    line = one_error(invoke("new", str(tmp_path / "p"), "--no-input"), 7)
    assert "cannot write the template store" in line and STORE_ENV in line
