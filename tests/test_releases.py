"""The release record: releases.toml names each released version and its commit."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from conftest import REPO_ROOT, git, template_repo

from scaffold import __version__
from scaffold.errors import ReleaseRecordError
from scaffold.releases import RELEASES_FILE, Release, read_releases, release_archives


def test_release_0_1_0_is_recorded_as_the_commit_it_was_cut_from() -> None:
    releases = read_releases(REPO_ROOT)
    assert Release("0.1.0", "eadeba9877d07f4b181bac4724207df9dc4659b9") in releases


def test_this_checkout_is_not_a_recorded_release_version_unless_released() -> None:
    """A development build must never carry a released version number."""
    recorded = {release.version for release in read_releases(REPO_ROOT)}
    assert __version__ not in recorded or "dev" not in __version__
    assert __version__ != "0.1.0"


def test_recorded_release_archive_holds_that_commits_template() -> None:
    archives = dict(release_archives(REPO_ROOT))
    with tarfile.open(fileobj=io.BytesIO(archives["0.1.0"])) as tar:
        names = tar.getnames()
        copier_yml = tar.extractfile("copier.yml")
        assert copier_yml is not None
        released = copier_yml.read().decode()
    assert "templates/flask/pyproject.toml.jinja" in names
    assert released == git(REPO_ROOT, "show", "eadeba9:copier.yml") + "\n"


def test_tags_the_record_does_not_list_are_releases_too(tmp_path: Path) -> None:
    template = template_repo(tmp_path / "template")
    git(template, "tag", "v1.0.0")
    assert [version for version, _ in release_archives(template)] == ["1.0.0"]


def test_recorded_commit_missing_from_a_shallow_clone_is_a_clear_error(tmp_path: Path) -> None:
    template = template_repo(tmp_path / "template")
    (template / RELEASES_FILE).write_text(
        '[[release]]\nversion = "1.0.0"\ncommit = "' + "0" * 40 + '"\n'
    )
    with pytest.raises(ReleaseRecordError, match="not in this clone"):
        release_archives(template)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[[release]\n", "releases.toml"),
        ('[[release]]\nversion = "1.0"\ncommit = "' + "a" * 40 + '"\n', "version must be X.Y.Z"),
        ('[[release]]\nversion = "1.0.0"\ncommit = "eadeba9"\n', "full 40-digit"),
        (
            '[[release]]\nversion = "1.0.0"\ncommit = "' + "a" * 40 + '"\n'
            '[[release]]\nversion = "1.0.0"\ncommit = "' + "b" * 40 + '"\n',
            "recorded twice",
        ),
    ],
)
def test_malformed_record_is_refused_with_its_reason(
    tmp_path: Path, text: str, reason: str
) -> None:
    (tmp_path / RELEASES_FILE).write_text(text)
    with pytest.raises(ReleaseRecordError, match=reason):
        read_releases(tmp_path)


def test_no_record_means_no_releases(tmp_path: Path) -> None:
    assert read_releases(tmp_path) == []
