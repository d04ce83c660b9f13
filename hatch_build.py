"""Build hook: ship the template's released versions inside the wheel.

``scaffold sync`` adds them to the local template store, so a project made
with an older scaffold can be updated on a machine that only installed a newer
one. The archives come from the release record, ``releases.toml`` (each release's
version and commit), and from ``v*`` tags the record does not list. A build
without git history (from an sdist) ships none, and the store then holds only the
versions this machine has installed; a shallow clone fails the build with a
message, since its wheel would silently lack a release.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class TemplateHistoryHook(BuildHookInterface):  # type: ignore[type-arg]
    """Adds ``scaffold/_template/history/v<version>.tar`` for every recorded release."""

    PLUGIN_NAME = "template-history"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Archive each release's template and add it to the wheel."""
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        if not (root / ".git").exists():
            return
        sys.path.insert(0, str(root / "src"))
        try:
            from scaffold.releases import release_archives
        finally:
            sys.path.pop(0)
        self._scratch = Path(tempfile.mkdtemp(prefix="scaffold-history-"))
        for release, archive in release_archives(root):
            target = self._scratch / f"v{release}.tar"
            target.write_bytes(archive)
            build_data["force_include"][str(target)] = f"scaffold/_template/history/{target.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the scratch folder of archives."""
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
