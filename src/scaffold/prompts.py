"""The interactive half of the CLI: one short question per missing requirement.

Questions go to stderr, so ``--json`` output on stdout stays clean.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import typer

from scaffold.engine import Recommendation
from scaffold.errors import InvalidRequirementError
from scaffold.requirements import FIELDS, Field, Framework, Requirements

__all__ = ["ask_framework", "ask_missing"]

_TITLES = {"flask": "Flask", "fastapi": "FastAPI"}


def ask_missing(answered: Mapping[str, Any], base: Requirements) -> dict[str, Any]:
    """Ask for every requirement not yet answered, showing ``base``'s value as default.

    Args:
        answered: Requirements already given by flags or a file.
        base: Supplies each question's default.

    Returns:
        ``answered`` plus one answer per question asked.

    Raises:
        typer.Abort: The user pressed Ctrl-C or closed the input.
    """
    answers = dict(answered)
    for field in FIELDS:
        if field.name in answers:
            continue
        default = getattr(base, field.name)
        if field.type is bool:
            answers[field.name] = typer.confirm(field.question, default=default, err=True)
        elif field.type is int:
            answers[field.name] = typer.prompt(
                field.question, default=default, value_proc=_checked(field, _whole), err=True
            )
        else:
            question = f"{field.question} ({'/'.join(field.choices)})"
            answers[field.name] = typer.prompt(
                question, default=default, value_proc=_checked(field, _lower), err=True
            )
    return answers


def ask_framework(recommendation: Recommendation) -> Framework:
    """Ask to accept the recommended framework or pick the other one.

    A framework that a required rule rules out is refused and asked again.

    Raises:
        typer.Abort: The user pressed Ctrl-C or closed the input.
    """
    pick = recommendation.framework
    other: Framework = "fastapi" if pick == "flask" else "flask"
    blocking = [rule for rule in recommendation.reasons_against(other) if rule.requires]

    def choose(text: str) -> Framework:
        answer = text.strip().lower()
        if answer in ("", "y", "yes", pick):
            return pick
        if answer == other:
            if blocking:
                raise typer.BadParameter(
                    f"{_TITLES[other]} cannot meet {blocking[0].trigger}: {blocking[0].why}"
                )
            return other
        raise typer.BadParameter(f"answer {pick} (or press Enter) or {other}")

    chosen: Framework = typer.prompt(
        f"Use {_TITLES[pick]}? Press Enter to accept, or type {other} ({pick}/{other})",
        default=pick,
        show_default=False,
        value_proc=choose,
        err=True,
    )
    return chosen


def _whole(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a whole number") from None


def _lower(text: str) -> str:
    return text.strip().lower()


def _checked(field: Field, convert: Callable[[str], Any]) -> Callable[[str], Any]:
    """Turn a typed answer into a value; a bad one asks the question again."""

    def check(text: str) -> Any:
        try:
            return field.check(convert(text))
        except InvalidRequirementError as exc:
            raise typer.BadParameter(str(exc)) from None
        except ValueError as exc:
            raise typer.BadParameter(
                f"{field.name}: {exc}; expected a whole number of at least 1"
            ) from None

    return check
