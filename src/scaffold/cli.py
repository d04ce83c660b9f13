"""The ``scaffold`` command line: maps options to one library call and prints the result.

Errors are translated in one place, ``_ScaffoldGroup.main``: a ``ScaffoldError``
or a usage error becomes one line on stderr and its documented exit code.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, Optional, get_type_hints

import typer
from typer.core import TyperCommand, TyperGroup

from scaffold._version import __version__
from scaffold.engine import recommend as run_rules
from scaffold.errors import (
    EXIT_HANGUP,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    ScaffoldError,
)
from scaffold.flips import find_flips
from scaffold.lock import LockResult, lock_command
from scaffold.requirements import (
    FIELDS,
    Field,
    FrameworkChoice,
    Requirements,
    load_requirements_file,
)

__all__ = ["app", "main"]

_ANSWERS_FILE = ".copier-answers.yml"
_SIGNALS = {signal.SIGTERM: ("SIGTERM", EXIT_TERMINATED), signal.SIGHUP: ("SIGHUP", EXIT_HANGUP)}


class _Stopped(BaseException):
    """SIGTERM or SIGHUP arrived; unwinds like Ctrl-C, so every cleanup runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    for other in _SIGNALS:
        signal.signal(other, signal.SIG_IGN)  # A second signal must not cut the cleanup short.
    raise _Stopped(signum)


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
        except _Stopped as stopped:
            name, code = _SIGNALS[signal.Signals(stopped.signum)]
            _fail(f"stopped by {name}; nothing was written", code)
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
    try:
        typer.echo(f"scaffold: error: {first}", err=True)
    except OSError:
        pass  # The terminal is gone (SIGHUP): the exit code still tells.
    sys.exit(code)


class _Command(TyperCommand):
    """A command whose help reads like a finished CLI: no ``<bool>``, no ``{DEST}``."""

    def get_params(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        params = super().get_params(ctx)
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""  # A flag takes no value; show none.
        return params

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        pieces = super().collect_usage_pieces(ctx)
        return [piece.replace("{", "").replace("}", "") for piece in pieces]


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
    default = f" \\[default: {_show(field.default)}]"  # rich markup needs the escape
    if field.type is bool:
        option = typer.Option(
            f"--{field.name}/--no-{field.name}",
            help=field.question + default,
            show_default=False,
            rich_help_panel=panel,
        )
        return Annotated[Optional[bool], option]  # noqa: UP045 - typer needs Optional.
    if field.type is int:
        option = typer.Option(
            f"--{field.name}",
            min=1,
            metavar="N",
            help=f"{field.question} (a whole number, 1 or more).{default}",
            show_default=False,
            rich_help_panel=panel,
        )
        return Annotated[Optional[int], option]  # noqa: UP045
    option = typer.Option(
        f"--{field.name}",
        metavar=field.name.upper(),
        help=f"{field.question}: {', '.join(field.choices)}.{default}",
        show_default=False,
        case_sensitive=False,
        rich_help_panel=panel,
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
        metavar="FILE",
        help="YAML or TOML file of requirements (the flags win over it).",
        dir_okay=False,
    ),
]
NoInput = Annotated[
    bool, typer.Option("--no-input", help="Ask nothing; use defaults for what is not given.")
]


@app.command("recommend", cls=_Command)
@with_requirement_options
def recommend_command(
    requirements_file: RequirementsFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    no_input: NoInput = False,
    *,
    given: dict[str, Any],
) -> None:
    """Recommend Flask or FastAPI for your requirements, and say why.

    Inside a generated project (from any of its folders), the requirements stored
    in its .copier-answers.yml are the starting point, and the report says whether
    the project's stored decision still holds.
    """
    from scaffold.decision import ANSWERS_FILE, find_project, review_decision

    project = None if requirements_file else find_project(Path.cwd())
    stored = project / ANSWERS_FILE if project else requirements_file
    requirements = _gather(given, stored, no_input, in_project=False)
    recommendation = run_rules(requirements)
    flips = find_flips(requirements)
    review = review_decision(project, requirements.to_mapping()) if project else None
    if as_json:
        extra = {"project": review.to_json()} if review else {}
        typer.echo(json.dumps({**recommendation.to_json(), "flips": flips, **extra}, indent=2))
    else:
        from scaffold.report import describe_recommendation

        if review:
            typer.echo(review.describe() + "\n")
        typer.echo(describe_recommendation(recommendation, flips))


