"""The ``scaffold`` command line: maps options to one library call and prints the result.

Errors are translated in one place, ``_ScaffoldGroup.main``: a ``ScaffoldError``
or a usage error becomes one line on stderr and its documented exit code.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, Optional, get_type_hints

import typer
from typer.core import TyperGroup

from scaffold._version import __version__
from scaffold.engine import recommend as run_rules
from scaffold.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, ScaffoldError
from scaffold.requirements import (
    FIELDS,
    Field,
    FrameworkChoice,
    Requirements,
    load_requirements_file,
)

__all__ = ["app", "main"]

_ANSWERS_FILE = ".copier-answers.yml"


class _ScaffoldGroup(TyperGroup):
    """Runs the app and turns every expected failure into one line and an exit code."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name or "scaffold", complete_var, False, **extra)
        except ScaffoldError as exc:
            _fail(str(exc), exc.exit_code)
        except typer.TyperException as exc:
            # Usage errors (bad option values, unknown options) carry exit code 2.
            _fail(exc.format_message(), exc.exit_code)
        except (typer.Abort, KeyboardInterrupt, EOFError):
            _interrupted()
        except Exception as exc:  # noqa: BLE001 - the last line of defence.
            if os.environ.get("SCAFFOLD_DEBUG"):
                traceback.print_exc()
            hint = "SCAFFOLD_DEBUG=1 shows the traceback"
            _fail(f"internal error: {type(exc).__name__}: {exc} ({hint})", EXIT_INTERNAL)
        if result == EXIT_INTERRUPTED:
            # typer turns Ctrl-C (KeyboardInterrupt) into a silent exit 130.
            _interrupted()
        sys.exit(result if isinstance(result, int) else 0)


def _interrupted() -> NoReturn:
    typer.echo(err=True)  # End the line a prompt may have left open.
    _fail("interrupted; nothing was written", EXIT_INTERRUPTED)


def _fail(message: str, code: int) -> NoReturn:
    first = message.strip().splitlines()[0] if message.strip() else "failed"
    typer.echo(f"scaffold: error: {first}", err=True)
    sys.exit(code)


