"""``scaffold new`` as a library call: recommend, then render the chosen skeleton."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold import store
from scaffold.engine import Recommendation, recommend
from scaffold.errors import IncompatibleAnswerError, InvalidAnswerError
from scaffold.render import Rendered, RenderRequest, is_remote, render
from scaffold.requirements import Framework, FrameworkChoice, Requirements
from scaffold.rules import Rule

__all__ = ["NewProject", "NewProjectOptions", "create_project"]

_RESERVED = {
    "framework": "use --framework to choose the framework",
    "requirements": "give requirements with their own flags or --requirements",
}


@dataclass(frozen=True, slots=True)
class NewProjectOptions:
    """How to render: the knobs of ``scaffold new`` beyond the requirements."""

    framework: FrameworkChoice = "auto"
    data: Mapping[str, str] = field(default_factory=dict)
    template: str | None = None
    """A copier source; None means scaffold's own template from the local store."""
    vcs_ref: str | None = None
    ask: bool = False
    force: bool = False
    pretend: bool = False


@dataclass(frozen=True, slots=True)
class NewProject:
    """The outcome of ``create_project``."""

    recommendation: Recommendation
    framework: Framework
    overridden_by: Rule | None
    """When the user forced the other framework: the strongest rule against it."""
    rendered: Rendered
    source: str
    vcs_ref: str | None


def create_project(
    destination: Path,
    requirements: Requirements,
    options: NewProjectOptions | None = None,
) -> NewProject:
    """Recommend a framework for ``requirements`` and render its skeleton.

    Args:
        destination: Folder to create; it must not exist or be empty unless
            ``options.force`` is set.
        requirements: What the user is building.
        options: Framework override, template answers and source.

    Returns:
        The recommendation, the framework used and the rendered project.

    Raises:
        ScaffoldError: Any of its subclasses, for bad input or a failed render.
    """
    options = options or NewProjectOptions()
    for key, hint in _RESERVED.items():
        if key in options.data:
            raise InvalidAnswerError(reason=f"--data {key}=... is not accepted: {hint}")

    recommendation = recommend(requirements)
    framework: Framework = (
        recommendation.framework if options.framework == "auto" else options.framework
    )
    overridden_by = None
    if framework != recommendation.framework:
        against = recommendation.reasons_against(framework)
        overridden_by = against[0] if against else None
        if overridden_by is not None and overridden_by.requires:
            raise IncompatibleAnswerError(
                reason=f"--framework {framework} cannot meet {overridden_by.trigger}: "
                f"{overridden_by.why}"
            )

    vcs_ref: str | None
    if options.template is None:
        stored = store.sync()
        source, vcs_ref = stored.location, options.vcs_ref or stored.tag
    else:
        source, vcs_ref = _absolute_if_local(options.template), options.vcs_ref

    data: dict[str, Any] = {
        "framework": framework,
        "requirements": requirements.to_mapping(),
        "auth": requirements.auth,
        **options.data,
    }
    rendered = render(
        RenderRequest(
            source=source,
            destination=destination,
            vcs_ref=vcs_ref,
            data=data,
            user_defaults=_user_defaults(destination),
            ask=options.ask,
            force=options.force,
            pretend=options.pretend,
        )
    )
    return NewProject(recommendation, framework, overridden_by, rendered, source, vcs_ref)


def _absolute_if_local(source: str) -> str:
    if is_remote(source) or source.startswith("~"):
        return source
    return str(Path(source).absolute())


def _user_defaults(destination: Path) -> dict[str, str]:
    """Defaults a person would type anyway: the folder name and their git identity."""
    defaults = {"project_name": destination.absolute().name}
    for key, setting in (("author_name", "user.name"), ("author_email", "user.email")):
        value = _git_config(setting)
        if value:
            defaults[key] = value
    return defaults


def _git_config(setting: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "config", "--get", setting], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return result.stdout.strip() or None
