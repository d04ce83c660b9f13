"""The project's decision record: why it uses its framework, written once by ``scaffold new``.

``docs/decisions/0001-framework.md`` states the requirements, every rule that
fired with its reason and the section of the founding document it rests on, the
scores, what the framework costs and how the skeleton makes up for it, and the
scaffold version and date. It is written after rendering and is no template file,
so ``copier update`` never rewrites it. Its front matter keeps the facts a later
``scaffold recommend`` compares with today's rules.

Inside a generated project (found from any subfolder by its ``.copier-answers.yml``)
``review_decision`` reads the stored requirements and says whether the stored
decision still holds.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scaffold._version import __version__
from scaffold.engine import FRAMEWORKS, Recommendation, recommend
from scaffold.errors import FileSystemError, RequirementsFileError
from scaffold.requirements import Framework, Requirements

__all__ = [
    "ANSWERS_FILE",
    "DECISION_FILE",
    "DecisionReview",
    "find_project",
    "read_answers",
    "render_decision",
    "review_decision",
    "write_decision",
]

ANSWERS_FILE = ".copier-answers.yml"
DECISION_FILE = Path("docs") / "decisions" / "0001-framework.md"
_TITLES = {"flask": "Flask", "fastapi": "FastAPI"}


def render_decision(
    recommendation: Recommendation,
    framework: Framework,
    requirements: Requirements,
    *,
    version: str = __version__,
    date: datetime.date | None = None,
) -> str:
    """Write the decision record as Markdown with YAML front matter.

    Args:
        recommendation: What the rules said.
        framework: The framework the project uses (the user may have overridden it).
        requirements: The requirements the rules weighed.
        version: The scaffold version that made the decision.
        date: The day of the decision; today when None.

    Returns:
        The record's text.
    """
    day = (date or datetime.date.today()).isoformat()
    front = {
        "framework": framework,
        "recommended": recommendation.framework,
        "decided_by": recommendation.decided_by,
        "scores": dict(recommendation.scores),
        "rules": [rule.name for rule in recommendation.fired],
        "scaffold_version": version,
        "date": day,
    }
    chosen, advised = _TITLES[framework], _TITLES[recommendation.framework]
    lines = [
        "---",
        yaml.safe_dump(front, sort_keys=False).rstrip(),
        "---",
        "",
        f"# 1. Use {chosen} as the web framework",
        "",
        f"Date: {day}. Made by scaffold {version}. Status: accepted.",
        "",
        "This record was written once, by `scaffold new`; template updates never change it.",
        "Run `scaffold recommend` in this project to see whether the decision still holds.",
        "",
        "## Requirements",
        "",
        "| requirement | value |",
        "|---|---|",
        *(f"| `{name}` | `{_show(value)}` |" for name, value in requirements.to_mapping().items()),
        "",
        "## Decision",
        "",
    ]
    if framework == recommendation.framework:
        lines.append(f"{chosen}, as the selection rules recommend ({_decided(recommendation)}).")
    else:
        lines.append(
            f"{chosen}, chosen by the user; the selection rules recommend {advised} "
            f"({_decided(recommendation)})."
        )
    lines += ["", "Scores: " + ", ".join(_score(recommendation, name) for name in FRAMEWORKS)]
    lines += ["", "## Rules that fired", ""]
    if recommendation.fired:
        lines += [
            "| rule | requirement | favours | weight | why | founding document section |",
            "|---|---|---|---|---|---|",
        ]
        for rule in recommendation.fired:
            weight = "required" if rule.requires else f"+{rule.weight}"
            lines.append(
                f"| `{rule.name}` | `{rule.trigger}` | {_TITLES[rule.favors]} | {weight} "
                f"| {_cell(rule.why)} | {_cell(rule.source)} |"
            )
    else:
        lines.append("None: every requirement is at its neutral default, so the tie rule chose.")
    lines += ["", f"## What {chosen} costs, and how the skeleton makes up for it", ""]
    for weakness, source, remedy in _costs_of(recommendation, framework):
        lines.append(f"- **{weakness}** {remedy} (Section: {source}.)")
    lines.append("")
    return "\n".join(lines)


def _costs_of(recommendation: Recommendation, framework: Framework) -> list[tuple[str, str, str]]:
    if framework == recommendation.framework:
        costs = recommendation.costs
    else:
        from scaffold.rules import COSTS

        costs = tuple(cost for cost in COSTS if cost.framework == framework)
    return [(cost.weakness, cost.source, cost.remedy) for cost in costs]


def _decided(recommendation: Recommendation) -> str:
    if recommendation.decided_by == "requirement":
        rule = next(rule for rule in recommendation.fired if rule.requires)
        return f"decided by {rule.trigger}, a requirement only it can meet"
    if recommendation.decided_by == "tie":
        return "decided by the tie rule: equal scores go to Flask"
    return "decided by the scores"


def _score(recommendation: Recommendation, name: Framework) -> str:
    return f"{_TITLES[name]} {recommendation.scores[name]}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def write_decision(
    project: Path,
    recommendation: Recommendation,
    framework: Framework,
    requirements: Requirements,
) -> Path:
    """Write the decision record into a freshly rendered project.

    Args:
        project: The project's root folder.
        recommendation: What the rules said.
        framework: The framework the project uses.
        requirements: The requirements the rules weighed.

    Returns:
        The path of the record.

    Raises:
        FileSystemError: The record cannot be written.
    """
    path = project / DECISION_FILE
    text = render_decision(recommendation, framework, requirements)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FileSystemError(
            path=path, action="write", reason=exc.strerror or type(exc).__name__
        ) from exc
    return path


def find_project(start: Path) -> Path | None:
    """Return the nearest folder at or above ``start`` holding ``.copier-answers.yml``."""
    here = start.absolute()
    for folder in (here, *here.parents):
        if (folder / ANSWERS_FILE).is_file():
            return folder
    return None


def read_answers(project: Path) -> dict[str, Any]:
    """Read a project's answers file.

    Raises:
        RequirementsFileError: The file is unreadable or not a mapping.
    """
    path = project / ANSWERS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RequirementsFileError(path=path, reason=type(exc).__name__) from exc
    if not isinstance(data, dict):
        raise RequirementsFileError(path=path, reason="expected a mapping of answers")
    return data


@dataclass(frozen=True, slots=True)
class DecisionReview:
    """A project's stored decision held against today's rules."""

    project: Path
    framework: Framework | None
    """The framework the project records in its answers file."""
    recorded: Mapping[str, Any] | None
    """The decision record's front matter, when the record exists."""
    recommendation: Recommendation
    """Today's rules applied to the stored requirements (and any given on top)."""

    @property
    def holds(self) -> bool:
        """Whether today's rules still pick the framework the project uses."""
        return self.framework == self.recommendation.framework

    @property
    def rules_added(self) -> tuple[str, ...]:
        """Rules that fire today but did not when the record was written."""
        before = set(self.recorded.get("rules", ())) if self.recorded else set()
        return tuple(r.name for r in self.recommendation.fired if r.name not in before)

    @property
    def rules_gone(self) -> tuple[str, ...]:
        """Rules the record names that no longer fire."""
        if not self.recorded:
            return ()
        now = {rule.name for rule in self.recommendation.fired}
        return tuple(name for name in self.recorded.get("rules", ()) if name not in now)

    def to_json(self) -> dict[str, Any]:
        """Return the review as the ``project`` object of ``recommend --json``."""
        return {
            "path": str(self.project),
            "answers": str(self.project / ANSWERS_FILE),
            "framework": self.framework,
            "record": str(self.project / DECISION_FILE) if self.recorded is not None else None,
            "holds": self.holds,
            "rules_added": list(self.rules_added),
            "rules_gone": list(self.rules_gone),
        }

    def describe(self) -> str:
        """Say what was read and whether the decision still holds, in a few lines."""
        lines = [f"Read the stored requirements from {self.project / ANSWERS_FILE}."]
        used = _TITLES.get(self.framework or "", "an unknown framework")
        today = _TITLES[self.recommendation.framework]
        if self.recorded is not None:
            made = f"{self.recorded.get('date')}, scaffold {self.recorded.get('scaffold_version')}"
            lines.append(f"Stored decision ({DECISION_FILE}, {made}): {used}.")
        else:
            lines.append(f"The project uses {used} (no decision record at {DECISION_FILE}).")
        then = self.recorded.get("recommended") if self.recorded else None
        if then in FRAMEWORKS and then != self.framework:
            lines.append(
                f"{used} was chosen against the rules, which recommended {_TITLES[then]} "
                f"then and recommend {today} now."
            )
        elif self.holds:
            lines.append(f"It still holds: today's rules recommend {today} for these requirements.")
        else:
            lines.append(
                f"It no longer holds: today's rules recommend {today} for these requirements."
            )
        if self.rules_added:
            lines.append("Rules that fire now and did not then: " + ", ".join(self.rules_added))
        if self.rules_gone:
            lines.append("Rules that fired then and no longer do: " + ", ".join(self.rules_gone))
        return "\n".join(lines)


def review_decision(project: Path, given: Mapping[str, Any] | None = None) -> DecisionReview:
    """Hold a project's stored decision against today's rules.

    Args:
        project: The project's root folder (see ``find_project``).
        given: Requirements to change on top of the stored ones.

    Returns:
        The review: the stored framework and record, and today's recommendation.

    Raises:
        RequirementsFileError: The answers file cannot be read.
        InvalidRequirementError: A stored or given requirement is not valid today.
    """
    answers = read_answers(project)
    stored = answers.get("requirements")
    requirements = Requirements.from_mapping({**(stored or {}), **(given or {})})
    framework = answers.get("framework")
    return DecisionReview(
        project=project,
        framework=framework if framework in FRAMEWORKS else None,
        recorded=_front_matter(project / DECISION_FILE),
        recommendation=recommend(requirements),
    )


def _front_matter(path: Path) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    head, sep, _ = text.removeprefix("---\n").partition("\n---\n")
    if not text.startswith("---\n") or not sep:
        return {}
    try:
        data = yaml.safe_load(head)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}
