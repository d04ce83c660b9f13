"""The local template store: tags per version, the same commit everywhere, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO_ROOT, git, template_copy

from scaffold import __version__
from scaffold.errors import EXIT_SYSTEM, FileSystemError
from scaffold.releases import read_releases
from scaffold.store import DEFAULT_STORE, STORE_ENV, bundled_template, store_location, sync


def test_default_location_is_written_with_a_tilde(monkeypatch: pytest.MonkeyPatch) -> None:
    assert store_location() == DEFAULT_STORE == "~/.local/share/scaffold/template"
    monkeypatch.setenv(STORE_ENV, "/srv/templates/scaffold")
    assert store_location() == "/srv/templates/scaffold"


def test_bundled_template_is_this_checkout_in_development() -> None:
    assert bundled_template() == REPO_ROOT


def test_sync_tags_this_version_under_home_and_is_idempotent(isolated_home: Path) -> None:
    first = sync()
    assert (first.location, first.tag, first.added) == (DEFAULT_STORE, f"v{__version__}", True)
    store = isolated_home / ".local/share/scaffold/template"
    # This version, and every release in releases.toml (archived from its commit).
    recorded = {f"v{release.version}" for release in read_releases(REPO_ROOT)}
    assert "v0.1.0" in recorded
    assert set(git(store, "tag", "--list").split()) == {f"v{__version__}", *recorded}
    files = git(store, "ls-tree", "-r", "--name-only", first.tag).splitlines()
    assert "copier.yml" in files
    assert any(name.startswith("templates/fastapi/") for name in files)
    assert any(name.startswith("templates/flask/") for name in files)
    assert not any("__pycache__" in name for name in files)
    second = sync()
    assert second.added is False and second.tag == first.tag


def test_same_template_gives_the_same_commit_on_every_machine(tmp_path: Path) -> None:
    one = sync(str(tmp_path / "machine-a"))
    two = sync(str(tmp_path / "machine-b"))
    assert git(tmp_path / "machine-a", "rev-parse", one.tag) == git(
        tmp_path / "machine-b", "rev-parse", two.tag
    )


def test_new_version_adds_a_tag_beside_the_old_one(tmp_path: Path) -> None:
    template = template_copy(tmp_path / "template")
    store = str(tmp_path / "store")
    sync(store, version="1.0.0", template=template)
    (template / "templates" / "common" / "NEW.txt").write_text("new in 1.1\n")
    added = sync(store, version="1.1.0", template=template)
    assert added.tag == "v1.1.0" and added.added
    assert sorted(git(tmp_path / "store", "tag", "--list").splitlines()) == ["v1.0.0", "v1.1.0"]
    # The work tree shows the newest version.
    assert (tmp_path / "store" / "templates" / "common" / "NEW.txt").is_file()


def test_changed_files_under_a_released_version_get_a_build_tag(tmp_path: Path) -> None:
    template = template_copy(tmp_path / "template")
    store = str(tmp_path / "store")
    released = sync(store, version="2.0.0", template=template)
    (template / "copier.yml").write_text((template / "copier.yml").read_text() + "\n# edited\n")
    dev = sync(store, version="2.0.0", template=template)
    assert released.tag == "v2.0.0"
    assert dev.tag.startswith("v2.0.0+") and dev.added
    assert sync(store, version="2.0.0", template=template).tag == dev.tag


def test_unwritable_store_names_the_path_and_the_setting_that_moves_it(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(FileSystemError, match="cannot write the template store") as raised:
        sync(str(blocker / "store"))
    assert "SCAFFOLD_TEMPLATE_STORE" in str(raised.value)
    assert raised.value.exit_code == EXIT_SYSTEM
