"""What would change the pick: the smallest changes to the requirements that flip it.

Computed from the rules, never written by hand: every change of up to
``MAX_CHANGES`` requirements is tried, smallest first, through the engine
itself; a change is listed when it gives the other framework and none of its
parts alone does (it is inclusion-minimal). At most ``MAX_LISTED`` are kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from itertools import combinations, product
from typing import Any

from scaffold.engine import recommend
from scaffold.errors import IncompatibleAnswerError
from scaffold.requirements import FIELDS, Field, Framework, Requirements
from scaffold.rules import RULES, Rule

__all__ = ["MAX_CHANGES", "MAX_LISTED", "Flip", "alternatives", "find_flips", "pick"]

MAX_CHANGES = 3
MAX_LISTED = 5
_INT_SCAN = range(1, 201)
"""Whole-number values tried; one stands for each set of rules they make fire."""

Flip = dict[str, Any]
"""Requirement names mapped to new values."""


def pick(requirements: Requirements, rules: Sequence[Rule] = RULES) -> Framework | None:
    """Return the framework the rules give, or None when hard constraints clash."""
    try:
        return recommend(requirements, rules).framework
    except IncompatibleAnswerError:
        return None


def alternatives(
    field: Field, requirements: Requirements, rules: Sequence[Rule] = RULES
) -> tuple[Any, ...]:
    """Return the values of ``field`` that differ from the current one in effect.

    Choices and booleans give every other value. A whole number gives, for each
    set of rules that some value makes fire, the value closest to the current
    one, leaving out values that fire the same rules as the current one.
    """
    current = getattr(requirements, field.name)
    if field.type is bool:
        return (not current,)
    if field.type is str:
        return tuple(choice for choice in field.choices if choice != current)

    def fired(value: int) -> tuple[bool, ...]:
        changed = _changed(requirements, {field.name: value})
        return tuple(rule.applies(changed) for rule in rules)

    seen = {fired(current)}
    chosen: list[int] = []
    for value in sorted(_INT_SCAN, key=lambda v: (abs(v - current), v)):
        signature = fired(value)
        if signature not in seen:
            seen.add(signature)
            chosen.append(value)
    return tuple(sorted(chosen))


def find_flips(
    requirements: Requirements,
    rules: Sequence[Rule] = RULES,
    *,
    max_changes: int = MAX_CHANGES,
    max_listed: int = MAX_LISTED,
) -> list[Flip]:
    """List the inclusion-minimal changes that give the other framework, smallest first.

    Args:
        requirements: The requirements as they are.
        rules: The rules to weigh.
        max_changes: The most requirements one change may touch.
        max_listed: The most changes returned.

    Returns:
        Mappings of requirement name to new value; applying one gives the other
        framework, and applying any part of it does not.
    """
    base = pick(requirements, rules)
    if base is None:
        return []
    options = [(field, alternatives(field, requirements, rules)) for field in FIELDS]
    options = [(field, values) for field, values in options if values]
    found: list[Flip] = []
    for size in range(1, max_changes + 1):
        for change in _changes(options, size):
            if any(_contains(change, smaller) for smaller in found):
                continue  # Not minimal: a part of it already flips.
            outcome = pick(_changed(requirements, change), rules)
            if outcome is not None and outcome != base:
                found.append(change)
                if len(found) >= max_listed:
                    return found
    return found


def _changed(requirements: Requirements, change: Flip) -> Requirements:
    """Return the requirements with ``change`` applied."""
    values: dict[str, Any] = dict(change)
    return replace(requirements, **values)


def _changes(options: list[tuple[Field, tuple[Any, ...]]], size: int) -> Iterator[Flip]:
    for chosen in combinations(options, size):
        names = [field.name for field, _ in chosen]
        for values in product(*(values for _, values in chosen)):
            yield dict(zip(names, values, strict=True))


def _contains(change: Flip, part: Flip) -> bool:
    return all(name in change and change[name] == value for name, value in part.items())
