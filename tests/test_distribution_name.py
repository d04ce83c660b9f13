"""scaffold installs under a distribution name nobody else owns; every install line says so.

``scaffold`` on PyPI is an unrelated project, so ``pip install scaffold`` would run
someone else's code. The distribution is ``scaffold-mlweb``; the command and the
import package stay ``scaffold``. Code that asks ``importlib.metadata`` for the
version must ask for the distribution, not the import package.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest
from conftest import REPO_ROOT

import scaffold

DISTRIBUTION = "scaffold-mlweb"

# An install command (pip, uv pip, uv tool, pipx) whose package is plain "scaffold".
_INSTALLS_PLAIN_NAME = re.compile(
    r"(?:pip|pipx|uv tool|uv pip)\s+install\s+(?:-\S+\s+)*scaffold(?![-\w.\[/])"
)


def test_pyproject_names_the_free_distribution() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == DISTRIBUTION
    assert project["scripts"] == {"scaffold": "scaffold.cli:main"}
    # The dev extra pulls in the test extra through the distribution's own name.
    assert f"{DISTRIBUTION}[test]" in project["optional-dependencies"]["dev"]


def test_installed_metadata_maps_the_import_package_to_the_distribution() -> None:
    assert importlib.metadata.version(DISTRIBUTION) == scaffold.__version__
    assert importlib.metadata.packages_distributions()["scaffold"] == [DISTRIBUTION]
    scripts = importlib.metadata.distribution(DISTRIBUTION).entry_points.select(
        group="console_scripts"
    )
    assert [(ep.name, ep.value) for ep in scripts] == [("scaffold", "scaffold.cli:main")]


def _instruction_files() -> list[Path]:
    files = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "src" / "scaffold").rglob("*.py"))]
    files += sorted((REPO_ROOT / "templates").rglob("*.md*"))
    files += [p for p in (REPO_ROOT / "CONTRIBUTING.md",) if p.is_file()]
    return files


@pytest.mark.parametrize("path", _instruction_files(), ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_install_instruction_names_the_other_project(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    bad = [
        line.strip()
        for line in text.splitlines()
        if _INSTALLS_PLAIN_NAME.search(line) and "Do not" not in line
    ]
    assert bad == []
    assert "pypi.org/project/scaffold/" not in text


def test_the_pattern_catches_the_old_instruction() -> None:
    assert _INSTALLS_PLAIN_NAME.search("pip install -U scaffold     # newer")
    assert _INSTALLS_PLAIN_NAME.search("uv tool install scaffold")
    assert not _INSTALLS_PLAIN_NAME.search("pip install -U scaffold-mlweb")
    assert not _INSTALLS_PLAIN_NAME.search("pip install -e '.[dev]'")


def test_generated_readme_tells_how_to_install_scaffold() -> None:
    update = (REPO_ROOT / "templates" / "common" / "readme-update.md.jinja").read_text()
    assert f"pip install -U {DISTRIBUTION}" in update
