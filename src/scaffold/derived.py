"""Answers computed from other answers: on an update they follow the answers they come from.

copier records every answer, computed defaults included, and an update keeps
them: after ``scaffold update --data ml=none`` the description would still say
"A machine-learning web service", while ``scaffold new --data ml=none`` writes
"A data web service". An answer that still equals the default computed from
the recorded answers was left to the template, so it is computed again from the
changed ones; an answer the user wrote differently is theirs and stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from scaffold.answers import Question

__all__ = ["NEVER_FOLLOWED", "followed_defaults"]

NEVER_FOLLOWED = frozenset({"package_name"})
"""Answers that stay as recorded even when computed: renaming the import package of a
project that has code in it is a move its user makes on purpose (``--data package_name=``)."""

_FILTERS = "jinja2_ansible_filters.AnsibleCoreFiltersExtension"
"""The filters copier gives every template (``regex_replace`` and the like)."""


def followed_defaults(
    questions: Mapping[str, Question], recorded: Mapping[str, Any], changed: Mapping[str, Any]
) -> dict[str, str]:
    """Return the new value of each text answer left at a default the change recomputes.

    Args:
        questions: The template's questions, in ``copier.yml`` order.
        recorded: The answers file's answers.
        changed: The answers being changed (``--data``), already checked.

    Returns:
        Answers to change as well: those whose recorded value equals their default
        computed from ``recorded`` and whose default computed from the changed
        answers differs. A default that cannot be computed outside copier (it
        names something other than answers) is left alone, and so are the
        answers in ``NEVER_FOLLOWED``.
    """
    if not changed:
        return {}
    environment = _environment()
    before = {name: value for name, value in recorded.items() if not name.startswith("_")}
    after = {**before, **changed}
    followed: dict[str, str] = {}
    for name, question in questions.items():
        template = question.default
        if name in changed or name in NEVER_FOLLOWED or question.type != "str":
            continue
        if not isinstance(template, str):
            continue
        if "{" not in template or not isinstance(before.get(name), str):
            continue
        try:
            old = environment.from_string(template).render(before)
            new = environment.from_string(template).render(after)
        except (TemplateError, TypeError, ValueError):
            continue
        if before[name] == old and new != old:
            followed[name] = after[name] = new
    return followed


def _environment() -> SandboxedEnvironment:
    try:
        return SandboxedEnvironment(undefined=StrictUndefined, extensions=[_FILTERS])
    except ImportError:  # copier without its usual filters: plain Jinja still does most
        return SandboxedEnvironment(undefined=StrictUndefined)
