"""The built wheel, installed alone, updates a project made by a recorded release.

The wheel is built the way CI builds it: ``uv build --wheel`` in a fresh clone of
this repository (its history holds every commit ``releases.toml`` records, and the
build hook, ``hatch_build.py``, archives each release's template into the wheel).
What is on disk now is committed on top of the clone, so the test sees uncommitted
work too (in CI the two are the same), and the version is set to the final release
this development version leads to (``0.2.0`` for ``0.2.0.dev0``), as cutting that
release does: ``scaffold check`` follows plain ``copier update`` and only counts
final releases as newer. The wheel goes into a fresh Python 3.11
virtual environment, and its ``scaffold`` command runs as a subprocess with a fresh
home folder and XDG folders and no ``SCAFFOLD_TEMPLATE_STORE``: no template store
exists until scaffold makes one, so every release it offers comes from the wheel.

For every recorded release and both frameworks: ``scaffold new --vcs-ref
v<release>`` makes a project at that release from the store, it is committed, and
``scaffold check`` reports an update (exit 10); ``scaffold update --no-input``
takes it to the wheel's version with no conflict (exit 0), and after the update is
committed ``scaffold check`` reports it up to date (exit 0).

Plain ``uv build`` (like ``python -m build``) makes the sdist and then the wheel from
the sdist, where there is no git history: the sdist carries the release archives
in ``template-history/``, and that wheel ships the same ones.
"""

from __future__ import annotations

import subprocess
import tarfile
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

import pytest
import yaml
from conftest import REPO_ROOT, git
from harness import INSTALL_TIMEOUT, Venv, interpreter, tool_env
from lifecycle import clone_with_working_tree, conflicts
from packaging.version import Version

from scaffold import __version__
from scaffold.errors import EXIT_UPDATE_AVAILABLE
from scaffold.lock import uv_binary
from scaffold.releases import read_releases
from scaffold.store import DEFAULT_STORE

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]

RELEASES = [release.version for release in read_releases(REPO_ROOT)]
#: The version the wheel is built as: the release this checkout leads to.
NEXT_RELEASE = Version(__version__).base_version


@dataclass(frozen=True)
class Installed:
    """The wheel and the virtual environment it is installed in."""

    wheel: Path
    version: str
    venv: Venv


def _uv() -> str:
    found = uv_binary()
    assert found, "uv is not installed (scaffold depends on it)"
    return found


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of this repository with what is on disk committed, cut as the next release."""
    clone = clone_with_working_tree(tmp_path_factory.mktemp("wheel-build"))
    # Cut the next release, as README's "Releasing" says: the final version number.
    version_file = clone / "src" / "scaffold" / "_version.py"
    text = version_file.read_text()
    assert f'__version__ = "{__version__}"' in text
    version_file.write_text(text.replace(__version__, NEXT_RELEASE))
    git(clone, "commit", "--quiet", "--all", "--allow-empty", "-m", f"release {NEXT_RELEASE}")
    return clone


def _run_uv(*args: str) -> None:
    done = subprocess.run(
        [_uv(), *args],
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _build(clone: Path, out: Path, *options: str) -> None:
    _run_uv("build", *options, "--quiet", "--out-dir", str(out), str(clone))


def _history(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {
            name.rsplit("/", 1)[1]: archive.read(name)
            for name in archive.namelist()
            if name.startswith("scaffold/_template/history/")
        }


@pytest.fixture(scope="module")
def installed(clone: Path) -> Installed:
    """``uv build --wheel`` in the clone, installed into a fresh Python 3.11 venv."""
    root = clone.parent
    out = root / "dist"
    _build(clone, out, "--wheel")
    (wheel,) = out.glob("scaffold_mlweb-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        version = Parser().parsestr(archive.read(metadata).decode())["Version"]
    venv = root / "venv"
    _run_uv("venv", "--quiet", "--python", str(interpreter("3.11")), str(venv))
    _run_uv("pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), str(wheel))
    return Installed(wheel, version, Venv(venv))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home folder where scaffold has never run."""
    home = tmp_path / "fresh-home"
    home.mkdir()
    return home


def scaffold(installed: Installed, home: Path, cwd: Path, *args: str) -> tuple[int, str]:
    """Run the installed ``scaffold`` command with only ``home`` to keep state in."""
    env = tool_env(
        {
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "NO_COLOR": "1",
        }
    )
    env.pop("SCAFFOLD_TEMPLATE_STORE", None)
    result = subprocess.run(
        [str(installed.venv.bin / "scaffold"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def _answers(project: Path) -> dict[str, object]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_the_wheel_carries_every_recorded_release(installed: Installed) -> None:
    assert RELEASES, "releases.toml records no release"
    with zipfile.ZipFile(installed.wheel) as archive:
        names = set(archive.namelist())
    missing = [v for v in RELEASES if f"scaffold/_template/history/v{v}.tar" not in names]
    assert not missing, f"the wheel lacks the template of release(s) {missing}"
    assert installed.version == NEXT_RELEASE
    assert installed.version not in RELEASES, "the next release is recorded already"


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
@pytest.mark.parametrize("release", RELEASES)
def test_a_release_project_updates_to_the_wheels_version_from_a_fresh_store(
    installed: Installed, home: Path, release: str, framework: str, tmp_path: Path
) -> None:
    store = Path(DEFAULT_STORE.replace("~", str(home), 1))
    assert not store.exists()
    project = tmp_path / "made-at-release"
    code, output = scaffold(
        installed,
        home,
        tmp_path,
        "new",
        project.name,
        "--framework",
        framework,
        "--vcs-ref",
        f"v{release}",
        "--no-input",
        "--no-lock",
    )
    assert code == 0, output
    answers = _answers(project)
    assert (answers["_src_path"], answers["_commit"]) == (DEFAULT_STORE, f"v{release}")
    assert answers["framework"] == framework
    git(project, "init", "--quiet")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "start")

    code, output = scaffold(installed, home, project, "check")
    assert code == EXIT_UPDATE_AVAILABLE, output
    assert f"recorded v{release}, newest v{installed.version}" in output

    code, output = scaffold(installed, home, project, "update", "--no-input")
    assert code == 0, output
    assert _answers(project)["_commit"] == f"v{installed.version}"
    assert not conflicts(project), conflicts(project)
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", f"update to v{installed.version}")

    code, output = scaffold(installed, home, project, "check")
    assert code == 0, output
    assert f"recorded v{installed.version}, no newer version" in output


def test_a_wheel_built_from_the_sdist_carries_the_same_releases(
    installed: Installed, clone: Path, tmp_path: Path
) -> None:
    """Plain ``uv build`` (and ``python -m build``) make the wheel from the sdist, without git."""
    out = tmp_path / "dist"
    _build(clone, out)
    (wheel,) = out.glob("scaffold_mlweb-*.whl")
    (sdist,) = out.glob("scaffold_mlweb-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    expected = {f"v{version}.tar" for version in RELEASES}
    carried = {name.rsplit("/", 1)[1] for name in names if "/template-history/" in name}
    assert carried == expected
    assert _history(wheel) == _history(installed.wheel)
    assert set(_history(wheel)) == expected
