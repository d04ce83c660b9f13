"""The selection engine: requirements in, a framework and its reasons out.

Pure and deterministic. Every rule in ``scaffold.rules.RULES`` that applies adds
its weight to the framework it favours; the higher total wins. Two things
override the totals, in this order:

1. A rule marked ``requires`` (a hard constraint) decides the framework.
2. On equal totals, Flask wins: the founding document calls it the easier
   start and a small app can grow with it ("Pros of using Flask",
   "Conclusion").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from scaffold.errors import IncompatibleAnswerError
from scaffold.requirements import Framework, Requirements
from scaffold.rules import COSTS, RULES, Cost, Rule

__all__ = ["FRAMEWORKS", "TIE_BREAK", "Recommendation", "recommend"]

FRAMEWORKS: tuple[Framework, ...] = ("flask", "fastapi")
TIE_BREAK: Framework = "flask"

Decision = Literal["score", "tie", "requirement"]


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The chosen framework, how it was chosen, and what the choice costs."""

    framework: Framework
    scores: dict[Framework, int]
    fired: tuple[Rule, ...]
    decided_by: Decision
    costs: tuple[Cost, ...]

    def reasons_against(self, framework: Framework) -> tuple[Rule, ...]:
        """Return the fired rules favouring the other framework, strongest first."""
        against = [rule for rule in self.fired if rule.favors != framework]
        return tuple(sorted(against, key=lambda rule: (not rule.requires, -rule.weight)))

    def to_json(self) -> dict[str, Any]:
        """Return the recommendation as the JSON object ``recommend --json`` prints."""
        return {
            "framework": self.framework,
            "scores": dict(self.scores),
            "decided_by": self.decided_by,
            "margin": abs(self.scores["flask"] - self.scores["fastapi"]),
            "reasons": [
                {
                    "rule": rule.name,
                    "trigger": rule.trigger,
                    "favors": rule.favors,
                    "weight": rule.weight,
                    "required": rule.requires,
                    "why": rule.why,
                    "source": rule.source,
                }
                for rule in self.fired
            ],
            "costs": [
                {"weakness": cost.weakness, "remedy": cost.remedy, "source": cost.source}
                for cost in self.costs
            ],
        }


def recommend(requirements: Requirements, rules: Sequence[Rule] = RULES) -> Recommendation:
    """Pick Flask or FastAPI for the given requirements.

    Args:
        requirements: What the user is building.
        rules: The rules to weigh; the default is scaffold's own.

    Returns:
        The recommendation, with every rule that fired.

    Raises:
        IncompatibleAnswerError: Two hard constraints demand different frameworks.
    """
    fired = tuple(rule for rule in rules if rule.applies(requirements))
    scores: dict[Framework, int] = {name: 0 for name in FRAMEWORKS}
    for rule in fired:
        scores[rule.favors] += rule.weight

    required = {rule.favors for rule in fired if rule.requires}
    decided_by: Decision
    if len(required) > 1:
        names = ", ".join(rule.trigger for rule in fired if rule.requires)
        raise IncompatibleAnswerError(reason=f"requirements {names} need different frameworks")
    if required:
        (framework,) = required
        decided_by = "requirement"
    elif scores["fastapi"] == scores["flask"]:
        framework, decided_by = TIE_BREAK, "tie"
    else:
        framework = max(FRAMEWORKS, key=lambda name: scores[name])
        decided_by = "score"
    costs = tuple(cost for cost in COSTS if cost.framework == framework)
    return Recommendation(framework, scores, fired, decided_by, costs)
