"""The README documents what the code does: every rule, every exit code, the CI command."""

from __future__ import annotations

import re

from conftest import REPO_ROOT

from scaffold import errors
from scaffold.rules import RULES

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_rule_with_its_weight_and_source() -> None:
    for rule in RULES:
        weight = "required" if rule.requires else str(rule.weight)
        row = f"| `{rule.name}` | `{rule.trigger}` |"
        line = next((ln for ln in README.splitlines() if ln.startswith(row.split(" |")[0])), None)
        assert line is not None, f"rule {rule.name} missing from README"
        assert f"| {weight} |" in line and rule.source in line, line


def test_readme_documents_every_exit_code() -> None:
    codes = {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", README, re.MULTILINE)}
    assert codes <= documented


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```\n(.*?)\n```", README, re.DOTALL)
    test_command = next(block for block in blocks if "pytest" in block and "pip install" in block)
    assert test_command.strip() in ci.splitlines()
