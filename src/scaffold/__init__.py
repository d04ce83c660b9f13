"""scaffold: pick Flask or FastAPI by explained rules, then render an updatable project.

The public API is small: the requirements, the engine that weighs them, and
the call that renders a project. ``scaffold.cli`` is a thin layer over these.
Names load on first use, so ``scaffold --help`` pays only for what it needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from scaffold._version import __version__

if TYPE_CHECKING:
    from scaffold.engine import Recommendation, recommend
    from scaffold.errors import ScaffoldError
    from scaffold.project import NewProject, NewProjectOptions, create_project
    from scaffold.requirements import Requirements
    from scaffold.rules import RULES, Rule
    from scaffold.store import sync

__all__ = [
    "RULES",
    "NewProject",
    "NewProjectOptions",
    "Recommendation",
    "Requirements",
    "Rule",
    "ScaffoldError",
    "__version__",
    "create_project",
    "recommend",
    "sync",
]

_HOMES = {
    "ScaffoldError": "scaffold.errors",
    "NewProject": "scaffold.project",
    "NewProjectOptions": "scaffold.project",
    "create_project": "scaffold.project",
    "Recommendation": "scaffold.engine",
    "recommend": "scaffold.engine",
    "Requirements": "scaffold.requirements",
    "RULES": "scaffold.rules",
    "Rule": "scaffold.rules",
    "sync": "scaffold.store",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'scaffold' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


def __dir__() -> list[str]:
    return sorted(__all__)
