"""Throughput and p99 latency of the generated apps against bare framework apps.

    python benchmarks/bench_apps.py [--duration S] [--rounds N] [--connections C]
                                    [--workers W] [--framework F] [--json PATH] [--check]

Renders the default FastAPI and Flask skeletons (as ``scaffold new`` does), installs
each into its own virtual environment with uv, and serves, on 127.0.0.1 only:

- the FastAPI skeleton with ``python -m <package>`` (uvicorn), and a bare
  ``FastAPI()`` app with one ``/health`` route under the very same ``uvicorn.run``
  call (the skeleton's ``__main__`` runs with the app swapped, so the server,
  workers and options cannot drift apart);
- the Flask skeleton with ``python -m <package>`` (gunicorn ``gthread``), and a bare
  ``Flask()`` app with one ``/health`` route under the very same gunicorn settings
  (the skeleton's ``build_app`` is swapped).

Every app runs in production mode with ``WORKERS`` processes. The load generator
is ``wrk`` (Debian: ``apt-get install wrk``), with C keep-alive connections for S
seconds per measurement after a warm-up; each pair is measured N times in
alternation and the median is reported. On a machine with two or more CPUs the
last CPU is kept for wrk and the servers are pinned to the others (``--no-pin``
turns this off), so the load generator never steals time from the app it
measures; ``WORKERS`` defaults to the number of server CPUs. Prints a markdown
table; ``--json`` also writes the figures; ``--check`` exits 1 when a skeleton's
``/health`` throughput is below 0.8x its bare app's, when one skeleton's prediction
p99 is more than 1.2x the other's, or when any request failed. Each skeleton's
``POST /api/v1/predict`` (the same path and body in both, as ``docs/api.md``
promises) is measured too and reported side by side. ``--framework`` measures
one framework only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scaffold.project import NewProjectOptions, create_project
from scaffold.requirements import Requirements

PACKAGE = "demo_service"
TARGET_RATIO = 0.8
P99_TARGET = 1.2
"""Each skeleton's prediction p99 within this factor of the other's."""
START_TIMEOUT = 120.0
IRIS = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
PREDICT_PATH = "/api/v1/predict"  # the same in both frameworks (docs/api.md)
FRAMEWORKS = ("fastapi", "flask")

BARE_APPS = '''\
"""Bare apps with one route each, equivalent to the skeletons' GET /health."""


def create_fastapi():
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def create_flask():
    from flask import Flask

    app = Flask(__name__)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def __getattr__(name):
    if name == "app":  # uvicorn without factory=True imports bare_apps:app
        return create_fastapi()
    raise AttributeError(name)
