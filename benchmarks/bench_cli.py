"""Time scaffold's commands as whole processes against what a user would run instead.

    python benchmarks/bench_cli.py [--runs N] [--json PATH]

Pairs measured, each command run N times in alternation after one warm-up:

- ``scaffold recommend --json --no-input`` against ``python -c "import typer"``
  and against a one-option typer app (the floor for any typer command);
- ``scaffold new DEST --no-input`` against plain ``copier copy --defaults`` of the
  same template, tag and answers (the wrapper's overhead).

Everything runs in a temporary HOME so the real template store is untouched.
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
from pathlib import Path

import yaml

BIN = Path(sys.executable).parent


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def compare(
    name: str,
    ours: list[str],
    baseline: list[str],
    runs: int,
    env: dict[str, str],
    cwd: Path,
    reset: callable = lambda: None,  # type: ignore[valid-type]
) -> dict[str, object]:
    samples: dict[str, list[float]] = {"scaffold": [], "baseline": []}
    for command in (ours, baseline):
        reset()
        timed(command, env, cwd)  # warm-up: disk caches, store, .pyc files
    for _ in range(runs):
        for label, command in (("scaffold", ours), ("baseline", baseline)):
            reset()
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="scaffold-bench-"))
    env = {**os.environ, "HOME": str(work / "home")}
    (work / "home").mkdir()
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
        [scaffold, "new", "probe", "--no-input"], env=env, cwd=work, check=True, capture_output=True
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
            "new vs copier copy",
            [scaffold, "new", "out", "--no-input"],
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
    shutil.rmtree(work, ignore_errors=True)

    print(f"{'pair':<28}{'scaffold (s)':>14}{'baseline (s)':>14}{'ratio':>8}")
    for row in results:
        print(
            f"{row['pair']:<28}{row['scaffold_median_s']:>14.3f}"
            f"{row['baseline_median_s']:>14.3f}{row['ratio']:>8.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
