"""Plain-text reports: a recommendation explained, and what to do after ``new``."""

from __future__ import annotations

import textwrap

from scaffold.engine import FRAMEWORKS, TIE_BREAK, Recommendation
from scaffold.project import NewProject

__all__ = ["describe_recommendation", "next_steps", "override_warning"]

_TITLES = {"flask": "Flask", "fastapi": "FastAPI"}


def describe_recommendation(recommendation: Recommendation) -> str:
    """Explain a recommendation: the pick, the scores, every reason and the costs."""
    pick = recommendation.framework
    lines = [f"Recommended: {_TITLES[pick]}"]
    scores = ", ".join(f"{_TITLES[name]} {recommendation.scores[name]}" for name in FRAMEWORKS)
    lines.append(f"Scores: {scores}")
    if recommendation.decided_by == "tie":
        lines.append(
            f"The scores are equal, so the tie goes to {_TITLES[TIE_BREAK]} "
            "(the easier start; see 'Pros of using Flask')."
        )
    elif recommendation.decided_by == "requirement":
        required = next(rule for rule in recommendation.fired if rule.requires)
        lines.append(f"{required.trigger} decides it: only {_TITLES[pick]} can meet it.")
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
        f"cd {destination}",
        "python -m venv .venv && . .venv/bin/activate",
        "python -m pip install -e '.[dev]'",
        "pytest && ruff check . && mypy",
    ]
    if project.framework == "flask":
        steps.append(f"flask --app {package} run --debug  # development server")
    else:
        steps.append(f"uvicorn {package}.main:create_app --factory --reload  # development server")
    steps.append(f"python -m {package}  # production server")
    if answers.get("database", "none") != "none":
        if project.framework == "flask":
            steps.append(f"flask --app {package} db upgrade")
        else:
            steps.append("alembic upgrade head")
    if answers.get("docker"):
        steps.append(f"docker build -t {package.replace('_', '-')} .")
    steps.append('git init && git add -A && git commit -m "Start from scaffold"')
    lines = ["Next steps:", *(f"  {step}" for step in steps)]
    lines.append("Later, to pull template improvements: scaffold sync && copier update")
    return "\n".join(lines)