'''

# Runs the skeleton's own ``__main__.main()`` with its app replaced by the bare one.
LAUNCH_BARE = """\
import importlib
import sys

import bare_apps


def main() -> None:
    framework, package = sys.argv[1:3]
    server = importlib.import_module(f"{package}.__main__")
    if framework == "fastapi":
        import uvicorn

        real_run = uvicorn.run

        def run(app, **options):
            target = "bare_apps:create_fastapi" if options.get("factory") else "bare_apps:app"
            real_run(target, **options)

        uvicorn.run = run
    elif hasattr(server, "build_app"):
        server.build_app = bare_apps.create_flask
    else:
        sys.exit(f"{package}.__main__ has no build_app() to swap; update bench_apps.py")
    server.main()


if __name__ == "__main__":  # uvicorn's worker processes re-import this file
    main()
"""

WRK_POST = """\
wrk.method = "POST"
wrk.body = '{body}'
wrk.headers["Content-Type"] = "application/json"
"""


@dataclass
class Server:
    """One app under test, started as its own process group."""

    label: str
    framework: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    log: Path
    cpus: frozenset[int] | None = None
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        env = {**self.env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=pinned(self.cpus),
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.label} exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.label} did not answer /health:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


@dataclass
class Measurement:
    """One endpoint of one app, measured ``rounds`` times."""

    app: str
    framework: str
    server: Server
    path: str
    body: dict[str, float] | None = None
    rps: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    errors: int = 0
    requests: int = 0

    @property
    def url(self) -> str:
        return self.server.base + self.path

    def summary(self) -> dict[str, object]:
        return {
            "app": self.app,
            "framework": self.framework,
            "endpoint": ("POST " if self.body else "GET ") + self.path,
            "requests_per_s": round(statistics.median(self.rps), 1),
            "p99_ms": round(statistics.median(self.p99_ms), 2),
            "rounds_rps": [round(value, 1) for value in self.rps],
            "requests": self.requests,
            "errors": self.errors,
        }


def paired_ratio(ours: Measurement, other: Measurement) -> float:
    """Median over rounds of ``ours`` req/s divided by ``other`` req/s."""
    return statistics.median(a / b for a, b in zip(ours.rps, other.rps, strict=True))


def pinned(cpus: frozenset[int] | None) -> Callable[[], None] | None:
    """A ``preexec_fn`` that restricts the child process (and its workers) to ``cpus``."""
    if cpus is None:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def split_cpus(pin: bool) -> tuple[frozenset[int] | None, frozenset[int] | None]:
    """CPUs for the servers and for wrk: the last one for wrk, the rest for the servers."""
    available = sorted(os.sched_getaffinity(0))
    if not pin or len(available) < 2:
        return None, None
    return frozenset(available[:-1]), frozenset(available[-1:])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def uv() -> str:
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    if not found:
        sys.exit("bench_apps: uv is not installed (pip install uv)")
    return found


def render_and_install(work: Path, framework: str) -> tuple[Path, Path]:
    """Render the default skeleton of ``framework`` and install it; return project and python."""
    requirements = {
        "fastapi": Requirements(kind="api", docs=True, validation=True),
        "flask": Requirements(kind="web", html=True),
    }[framework]
    made = create_project(
        work / framework / "demo-service",
        requirements,
        NewProjectOptions(framework=framework),  # type: ignore[arg-type]
    )
    venv = work / framework / "venv"
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    subprocess.run(
        [uv(), "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, env=env
    )
    project = made.rendered.destination
    subprocess.run(
        [
            uv(),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            "-e",
            str(project),
        ],
        check=True,
        env=env,
    )
    return project, venv / "bin" / "python"


_DURATION = re.compile(r"([\d.]+)(us|ms|s)\b")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    url: str,
    body: dict[str, float] | None,
    seconds: float,
    connections: int,
    threads: int,
    work: Path,
    cpus: frozenset[int] | None = None,
) -> tuple[float, float, int, int]:
    """Run wrk once; return requests/s, p99 in ms, requests and errors (non-2xx + socket)."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{int(seconds)}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if body is not None:
        script = work / "post.lua"
        script.write_text(WRK_POST.format(body=json.dumps(body, separators=(",", ":"))))
        command += ["-s", str(script)]
    result = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
        preexec_fn=pinned(cpus),
    )
    out = result.stdout
    rps_match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99_match = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    total_match = re.search(r"(\d+) requests in", out)
    if not (rps_match and p99_match and total_match):
        raise RuntimeError(f"cannot read wrk's output:\n{out}\n{result.stderr}")
    p99 = _DURATION.fullmatch(p99_match.group(1))
    if p99 is None:
        raise RuntimeError(f"cannot read the p99 latency {p99_match.group(1)!r}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", out))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    p99_ms = float(p99.group(1)) * _UNIT_MS[p99.group(2)]
    return float(rps_match.group(1)), p99_ms, int(total_match.group(1)), errors


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| app | endpoint | req/s (median) | p99 ms (median) | requests | errors "
        "| vs bare /health |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        ratio = row.get("ratio_to_bare")
        lines.append(
            f"| {row['app']} | `{row['endpoint']}` | {row['requests_per_s']:,} | "
            f"{row['p99_ms']} | {row['requests']:,} | {row['errors']} | "
            f"{'' if ratio is None else f'{ratio:.2f}x'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=4, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=5, help="measurements per endpoint")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, help="server processes (default: server CPUs)")
    parser.add_argument(
        "--no-pin", dest="pin", action="store_false", help="do not pin servers and wrk to CPUs"
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for every app, e.g. ACCESS_LOG=false (repeatable)",
    )
    parser.add_argument(
        "--framework",
        choices=FRAMEWORKS,
        action="append",
        help="measure only this framework (repeatable; default: both)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    frameworks = tuple(f for f in FRAMEWORKS if f in (args.framework or FRAMEWORKS))
    extra_env = dict(item.split("=", 1) for item in args.env if "=" in item)
    if len(extra_env) != len(args.env):
        sys.exit("bench_apps: --env takes KEY=VALUE")
    if not shutil.which("wrk"):
        sys.exit("bench_apps: wrk is not installed (apt-get install wrk)")
    if not 1 <= args.duration <= 120 or not 1 <= args.rounds <= 20:
        sys.exit("bench_apps: --duration must be 1..120 s and --rounds 1..20")

    server_cpus, wrk_cpus = split_cpus(args.pin)
    if args.workers is None:
        args.workers = len(server_cpus) if server_cpus else len(os.sched_getaffinity(0))

    work = Path(tempfile.mkdtemp(prefix="scaffold-bench-apps-"))
    os.environ["SCAFFOLD_TEMPLATE_STORE"] = str(work / "store")
    (work / "bare_apps.py").write_text(BARE_APPS)
    (work / "launch_bare.py").write_text(LAUNCH_BARE)
    servers: list[Server] = []
    try:
        measurements: list[Measurement] = []
        roles: list[str] = []
        for framework in frameworks:
            print(f"rendering and installing the {framework} skeleton ...", file=sys.stderr)
            project, python = render_and_install(work, framework)
            env = {
                **{k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}},
                "ENVIRONMENT": "production",
                "SECRET_KEY": secrets.token_hex(32),
                "WORKERS": str(args.workers),
                **extra_env,
            }
            skeleton = Server(
                f"{framework} skeleton",
                framework,
                [str(python), "-m", PACKAGE],
                project,
                env,
                work / f"{framework}-skeleton.log",
                server_cpus,
            )
            bare = Server(
                f"bare {framework}",
                framework,
                [str(python), str(work / "launch_bare.py"), framework, PACKAGE],
                project,
                {**env, "PYTHONPATH": str(work)},
                work / f"{framework}-bare.log",
                server_cpus,
            )
            # The deploy step: in production the skeletons never train a model themselves.
            subprocess.run([str(python), "-m", PACKAGE, "train"], cwd=project, env=env, check=True)
            servers += [skeleton, bare]
            name = "FastAPI" if framework == "fastapi" else "Flask"
            measurements += [
                Measurement(f"{name} skeleton", framework, skeleton, "/health"),
                Measurement(f"bare {name}()", framework, bare, "/health"),
                Measurement(f"{name} skeleton", framework, skeleton, PREDICT_PATH, IRIS),
            ]
            roles += ["health", "bare", "predict"]
        for server in servers:
            server.start()
        for each in measurements:  # warm-up: imports, JIT-free caches, connections
            wrk(each.url, each.body, 1, args.connections, args.threads, work, wrk_cpus)
        for round_number in range(args.rounds):
            order = measurements if round_number % 2 == 0 else measurements[::-1]
            for each in order:
                rps, p99, requests, errors = wrk(
                    each.url,
                    each.body,
                    args.duration,
                    args.connections,
                    args.threads,
                    work,
                    wrk_cpus,
                )
                each.rps.append(rps)
                each.p99_ms.append(p99)
                each.requests += requests
                each.errors += errors
            print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr)
    except BaseException:
        print(f"bench_apps: failed; projects and server logs kept in {work}", file=sys.stderr)
        raise
    finally:
        for server in servers:
            server.stop()

    # Ratios are taken round by round between neighbouring measurements, then the median,
    # so that load drifting on the machine over the run cancels out.
    by_role = {(each.framework, role): each for each, role in zip(measurements, roles, strict=True)}
    ratios = {
        framework: paired_ratio(by_role[framework, "health"], by_role[framework, "bare"])
        for framework in frameworks
    }
    rows = [each.summary() for each in measurements]
    for row, role in zip(rows, roles, strict=True):
        if role == "health":
            row["ratio_to_bare"] = round(ratios[str(row["framework"])], 3)
    predict_ratio = (
        paired_ratio(by_role["fastapi", "predict"], by_role["flask", "predict"])
        if len(frameworks) == 2
        else None
    )

    placement = (
        f"servers pinned to CPU {sorted(server_cpus)}, wrk to CPU {sorted(wrk_cpus)}"
        if server_cpus and wrk_cpus
        else "not pinned"
    )
    print(
        f"\n{os.cpu_count()} CPUs ({placement}); {args.workers} worker process(es) per app; "
        f"wrk -t{args.threads} -c{args.connections}, {args.duration} s x {args.rounds} rounds "
        "per row; loopback.\n"
    )
    print(table(rows))
    print()
    for framework, ratio in ratios.items():
        verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
        print(
            f"- {framework} skeleton /health: {ratio:.2f}x the bare app's req/s ({verdict} the "
            f"{TARGET_RATIO}x target; median of per-round ratios)"
        )
    predictions = {framework: by_role[framework, "predict"].summary() for framework in frameworks}
    print(
        f"- POST {PREDICT_PATH}: "
        + " vs ".join(
            f"{'FastAPI' if framework == 'fastapi' else 'Flask'} {row['requests_per_s']:,} req/s "
            f"(p99 {row['p99_ms']} ms)"
            for framework, row in predictions.items()
        )
        + ("" if predict_ratio is None else f" ({predict_ratio:.2f}x, median of per-round ratios)")
    )
    p99_ratio = None
    if len(frameworks) == 2:
        tails = sorted(float(row["p99_ms"]) for row in predictions.values())  # type: ignore[arg-type]
        p99_ratio = tails[1] / tails[0]
        verdict = "meets" if p99_ratio <= P99_TARGET else "MISSES"
        print(
            f"- prediction p99: the slower skeleton's is {p99_ratio:.2f}x the faster one's "
            f"({verdict} the {P99_TARGET}x target)"
        )
    errors = sum(int(row["errors"]) for row in rows)  # type: ignore[call-overload]
    if errors:
        print(f"- {errors} failed responses or socket errors: see the errors column")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "cpus": os.cpu_count(),
                    "server_cpus": sorted(server_cpus) if server_cpus else None,
                    "wrk_cpus": sorted(wrk_cpus) if wrk_cpus else None,
                    "workers": args.workers,
                    "connections": args.connections,
                    "wrk_threads": args.threads,
                    "duration_s": args.duration,
                    "rounds": args.rounds,
                    "env": extra_env,
                    "target_ratio": TARGET_RATIO,
                    "ratios_to_bare": {k: round(v, 3) for k, v in ratios.items()},
                    "fastapi_to_flask_predict": (
                        None if predict_ratio is None else round(predict_ratio, 3)
                    ),
                    "predict_p99_ratio": None if p99_ratio is None else round(p99_ratio, 3),
                    "results": rows,
                },
                indent=2,
            )
            + "\n"
        )
    shutil.rmtree(work, ignore_errors=True)
    slow_tail = p99_ratio is not None and p99_ratio > P99_TARGET
    if args.check and (errors or slow_tail or any(r < TARGET_RATIO for r in ratios.values())):
        sys.exit(1)


if __name__ == "__main__":
    main()
