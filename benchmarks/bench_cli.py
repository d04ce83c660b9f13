"""Time scaffold's commands as whole processes against what a user would run instead.

    python benchmarks/bench_cli.py [--runs N] [--install-runs M] [--json PATH]

Pairs measured, each command run N times in alternation after one warm-up:

- ``scaffold recommend --json --no-input`` against ``python -c "import typer"``
  and against a one-option typer app (the floor for any typer command);
- ``scaffold new DEST --no-input --no-lock`` against plain ``copier copy --defaults``
  of the same template, tag and answers (the wrapper's overhead; target <= 1.15x);
- ``scaffold new DEST --no-input`` (which runs ``uv lock``) against the same with
  ``--no-lock``: the time the lock adds with a warm uv cache.

Then, M times each in alternation, installing the default project with a warm
package cache into an empty environment: ``uv sync --locked`` (which also creates
``.venv``) against ``pip install -e . --group dev`` (pip >= 25.1, into a venv made
beforehand, untimed); and both again with everything already installed (no-op).

Everything runs in a temporary HOME so the real template store is untouched; uv
and pip use the real user's caches (``UV_CACHE_DIR``, ``PIP_CACHE_DIR``), warmed
by the warm-up run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

BIN = Path(sys.executable).parent


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def nothing() -> None:
    pass


def compare(
    name: str,
    ours: list[str],
    baseline: list[str],
    runs: int,
    env: dict[str, str],
    cwd: Path,
    reset: Callable[[], None] = nothing,
    reset_baseline: Callable[[], None] | None = None,
) -> dict[str, object]:
    samples: dict[str, list[float]] = {"scaffold": [], "baseline": []}
    plan = (("scaffold", ours, reset), ("baseline", baseline, reset_baseline or reset))
    for _, command, before in plan:
        before()
        timed(command, env, cwd)  # warm-up: disk caches, store, .pyc files
    for _ in range(runs):
        for label, command, before in plan:
            before()
            samples[label].append(timed(command, env, cwd))
    ours_median = statistics.median(samples["scaffold"])
    base_median = statistics.median(samples["baseline"])
    return {
        "pair": name,
        "scaffold_median_s": round(ours_median, 4),
        "baseline_median_s": round(base_median, 4),
        "ratio": round(ours_median / base_median, 3),
        "runs": runs,
    }


def isolated_env(work: Path, **extra: str) -> dict[str, str]:
    """This environment with a fresh HOME under ``work`` (made here) and the user's uv cache."""
    env = {
        **os.environ,
        "HOME": str(work / "home"),
        "UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR", str(Path.home() / ".cache" / "uv")),
        **extra,
    }
    for name in ("VIRTUAL_ENV", "SCAFFOLD_TEMPLATE_STORE", "XDG_DATA_HOME"):
        env.pop(name, None)
    (work / "home").mkdir()
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--install-runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="scaffold-bench-"))
    home = Path.home()
    env = isolated_env(
        work,
        PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR", str(home / ".cache" / "pip")),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    scaffold = str(BIN / "scaffold")
    # The floor for any typer command that takes an option: typer coerces option
    # values through pydantic, which "import typer" alone does not load.
    one_option = work / "one_option.py"
    one_option.write_text(
        "from typing import Annotated, Optional\nimport typer\napp = typer.Typer()\n"
        "@app.command()\ndef main(kind: Annotated[Optional[str], typer.Option()] = None) -> None:\n"
        "    print(kind)\napp()\n"
    )
    recommend = [scaffold, "recommend", "--json", "--no-input"]
    results = [
        compare(
            "recommend vs import typer",
            recommend,
            [sys.executable, "-c", "import typer"],
            args.runs,
            env,
            work,
        ),
        compare(
            "recommend vs 1-option typer",
            recommend,
            [sys.executable, str(one_option), "--kind", "api"],
            args.runs,
            env,
            work,
        ),
    ]

    # One render through scaffold, to learn the exact answers and source it used.
    subprocess.run(
        [scaffold, "new", "probe", "--no-input", "--no-lock"],
        env=env,
        cwd=work,
        check=True,
        capture_output=True,
    )
    answers = yaml.safe_load((work / "probe" / ".copier-answers.yml").read_text())
    data = [
        f"--data={k}={v}"
        for k, v in answers.items()
        if not k.startswith("_") and k != "requirements"
    ]
    data.append(f"--data=requirements={json.dumps(answers['requirements'])}")
    source = os.path.expanduser(answers["_src_path"].replace("~", env["HOME"], 1))

    def reset() -> None:
        shutil.rmtree(work / "out", ignore_errors=True)

    results.append(
        compare(
            "new --no-lock vs copier copy",
            [scaffold, "new", "out", "--no-input", "--no-lock"],
            [
                str(BIN / "copier"),
                "copy",
                "--quiet",
                "--defaults",
                "--vcs-ref",
                answers["_commit"],
                *data,
                source,
                "out",
            ],
            args.runs,
            env,
            work,
            reset,
        )
    )
    results.append(
        compare(
            "new vs new --no-lock",
            [scaffold, "new", "out", "--no-input"],
            [scaffold, "new", "out", "--no-input", "--no-lock"],
            args.runs,
            env,
            work,
            reset,
        )
    )
    results += installs(work, env, args.install_runs)
    shutil.rmtree(work, ignore_errors=True)

    print(f"{'pair':<34}{'scaffold (s)':>14}{'baseline (s)':>14}{'ratio':>8}")
    for row in results:
        print(
            f"{row['pair']:<34}{row['scaffold_median_s']:>14.3f}"
            f"{row['baseline_median_s']:>14.3f}{row['ratio']:>8.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


def installs(work: Path, env: dict[str, str], runs: int) -> list[dict[str, object]]:
    """``uv sync --locked`` against ``pip install -e . --group dev``, warm caches."""
    project = work / "installed"
    subprocess.run(
        [str(BIN / "scaffold"), "new", str(project), "--no-input"],
        env=env,
        check=True,
        capture_output=True,
    )
    assert (project / "uv.lock").is_file(), "scaffold new made no uv.lock"
    uv = str(BIN / "uv")
    pip_venv, pristine = work / "pip-venv", work / "pip-venv-pristine"
    subprocess.run([sys.executable, "-m", "venv", str(pip_venv)], env=env, check=True)
    pip = [str(pip_venv / "bin" / "python"), "-m", "pip"]
    subprocess.run([*pip, "install", "-q", "pip>=25.1"], env=env, check=True)
    shutil.copytree(pip_venv, pristine, symlinks=True)

    def fresh_uv() -> None:
        shutil.rmtree(project / ".venv", ignore_errors=True)

    def fresh_pip() -> None:
        shutil.rmtree(pip_venv, ignore_errors=True)
        shutil.copytree(pristine, pip_venv, symlinks=True)

    uv_sync = [uv, "sync", "--locked", "--quiet"]
    pip_install = [*pip, "install", "-q", "-e", ".", "--group", "dev"]
    return [
        compare(
            "uv sync --locked vs pip install -e",
            uv_sync,
            pip_install,
            runs,
            env,
            project,
            fresh_uv,
            fresh_pip,
        ),
        compare("the same, nothing to do", uv_sync, pip_install, runs, env, project),
    ]


if __name__ == "__main__":
    main()