@app.command("new", cls=_Command)
@with_requirement_options
def new_command(
    destination: Annotated[
        Path,
        typer.Argument(
            metavar="DEST",
            help="Folder to create, or an empty folder to fill ('.' for this one).",
            show_default=False,
        ),
    ],
    framework: Annotated[
        FrameworkChoice,
        typer.Option(
            metavar="FRAMEWORK",
            help="auto (the recommendation), flask or fastapi.",
            case_sensitive=False,
        ),
    ] = "auto",
    data: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--data", "-d", metavar="KEY=VALUE", help="Answer a template question (repeatable)."
        ),
    ] = None,
    no_input: NoInput = False,
    template: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            metavar="SOURCE",
            help="Copier template: a path or git URL. \\[default: scaffold's own]",
        ),
    ] = None,
    vcs_ref: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--vcs-ref", metavar="REF", help="Git tag or commit of the template to use."),
    ] = None,
    pretend: Annotated[
        bool, typer.Option("--pretend", help="Show what would be written; write nothing.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Render into a folder that already holds files.")
    ] = False,
    no_lock: Annotated[
        bool,
        typer.Option("--no-lock", help="Skip 'uv lock': make no uv.lock (uv sync makes it later)."),
    ] = False,
    requirements_file: RequirementsFile = None,
    *,
    given: dict[str, Any],
) -> None:
    """Ask, recommend, and render the chosen skeleton into DEST, then lock it with uv.

    A uv lock that fails (no index, no interpreter for python_version) still
    leaves a complete project and exits 0; a warning says why and how to lock.
    """
    from scaffold.project import NewProjectOptions, create_project
    from scaffold.report import framework_line, next_steps, override_warning

    requirements = _gather(given, requirements_file, no_input, in_project=False)
    options = NewProjectOptions(
        framework=framework,
        data=_parse_data(data or []),
        template=template,
        vcs_ref=vcs_ref,
        ask=_interactive(no_input),
        force=force,
        pretend=pretend,
        lock=not no_lock,
    )
    if options.ask and framework == "auto":
        from dataclasses import replace

        from scaffold.prompts import ask_framework
        from scaffold.report import describe_recommendation

        recommendation = run_rules(requirements)
        typer.echo(describe_recommendation(recommendation, find_flips(requirements)), err=True)
        options = replace(options, framework=ask_framework(recommendation))
    project = create_project(destination, requirements, options)
    for note in project.rendered.notes:
        typer.echo(note, err=True)
    warning = override_warning(project)
    if warning:
        typer.echo(warning, err=True)
    rendered = project.rendered
    typer.echo(framework_line(project))
    where = _quoted(rendered.destination)
    if rendered.pretend:
        typer.echo(f"Would write {len(rendered.files)} files into {where}:")
        for name in rendered.files:
            typer.echo(f"  {name}")
        return
    typer.echo(f"Created {where} ({len(rendered.files)} files)")
    _report_lock(rendered.lock, rendered.destination)
    typer.echo(next_steps(project))


def _report_lock(result: LockResult | None, destination: Path) -> None:
    if result is None or result.status == "skipped":
        return
    if result.locked:
        took = f"uv lock, {result.seconds:.1f} s"
        typer.echo(f"Locked {result.packages} packages in uv.lock ({took})")
        return
    typer.echo(f"warning: uv.lock was not made: {result.reason}", err=True)
    typer.echo(f"  to make it: {lock_command(destination)}", err=True)


def _quoted(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))


@app.command("sync", cls=_Command)
def sync_command() -> None:
    """Add this scaffold's template version to the local store that copier update reads."""
    from scaffold.store import sync

    stored = sync()
    state = "added" if stored.added else "already present"
    typer.echo(f"template {stored.tag} at {stored.location} ({state})")


_KEPT = "changed here, no longer in the template: kept as it was"
"""How ``scaffold update`` marks a changed file it kept that copier would have deleted."""

_STATE_LABELS = {
    "project": "changed by the project",
    "template": "changed in {newest}",
    "both": "changed by both",
    "deleted": "deleted by the project",
    "added": "added in {newest}",
    "removed": "removed in {newest}",
}


