"""Plain-text reports: a recommendation explained, and what to do after ``new``."""

from __future__ import annotations

import shlex
import textwrap
from collections.abc import Sequence
from typing import Any

from scaffold.engine import FRAMEWORKS, TIE_BREAK, Recommendation
from scaffold.project import NewProject
from scaffold.requirements import FIELD_BY_NAME, Framework

__all__ = [
    "decision",
    "describe_flip",
    "describe_recommendation",
    "framework_line",
    "next_steps",
    "override_warning",
]

_TITLES = {"flask": "Flask", "fastapi": "FastAPI"}


def decision(recommendation: Recommendation) -> str:
    """Say what decided the pick (a required rule, the scores, or the tie rule) and the margin."""
    pick = recommendation.framework
    other: Framework = "fastapi" if pick == "flask" else "flask"
    mine, theirs = recommendation.scores[pick], recommendation.scores[other]
    if recommendation.decided_by == "requirement":
        required = next(rule for rule in recommendation.fired if rule.requires)
        if theirs > mine:
            score = f"{_TITLES[other]} leads the scores {theirs} to {mine}"
        else:
            score = f"{_TITLES[pick]} also leads the scores {mine} to {theirs}"
        return f"{required.trigger}, which only {_TITLES[pick]} can meet ({score})"
    if recommendation.decided_by == "tie":
        return (
            f"the tie rule: both score {mine}, and ties go to {_TITLES[TIE_BREAK]} "
            "(the easier start; see 'Pros of using Flask')"
        )
    return f"the scores, {mine} to {theirs}: a margin of {mine - theirs}"


def describe_flip(flip: dict[str, Any]) -> str:
    """Write one change as a user would say it: ``deadline=tight and html``."""
    parts = []
    for name, value in flip.items():
        if FIELD_BY_NAME[name].type is bool:
            parts.append(name if value else f"no {name}")
        else:
            parts.append(f"{name}={value}")
    return " and ".join(parts)


def framework_line(project: NewProject) -> str:
    """One line: the framework used and what decided it."""
    recommendation = project.recommendation
    chosen = _TITLES[project.framework]
    if project.framework != recommendation.framework:
        advised = _TITLES[recommendation.framework]
        why = decision(recommendation)
        return f"Framework: {chosen}, your choice (the rules recommend {advised}, decided by {why})"
    return f"Framework: {chosen}, decided by {decision(recommendation)}"


def describe_recommendation(
    recommendation: Recommendation, flips: Sequence[dict[str, Any]] = ()
) -> str:
    """Explain a recommendation: the pick, what decided it, every reason and the costs."""
    pick = recommendation.framework
    lines = [f"Recommended: {_TITLES[pick]}"]
    scores = ", ".join(f"{_TITLES[name]} {recommendation.scores[name]}" for name in FRAMEWORKS)
    lines.append(f"Scores: {scores}")
    lines.extend(_wrap(f"Decided by {decision(recommendation)}.", indent=0))
    lines.append("")
    if recommendation.fired:
        lines.append("Why:")
        for rule in recommendation.fired:
            weight = "required" if rule.requires else f"+{rule.weight}"
            lines.append(f"  {weight:>8} {_TITLES[rule.favors]:<8}{rule.trigger}")
            lines.extend(_wrap(f"{rule.why} [{rule.source}]", indent=19))
    else:
        lines.append("No rule fired: every requirement is at its neutral default.")
    lines.append("")
    lines.append(f"What {_TITLES[pick]} costs, and how the skeleton makes up for it:")
    for cost in recommendation.costs:
        lines.extend(_wrap(f"{cost.weakness} [{cost.source}]", indent=4, first="  - "))
        lines.extend(_wrap(cost.remedy, indent=4))
    if flips:
        other = "fastapi" if pick == "flask" else "flask"
        lines.append("")
        lines.append(f"What would give {_TITLES[other]} instead (the smallest changes):")
        for flip in flips:
            lines.extend(_wrap(describe_flip(flip), indent=4, first="  - "))
    return "\n".join(lines)


def _wrap(text: str, *, indent: int, first: str | None = None, width: int = 88) -> list[str]:
    lead = " " * indent
    return textwrap.wrap(text, width=width, initial_indent=first or lead, subsequent_indent=lead)


def override_warning(project: NewProject) -> str | None:
    """Return a one-line warning when the user forced the other framework."""
    if project.framework == project.recommendation.framework:
        return None
    chosen = _TITLES[project.framework]
    advised = _TITLES[project.recommendation.framework]
    rule = project.overridden_by
    reason = f"; strongest reason against: {rule.trigger} ({rule.why})" if rule else ""
    return f"warning: using {chosen} although the rules recommend {advised}{reason}"


def next_steps(project: NewProject) -> str:
    """Short, tailored instructions for a freshly rendered project."""
    answers = project.rendered.answers
    package = answers.get("package_name", "<package>")
    destination = project.rendered.destination
    steps = [
        f"cd {shlex.quote(str(destination))}",
        "uv sync  # .venv from uv.lock, with the dev tools",
    ]
    if answers.get("database", "none") != "none":
        if project.framework == "flask":
            steps.append(f"uv run flask --app {package} db upgrade")
        else:
            steps.append("uv run alembic upgrade head")
    steps.append("uv run pytest && uv run ruff check . && uv run mypy")
    if project.framework == "flask":
        steps.append(f"uv run flask --app {package} run --debug  # development server")
    else:
        dev_server = f"uv run uvicorn {package}.main:create_app --factory --reload"
        steps.append(f"{dev_server}  # development server")
    steps.append(f"uv run python -m {package}  # production server")
    if answers.get("docker"):
        steps.append(f"docker build -t {package.replace('_', '-')} .")
    steps.append('git init && git add -A && git commit -m "Start from scaffold"')
    lines = ["Next steps:", *(f"  {step}" for step in steps)]
    lines.append(
        "Later, to pull template improvements: scaffold update (preview: scaffold update --dry-run)"
    )
    return "\n".join(lines)