app = typer.Typer(
    cls=_ScaffoldGroup,
    name="scaffold",
    help="Pick Flask or FastAPI by explained rules and render an updatable project.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scaffold {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Pick Flask or FastAPI by explained rules and render an updatable project."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


# --- requirement options: declared once, from the FIELDS table --------------------------


def _option_type(field: Field) -> Any:
    panel = "Requirements"
    help_text = f"{field.question} (default: {_show(field.default)})"
    if field.type is bool:
        option = typer.Option(
            f"--{field.name}/--no-{field.name}",
            help=help_text,
            show_default=False,
            rich_help_panel=panel,
        )
        return Annotated[Optional[bool], option]  # noqa: UP045 - typer needs Optional.
    if field.type is int:
        option = typer.Option(
            f"--{field.name}", min=1, help=help_text, show_default=False, rich_help_panel=panel
        )
        return Annotated[Optional[int], option]  # noqa: UP045
    option = typer.Option(
        f"--{field.name}", help=help_text, show_default=False, rich_help_panel=panel
    )
    choices = Literal.__getitem__(field.choices)
    return Annotated[Optional[choices], option]  # noqa: UP045


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def with_requirement_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add one option per requirement to ``command``; it receives them as ``given``.

    ``given`` holds only the requirements the user set on the command line.
    """
    hints = get_type_hints(command, include_extras=True)
    own = [
        parameter.replace(annotation=hints[name])
        for name, parameter in inspect.signature(command).parameters.items()
        if name != "given"
    ]
    added = [
        inspect.Parameter(
            field.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=_option_type(field)
        )
        for field in FIELDS
    ]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> None:
        values = {field.name: kwargs.pop(field.name) for field in FIELDS}
        given = {name: value for name, value in values.items() if value is not None}
        command(**kwargs, given=given)

    parameters = [*own, *added]
    wrapper.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper


def _gather(
    given: dict[str, Any], requirements_file: Path | None, no_input: bool, *, in_project: bool
) -> Requirements:
    """Combine file, flags and answers to questions into validated requirements."""
    base: dict[str, Any] = {}
    if requirements_file is not None:
        base = load_requirements_file(requirements_file)
    elif in_project and Path(_ANSWERS_FILE).is_file():
        base = load_requirements_file(Path(_ANSWERS_FILE))
    merged = {**base, **given}
    requirements = Requirements.from_mapping(merged)
    if _interactive(no_input):
        from scaffold.prompts import ask_missing

        requirements = Requirements.from_mapping(ask_missing(merged, Requirements()))
    return requirements


def _interactive(no_input: bool) -> bool:
    return not no_input and sys.stdin.isatty()


RequirementsFile = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--requirements",
        help="YAML or TOML file of requirements (the flags win over it).",
        dir_okay=False,
    ),
]
NoInput = Annotated[
    bool, typer.Option("--no-input", help="Ask nothing; use defaults for what is not given.")
]


@app.command("recommend")
@with_requirement_options
def recommend_command(
    requirements_file: RequirementsFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    no_input: NoInput = False,
    *,
    given: dict[str, Any],
) -> None:
    """Recommend Flask or FastAPI for your requirements, and say why.

    Inside a generated project, the requirements stored in its
    .copier-answers.yml are the starting point.
    """
    requirements = _gather(given, requirements_file, no_input, in_project=True)
    recommendation = run_rules(requirements)
    if as_json:
        typer.echo(json.dumps(recommendation.to_json(), indent=2))
    else:
        from scaffold.report import describe_recommendation

        typer.echo(describe_recommendation(recommendation))


@app.command("new")
@with_requirement_options
def new_command(
    destination: Annotated[Path, typer.Argument(help="Folder to create.", show_default=False)],
    framework: Annotated[
        FrameworkChoice,
        typer.Option(help="Use the recommendation (auto) or force a framework."),
    ] = "auto",
    data: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--data", "-d", metavar="KEY=VALUE", help="Answer a template question."),
    ] = None,
    no_input: NoInput = False,
    template: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Copier template source (path or git URL); default: scaffold's own."),
    ] = None,
    vcs_ref: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--vcs-ref", help="Git tag or commit of the template to use."),
    ] = None,
    pretend: Annotated[
        bool, typer.Option("--pretend", help="Show what would be written; write nothing.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Render into a folder that already holds files.")
    ] = False,
    requirements_file: RequirementsFile = None,
    *,
    given: dict[str, Any],
) -> None:
    """Ask, recommend, and render the chosen skeleton into DESTINATION."""
    from scaffold.project import NewProjectOptions, create_project
    from scaffold.report import next_steps, override_warning

    requirements = _gather(given, requirements_file, no_input, in_project=False)
    options = NewProjectOptions(
        framework=framework,
        data=_parse_data(data or []),
        template=template,
        vcs_ref=vcs_ref,
        ask=_interactive(no_input),
        force=force,
        pretend=pretend,
    )
    project = create_project(destination, requirements, options)
    warning = override_warning(project)
    if warning:
        typer.echo(warning, err=True)
    rendered = project.rendered
    scores = ", ".join(f"{name} {score}" for name, score in project.recommendation.scores.items())
    typer.echo(f"Framework: {project.framework} (scores: {scores})")
    if rendered.pretend:
        typer.echo(f"Would write {len(rendered.files)} files into {rendered.destination}:")
        for name in rendered.files:
            typer.echo(f"  {name}")
        return
    typer.echo(f"Created {rendered.destination} ({len(rendered.files)} files)")
    typer.echo(next_steps(project))


@app.command("sync")
def sync_command() -> None:
    """Add this scaffold's template version to the local store that copier update reads."""
    from scaffold.store import sync

    stored = sync()
    state = "added" if stored.added else "already present"
    typer.echo(f"template {stored.tag} at {stored.location} ({state})")


def _parse_data(pairs: list[str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="'--data'")
        data[key.strip()] = value
    return data


def main() -> None:
    """Run the ``scaffold`` command."""
    app()