@app.command("check", cls=_Command)
def check_command(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH", help="The project, or any folder inside it.", show_default=False
        ),
    ] = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Report how the project differs from its template; exit 0, 10 or 11 (see README)."""
    from scaffold.drift import check_drift

    report = check_drift(path)
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2))
        raise typer.Exit(report.exit_code)
    newer = f"newest {report.newest}" if report.update_available else "no newer version"
    typer.echo(f"Template {report.source}: recorded {report.recorded}, {newer}")
    unchanged = 0
    for item in report.files:
        if item.state == "unchanged":
            unchanged += 1
            continue
        label = _STATE_LABELS[item.state].format(newest=report.newest)
        if item.conflict:
            label += ", update would conflict"
        elif item.state == "both":
            label += ", merges cleanly"
        typer.echo(f"  {item.path}: {label}")
    typer.echo(f"{unchanged} managed files unchanged.")
    summary = {
        "up-to-date": "up to date",
        "update-available": f"update to {report.newest} available, no conflicts",
        "conflict": f"update to {report.newest} would conflict in {len(report.conflicts)} file(s)",
    }[report.status]
    typer.echo(f"Status: {summary} (exit {report.exit_code})")
    raise typer.Exit(report.exit_code)


@app.command("update", cls=_Command)
def update_command(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH", help="The project, or any folder inside it.", show_default=False
        ),
    ] = Path("."),
    to: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--to",
            metavar="VERSION",
            help="Template version (tag or commit). \\[default: this scaffold's template; "
            "for another template source, its newest release]",
        ),
    ] = None,
    data: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--data", "-d", metavar="KEY=VALUE", help="Change an answer (repeatable)."),
    ] = None,
    conflict: Annotated[
        Literal["inline", "rej"],
        typer.Option(
            "--conflict", metavar="inline|rej", help="Leave conflicts as markers or .rej files."
        ),
    ] = "inline",
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Show the files and the diff the update would make; write nothing."
        ),
    ] = False,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Update a scratch copy, run uv sync and its tests; apply only if they pass.",
        ),
    ] = False,
    allow_dirty: Annotated[
        bool, typer.Option("--allow-dirty", help="Update even with uncommitted changes.")
    ] = False,
    no_input: NoInput = False,
) -> None:
    """Update the project from its template; exit 0, 12 or 13 (see README).

    Answered questions are never asked again; new ones are asked in a terminal
    and take their defaults with --no-input or without one.
    """
    from scaffold.errors import EXIT_UPDATE_APPLIED_WITH_CONFLICTS
    from scaffold.update import NEXT_STEPS, UpdateOptions, update_project

    options = UpdateOptions(
        to=to,
        data=_parse_data(data or []),
        conflict=conflict,
        dry_run=dry_run,
        allow_dirty=allow_dirty,
        ask=_interactive(no_input),
        verify=verify,
    )
    result = update_project(path, options)
    versions = f"{result.recorded} -> {result.target}"
    marks = [("added", result.added), ("changed", result.changed), ("removed", result.removed)]
    if not result.applied:
        typer.echo(f"Dry run, {versions}: {len(result.files)} file(s) would change")
        for label, names in marks:
            for name in names:
                typer.echo(f"  {label}: {name}")
        for name in result.conflicts:
            typer.echo(f"  would conflict: {name}")
        for name in result.kept:
            typer.echo(f"  would conflict: {name} ({_KEPT})")
        if result.diff:
            typer.echo(result.diff, nl=False)
        typer.echo("Nothing was written.")
        return
    typer.echo(f"Updated {_quoted(result.project)}, {versions}: {len(result.files)} file(s)")
    for note in result.notes:
        typer.echo(f"warning: {note}", err=True)
    for label, names in marks:
        for name in names:
            typer.echo(f"  {label}: {name}")
    left = len(result.conflicts) + len(result.kept)
    if left:
        typer.echo(f"Conflicts left in {left} file(s); resolve them, then commit:")
        for name in result.conflicts:
            typer.echo(f"  conflict: {name}")
        for name in result.kept:
            typer.echo(f"  conflict: {name} ({_KEPT}; delete it or keep it)")
    typer.echo("Next steps:")
    for step in NEXT_STEPS:
        typer.echo(f"  {step}")
    if left:
        raise typer.Exit(EXIT_UPDATE_APPLIED_WITH_CONFLICTS)


def _parse_data(pairs: list[str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="'--data'")
        data[key.strip()] = value
    return data


def main() -> None:
    """Run the ``scaffold`` command; SIGTERM and SIGHUP clean up as Ctrl-C does."""
    for signum in _SIGNALS:
        signal.signal(signum, _stop)
    app()
