"""scaffold: pick Flask or FastAPI by explained rules, then render an updatable project.

The public API is small: the requirements, the engine that weighs them, and
the call that renders a project. ``scaffold.cli`` is a thin layer over these.
"""

from __future__ import annotations

from scaffold._version import __version__
from scaffold.errors import ScaffoldError
from scaffold.project import NewProject, NewProjectOptions, create_project
from scaffold.recommend import Recommendation, recommend
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
