"""Generated command lines: every outcome is a documented exit code, one clean line, no mess.

Hypothesis draws ``scaffold new`` command lines from valid and invalid flags,
values and destinations (new, nested, empty, full of files, a file, under a
file, a broken link, a kernel file system, a name too long). Whatever it draws:
the exit code is documented; stderr holds no traceback and no Python warning;
a failure leaves nothing new; a success holds a project whose answers match
the requirements. Most draws fail fast or pretend; a few render for real.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scaffold import errors
from scaffold.cli import app
from scaffold.engine import recommend
from scaffold.requirements import Requirements

runner = CliRunner()
DOCUMENTED = {0} | {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
DOCUMENTED -= {errors.EXIT_INTERNAL}

# (tokens, requirement it sets or None when the value is invalid)
REQUIREMENT_FLAGS = st.one_of(
    st.sampled_from(["api", "web", "ml-service", "prototype", "WEB", "desktop"]).map(
        lambda v: (["--kind", v], ("kind", v.lower()) if v != "desktop" else None)
    ),
    st.sampled_from(["low", "high", "enormous"]).map(
        lambda v: (["--traffic", v], ("traffic", v) if v != "enormous" else None)
    ),
    st.sampled_from(["1", "3", "25", "0", "lots"]).map(
        lambda v: (["--endpoints", v], ("endpoints", int(v)) if v in ("1", "3", "25") else None)
    ),
    st.sampled_from(["none", "oauth2", "session", "ldap"]).map(
        lambda v: (["--auth", v], ("auth", v) if v != "ldap" else None)
    ),
    st.sampled_from(["docs", "html", "concurrency", "monitoring"]).flatmap(
        lambda name: st.booleans().map(
            lambda on: ([f"--{name}" if on else f"--no-{name}"], (name, on))
        )
    ),
    st.just((["--colour", "blue"], None)),
)
DATA = st.sampled_from(
    [
        "docker=yes",
        "docker=No",
        "docker=maybe",
        "metrics=2",
        "ml=none",
        "ml=tensorflow",
        "ci=GitLab",
        "colour=blue",
        "novalue",
        "package_name=1bad",
        "package_name=good_name",
        "auth=session",
        "framework=flask",
    ]
)
DESTINATIONS = st.sampled_from(
    [
        "new",
        "new",
        "nested",
        "empty",
        "busy",
        "file",
        "under-file",
        "broken-link",
        "proc",
        "too-long",
    ]
)


def make_destination(root: Path, kind: str) -> Path:
    if kind == "nested":
        return root / "a" / "b" / "svc"
    if kind == "empty":
        (root / "svc").mkdir()
    elif kind == "busy":
        (root / "svc").mkdir()
        (root / "svc" / "notes.txt").write_text("mine\n")
    elif kind == "file":
        (root / "svc").write_text("a file\n")
    elif kind == "under-file":
        (root / "plain").write_text("a file\n")
        return root / "plain" / "svc"
    elif kind == "broken-link":
        (root / "svc").symlink_to(root / "nowhere")
    elif kind == "proc":
        return Path("/proc/scaffold-svc")
    elif kind == "too-long":
        return root / ("s" * 300)
    return root / "svc"


def snapshot(root: Path) -> dict[str, bytes | None]:
    seen: dict[str, bytes | None] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            seen[os.path.relpath(os.path.join(folder, name), root)] = None
        for name in files:
            path = os.path.join(folder, name)
            seen[os.path.relpath(path, root)] = (
                Path(path).read_bytes() if not os.path.islink(path) else b"link"
            )
    for entry in root.iterdir():
        if entry.is_symlink():
            seen[entry.name] = b"link"
    return seen


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    destination=DESTINATIONS,
    flags=st.lists(REQUIREMENT_FLAGS, max_size=4),
    data=st.lists(DATA, max_size=3),
    framework=st.sampled_from([None, None, "flask", "FastAPI", "django"]),
    pretend=st.sampled_from([True, True, True, False]),
    force=st.booleans(),
)
# A handful of real renders always run, beside whatever hypothesis draws.
@example(
    destination="new",
    flags=[(["--kind", "WEB"], ("kind", "web")), (["--docs"], ("docs", True))],
    data=["docker=No", "ci=GitLab"],
    framework=None,
    pretend=False,
    force=False,
)
@example(
    destination="empty",
    flags=[(["--endpoints", "25"], ("endpoints", 25))],
    data=["auth=session", "ml=none"],
    framework=None,
    pretend=False,
    force=False,
)
@example(
    destination="nested",
    flags=[(["--kind", "api"], ("kind", "api"))],
    data=["package_name=good_name"],
    framework="flask",
    pretend=False,
    force=True,
)
def test_generated_command_lines_end_in_a_documented_state(
    isolated_home: Path,
    destination: str,
    flags: list[tuple[list[str], Any]],
    data: list[str],
    framework: str | None,
    pretend: bool,
    force: bool,
) -> None:
    root = Path(tempfile.mkdtemp(prefix="cli-prop-"))
    try:
        target = make_destination(root, destination)
        args = ["new", str(target), "--no-input"]
        for tokens, _ in flags:
            args += tokens
        for pair in data:
            args += ["--data", pair]
        if framework:
            args += ["--framework", framework]
        if pretend:
            args.append("--pretend")
        if force:
            args.append("--force")
        before = snapshot(root)
        result = runner.invoke(app, args)
        stderr = result.stderr
        event(f"exit {result.exit_code}{' (pretend)' if pretend else ''}")
        assert result.exit_code in DOCUMENTED, (args, result.output)
        assert "Traceback" not in result.output and "Warning" not in stderr, (args, stderr)
        if result.exit_code != 0:
            assert len(stderr.strip().splitlines()) == 1, (args, stderr)
            assert stderr.startswith("scaffold: error: "), (args, stderr)
            assert snapshot(root) == before, args
            return
        if pretend:
            assert snapshot(root) == before, args
            assert "Would write" in result.stdout
            return
        check_project(target, flags, data, framework)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def check_project(
    target: Path, flags: list[tuple[list[str], Any]], data: list[str], framework: str | None
) -> None:
    answers = yaml.safe_load((target / ".copier-answers.yml").read_text())
    given = dict(setting for _, setting in flags if setting is not None)
    if "auth=session" in data:
        given["auth"] = "session"
    stored = answers["requirements"]
    for name, value in given.items():
        assert stored[name] == value, (name, stored)
    requirements = Requirements.from_mapping(stored)
    expected = framework.lower() if framework else recommend(requirements).framework
    assert answers["framework"] == expected
    assert answers["auth"] == stored["auth"]
    assert (target / "src" / answers["package_name"] / "__init__.py").is_file()
