"""The wheel carries the template and its history, and works installed on its own."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO_ROOT, git
from harness import Venv, tool_env
from lifecycle import clone_with_working_tree

from scaffold import __version__
from scaffold.releases import read_releases

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from a clone of this checkout, with what is on disk now on top."""
    root = tmp_path_factory.mktemp("wheel")
    # A clone carries the history the release record points into (and no tags).
    clone = clone_with_working_tree(root, "snapshot")
    out = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(clone)],
        check=True,
        env=tool_env(),
    )
    (built,) = out.glob("scaffold_mlweb-*.whl")
    return built


def test_wheel_ships_the_template_and_its_release_history(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "scaffold/_template/copier.yml" in names
    metadata = zipfile.ZipFile(wheel).read(f"scaffold_mlweb-{__version__}.dist-info/METADATA")
    assert b"\nName: scaffold-mlweb\n" in metadata
    assert "scaffold/py.typed" in names
    recorded = [release.version for release in read_releases(REPO_ROOT)]
    assert recorded
    for version in recorded:
        assert f"scaffold/_template/history/v{version}.tar" in names
    assert any(n.startswith("scaffold/_template/templates/common/") for n in names)
    assert not any("__pycache__" in n or ".ruff_cache" in n for n in names)


def test_installed_wheel_renders_a_project_that_records_the_home_store(
    wheel: Path, tmp_path: Path, isolated_home: Path
) -> None:
    venv = Venv.create(tmp_path / "venv")
    subprocess.run(
        [
            str(Path(sys.executable).with_name("uv")),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv.python),
            str(wheel),
        ],
        check=True,
        env=tool_env(),
    )
    result = venv.run(tmp_path, "scaffold", "new", "made-from-wheel", "--no-input")
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((tmp_path / "made-from-wheel" / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == "~/.local/share/scaffold/template"
    assert answers["_commit"] == f"v{__version__}"
    store = isolated_home / ".local/share/scaffold/template"
    tags = set(git(store, "tag", "--list").split())
    assert tags == {f"v{__version__}", *(f"v{r.version}" for r in read_releases(REPO_ROOT))}
