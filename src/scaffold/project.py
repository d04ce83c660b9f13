"""``scaffold new`` as a library call: recommend, then render the chosen skeleton."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scaffold import store
from scaffold.answers import package_name_for
from scaffold.engine import Recommendation, recommend
from scaffold.errors import IncompatibleAnswerError, InvalidAnswerError, InvalidRequirementError
from scaffold.render import Rendered, RenderRequest, is_remote, render
from scaffold.requirements import FIELD_BY_NAME, Framework, FrameworkChoice, Requirements
from scaffold.rules import Rule

__all__ = ["NewProject", "NewProjectOptions", "create_project"]

_RESERVED = {
    "framework": "use --framework to choose the framework",
    "requirements": "give requirements with their own flags or --requirements",
}
_REQUIREMENT_ANSWERS = ("auth",)
"""Template questions that are also requirements: ``--data`` for them feeds the rules."""


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
    lock: bool = True
    """Run ``uv lock`` in the new project (its outcome is in ``rendered.lock``)."""


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
    requirements, template_data = _requirements_from_data(requirements, options.data)

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
        stored = store.lookup() if options.pretend else store.sync()
        if stored is None:  # Pretending before the first sync: the bundled folder.
            bundled = store.bundled_template()
            checkout = (bundled / ".git").exists()  # Its work tree, not its newest tag.
            source, vcs_ref = str(bundled), options.vcs_ref or ("HEAD" if checkout else None)
        else:
            source, vcs_ref = stored.location, options.vcs_ref or stored.tag
    else:
        source, vcs_ref = _absolute_if_local(options.template), options.vcs_ref

    data: dict[str, Any] = {
        "framework": framework,
        "requirements": requirements.to_mapping(),
        "auth": requirements.auth,
        **template_data,
    }
    user_defaults = _user_defaults(destination)
    if not options.ask:
        _derive_package_name(data, user_defaults)
    rendered = render(
        RenderRequest(
            source=source,
            destination=destination,
            vcs_ref=vcs_ref,
            data=data,
            user_defaults=user_defaults,
            ask=options.ask,
            force=options.force,
            pretend=options.pretend,
            lock=options.lock,
        )
    )
    if not rendered.pretend:
        from scaffold.decision import write_decision

        write_decision(rendered.destination, recommendation, framework, requirements)
    return NewProject(recommendation, framework, overridden_by, rendered, source, vcs_ref)


def _requirements_from_data(
    requirements: Requirements, data: Mapping[str, str]
) -> tuple[Requirements, dict[str, str]]:
    """Move ``--data`` answers that are requirements (auth) into the requirements."""
    rest = dict(data)
    for name in _REQUIREMENT_ANSWERS:
        if name not in rest:
            continue
        raw = rest.pop(name)
        field_ = FIELD_BY_NAME[name]
        try:
            value = field_.check(raw.strip().lower())
        except InvalidRequirementError:
            raise InvalidAnswerError(
                reason=f"--data {name}={raw}: expected one of {', '.join(field_.choices)} "
                f"(--{name} says the same)"
            ) from None
        current = getattr(requirements, name)
        if current not in (field_.default, value):
            raise IncompatibleAnswerError(
                reason=f"--data {name}={value} disagrees with --{name} {current}; "
                f"give it once, with --{name}"
            )
        requirements = replace(requirements, **{name: value})
    return requirements, rest


def _derive_package_name(data: dict[str, Any], user_defaults: dict[str, str]) -> None:
    """Default ``package_name`` from the project name, or say how to give one."""
    if "package_name" in data:
        return
    project_name = str(data.get("project_name") or user_defaults["project_name"])
    package = package_name_for(project_name)
    if not package.isidentifier():
        example = package_name_for(f"app {project_name}") or "my_app"
        raise InvalidAnswerError(
            reason=f"the project name {project_name!r} gives no valid Python package name "
            f"({package!r}); pass one with --data package_name=NAME "
            f"(for example --data package_name={example})"
        )
    user_defaults["package_name"] = package


def _absolute_if_local(source: str) -> str:
    if is_remote(source) or source.startswith("~"):
        return source
    return str(Path(source).absolute())


def _user_defaults(destination: Path) -> dict[str, str]:
    """Defaults a person would type anyway: the folder name and their git identity."""
    defaults = {"project_name": os.path.basename(os.path.abspath(destination))}
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
