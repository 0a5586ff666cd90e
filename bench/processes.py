"""Child processes for benchmarks: measured fresh starts and background servers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class ChildFailed(Exception):
    """A benchmark child process exited without reporting."""


@dataclass
class Measured:
    """A child's JSON report and the wall time from spawning it to reading that report."""

    wall: float
    report: dict[str, Any]


def workdir_ready(path: Path) -> Path:
    """Create a benchmark's working folder (kept out of async code: it blocks)."""
    path.mkdir(parents=True, exist_ok=True)
    return path


def child_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment minus ``COMPANION_*`` settings, plus ``extra``; ``bench`` importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.update(extra or {})
    return env


def measure_child(
    module: str, args: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 300.0
) -> Measured:
    """Start ``python -m module args`` and time it until it prints its one JSON line."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    wall = time.perf_counter() - started
    try:
        _, errors = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        _, errors = child.communicate()
    if not line.strip():
        raise ChildFailed(f"{module} reported nothing (exit {child.returncode}): {errors[-2000:]}")
    return Measured(wall, json.loads(line))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_background(
    args: list[str], *, env: dict[str, str], cwd: Path, log: Path
) -> subprocess.Popen[bytes]:
    """A long-running child (the sandbox, ``companion run``); its output goes to ``log``."""
    handle = log.open("wb")
    return subprocess.Popen(
        [sys.executable, *args], stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=cwd
    )


def stop_background(child: subprocess.Popen[bytes], timeout: float = 15.0) -> int | None:
    """SIGTERM (``companion run`` shuts down cleanly on it), then SIGKILL if it lingers."""
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return child.returncode
