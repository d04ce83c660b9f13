"""Build hook: ship the template's released versions inside the wheel (and the sdist).

``scaffold sync`` adds them to the local template store, so a project made
with an older scaffold can be updated on a machine that only installed a newer
one. The archives come from the release record, ``releases.toml`` (each release's
version and commit), and from ``v*`` tags the record does not list.

A build from a git clone archives them from its history; a shallow clone fails the
build with a message, since its wheel would silently lack a release. The sdist
carries the archives too, in ``template-history/``, because ``uv build`` and
``python -m build`` make the wheel from the sdist, where there is no git history;
a wheel built from an sdist ships the archives the sdist carries. A build from a
source tree with neither (an archive of a commit) ships none, and the store then
holds only the versions this machine has installed.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SDIST_HISTORY = "template-history"
"""Where the sdist keeps the release archives, relative to its root."""
WHEEL_HISTORY = "scaffold/_template/history"
"""Where the wheel keeps them (``scaffold.store.bundled_history`` reads them there)."""


class TemplateHistoryHook(BuildHookInterface):  # type: ignore[type-arg]
    """Adds ``v<version>.tar`` for every release to the wheel and to the sdist."""

    PLUGIN_NAME = "template-history"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Archive each release's template (or take the sdist's archives) and add them."""
        if version == "editable" or self.target_name not in ("wheel", "sdist"):
            return
        target = WHEEL_HISTORY if self.target_name == "wheel" else SDIST_HISTORY
        for archive in self._archives():
            build_data["force_include"][str(archive)] = f"{target}/{archive.name}"

    def _archives(self) -> list[Path]:
        root = Path(self.root)
        if not (root / ".git").exists():
            return sorted((root / SDIST_HISTORY).glob("v*.tar"))
        sys.path.insert(0, str(root / "src"))
        try:
            from scaffold.releases import release_archives
        finally:
            sys.path.pop(0)
        self._scratch = Path(tempfile.mkdtemp(prefix="scaffold-history-"))
        archives = []
        for release, archive in release_archives(root):
            path = self._scratch / f"v{release}.tar"
            path.write_bytes(archive)
            archives.append(path)
        return archives

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the scratch folder of archives."""
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
