"""Time scaffold's lifecycle commands as whole processes against plain copier.

    python benchmarks/bench_lifecycle.py [--runs N] [--json [PATH]] [--check] [--no-sync]

Pairs measured, each command run N times in alternation after one warm-up, on
projects made with scaffold's own template as a user has them: ``scaffold new``
(which makes ``uv.lock``), ``uv sync --locked`` (a ``.venv`` of about 240 MB, which
git ignores; ``--no-sync`` leaves out the lock and the sync) and a first commit:

- ``scaffold check`` in a default project against one plain ``copier copy
  --defaults`` of the same template version with the same answers into a scratch
  folder (the drift report's cost over a render; target <= 2.5x);
- ``scaffold update --dry-run`` in a project made at release 0.1.0 (the store's
  recorded release, through ``scaffold new --vcs-ref v0.1.0``) against plain
  ``copier update --pretend --defaults --skip-answered`` to the same target, the
  template version of this scaffold (``--vcs-ref``: without it plain copier stays
  on 0.1.0, the newest final release, and has nothing to do; target <= 1.5x).

Everything runs in a temporary HOME, so the template store is made afresh there
(``SCAFFOLD_TEMPLATE_STORE`` and ``XDG_DATA_HOME`` are ignored) and the real one is
untouched. ``--json`` alone prints the results as JSON instead of the table;
``--json PATH`` also writes them there. ``--check`` exits 1 when a ratio is above
its target.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from bench_cli import BIN, compare, isolated_env

TARGETS = {"check vs copier copy": 2.5, "update --dry-run vs copier update --pretend": 1.5}
RELEASE = "v0.1.0"
"""The recorded release the update case starts from."""


def run(command: list[str], env: dict[str, str], cwd: Path) -> None:
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)


def committed_project(
    work: Path, name: str, env: dict[str, str], sync: bool, *options: str
) -> Path:
    """``scaffold new``, ``uv sync --locked`` (unless not ``sync``), then the first commit."""
    lock = [] if sync else ["--no-lock"]
    run([str(BIN / "scaffold"), "new", name, "--no-input", *lock, *options], env, work)
    project = work / name
    if sync:
        run([str(BIN / "uv"), "sync", "--locked", "--quiet"], env, project)
    run(["git", "init", "--quiet"], env, project)
    run(["git", "add", "--all"], env, project)
    run(["git", "commit", "--quiet", "-m", "Start from scaffold"], env, project)
    return project


def copier_data(answers: dict[str, object]) -> list[str]:
    """The answers as copier ``--data`` options (the requirements mapping as JSON)."""
    data = [
        f"--data={key}={value}"
        for key, value in answers.items()
        if not key.startswith("_") and key != "requirements"
    ]
    return [*data, f"--data=requirements={json.dumps(answers['requirements'])}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="PATH",
        help="print the results as JSON; with PATH, write them there as well",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a ratio misses")
    parser.add_argument(
        "--no-sync",
        dest="sync",
        action="store_false",
        help="no uv.lock and no .venv in the projects (no package index needed)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="scaffold-bench-"))
    env = isolated_env(
        work,
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
    )
    scaffold = str(BIN / "scaffold")
    try:
        current = committed_project(work, "current", env, args.sync)
        answers = yaml.safe_load((current / ".copier-answers.yml").read_text())
        source = answers["_src_path"].replace("~", env["HOME"], 1)
        tag = answers["_commit"]

        def reset() -> None:
            shutil.rmtree(work / "out", ignore_errors=True)

        copy = [str(BIN / "copier"), "copy", "--quiet", "--defaults", "--vcs-ref", tag]
        results = [
            compare(
                "check vs copier copy",
                [scaffold, "check"],
                [*copy, *copier_data(answers), source, str(work / "out")],
                args.runs,
                env,
                current,
                reset,
            )
        ]
        old = committed_project(work, "old", env, args.sync, "--vcs-ref", RELEASE)
        update = [str(BIN / "copier"), "update", "--pretend", "--defaults", "--skip-answered"]
        results.append(
            compare(
                "update --dry-run vs copier update --pretend",
                [scaffold, "update", "--dry-run"],
                [*update, "--vcs-ref", tag],
                args.runs,
                env,
                old,
            )
        )
        # A dry run must leave the project as it was: later runs time the same work.
        status = subprocess.run(
            ["git", "status", "--porcelain"], cwd=old, capture_output=True, text=True, check=True
        )
        assert not status.stdout, f"the dry runs changed the project: {status.stdout}"
    finally:
        shutil.rmtree(work, ignore_errors=True)

    for row in results:
        target = TARGETS[str(row["pair"])]
        row["target"] = target
        row["within_target"] = float(str(row["ratio"])) <= target
    if args.json is not None:
        text = json.dumps(results, indent=2) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            Path(args.json).write_text(text)
    if args.json != "-":
        print(f"{'pair':<46}{'scaffold (s)':>14}{'baseline (s)':>14}{'ratio':>8}{'target':>8}")
        for row in results:
            print(
                f"{row['pair']:<46}{row['scaffold_median_s']:>14.3f}"
                f"{row['baseline_median_s']:>14.3f}{row['ratio']:>8.2f}{row['target']:>8.2f}"
            )
    missed = [row["pair"] for row in results if not row["within_target"]]
    if args.check and missed:
        print(f"above target: {', '.join(map(str, missed))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
