"""Timing helpers shared by the benchmarks: calibrated repeats, medians, and what machine ran them."""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any


def seconds_per_call(fn: Callable[[], Any], calls: int) -> float:
    """Wall time of ``calls`` back-to-back calls of ``fn``, divided by ``calls``."""
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def calls_for(fn: Callable[[], Any], target_seconds: float) -> int:
    """How many calls of ``fn`` take about ``target_seconds`` (so one sample is not all timer noise)."""
    calls = 1
    while calls < 1 << 20:
        elapsed = seconds_per_call(fn, calls) * calls
        if elapsed >= target_seconds:
            break
        calls = max(2 * calls, math.ceil(1.2 * calls * target_seconds / max(elapsed, 1e-9)))
    return min(calls, 1 << 20)


def summary(samples: list[float]) -> dict[str, float]:
    """Median (the number reported), minimum and spread of timing samples."""
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "samples": list(samples),
    }


def settle(fn: Callable[[], Any], pause: float = 0.2) -> None:
    """Let the thread pools of the previous candidate go idle, then warm ``fn`` up once.

    OpenBLAS (NumPy) and OpenMP (PyTorch) worker threads spin for up to ~0.1 s after their last
    job; on a 2-core machine that spinning slows the next candidate several-fold if it starts at
    once, so switching between libraries without a pause measures the switch, not the library.
    """
    time.sleep(pause)
    fn()


def interleaved(
    candidates: dict[str, Callable[[], Any]],
    repeats: int,
    calls: dict[str, int] | None = None,
    pause: float = 0.2,
    warm: dict[str, Callable[[], Any]] | None = None,
) -> dict[str, dict[str, float]]:
    """Time every candidate once per round, round after round, so slow drifts of a shared machine
    (other processes on the same cores) hit all candidates alike; returns per-call summaries.
    Before each sample the candidate settles (``settle``) with ``warm[name]`` (default: itself)."""
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, fn in candidates.items():
            settle((warm or {}).get(name, fn), pause)
            samples[name].append(seconds_per_call(fn, (calls or {}).get(name, 1)))
    return {name: summary(values) for name, values in samples.items()}


def machine() -> dict[str, Any]:
    """Where the numbers come from: CPU, cores, Python, NumPy's BLAS, PyTorch if present."""
    import numpy as np

    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "numpy": np.__version__,
        "blas": _blas_name(np),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
    }
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    except ImportError:
        info["torch"] = None
    return info


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _blas_name(np: Any) -> str:
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:
        return "unknown"


def git_revision(repo: str) -> str:
    """The commit the benchmarked code came from, with '+dirty' when the tree has changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
