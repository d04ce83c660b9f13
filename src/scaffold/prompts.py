"""The interactive half of the CLI: one short question per missing requirement.

Questions go to stderr, so ``--json`` output on stdout stays clean.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import typer

from scaffold.errors import InvalidRequirementError
from scaffold.requirements import FIELDS, Field, Requirements

__all__ = ["ask_missing"]


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
                field.question, default=default, type=int, value_proc=_checked(field, int), err=True
            )
        else:
            question = f"{field.question} ({'/'.join(field.choices)})"
            answers[field.name] = typer.prompt(
                question, default=default, value_proc=_checked(field, str), err=True
            )
    return answers


def _checked(field: Field, convert: Callable[[str], Any]) -> Callable[[str], Any]:
    """Turn a typed answer into a value; a bad one asks the question again."""

    def check(text: str) -> Any:
        try:
            return field.check(convert(text))
        except (ValueError, InvalidRequirementError) as exc:
            raise typer.BadParameter(str(exc)) from None

    return check
