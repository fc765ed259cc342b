"""Recurrent-layer training speed: our plain steps, our compiled steps (numba, recurrent_fused.py)
and PyTorch CPU eager, in one run (by hand, never in CI).

One step is zero_grad, forward, MSE loss on the output, backward and an Adam step, for LSTM and GRU
of 1 and 2 layers. The clock is CPU time (``time.process_time``) with every BLAS pool (and PyTorch)
limited to one thread, and the candidates take turns step by step, so that other programs on a
busy machine neither steal time from one candidate nor shift the comparison; medians are printed:

    cd /work/main && /work/torchvenv/bin/python benchmarks/rnn.py [--repeats 21]

Without torch the PyTorch column is left out; without numba, the compiled one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import tinygrad_adam as tg  # noqa: E402
from tinygrad_adam.optim.fused import numba_available  # noqa: E402

try:
    import torch
except ImportError:  # the PyTorch column is left out
    torch = None

INPUT, HIDDEN, SEQUENCE, BATCH = 32, 128, 50, 64


def ours_step(kind: str, layers: int, x: np.ndarray, y: np.ndarray, fused: bool) -> Callable[[], None]:
    tg.manual_seed(0)
    model = getattr(tg.nn, kind)(INPUT, HIDDEN, num_layers=layers)
    model.fused = fused
    optimizer = tg.optim.Adam(model.parameters(), lr=1e-3)
    inputs, targets = tg.tensor(x), tg.tensor(y)

    def step() -> None:
        optimizer.zero_grad()
        output, _ = model(inputs)
        loss = ((output - targets) ** 2).mean()
        loss.backward()
        optimizer.step()

    return step


def torch_step(kind: str, layers: int, x: np.ndarray, y: np.ndarray) -> Callable[[], None]:
    torch.manual_seed(0)
    model = getattr(torch.nn, kind)(INPUT, HIDDEN, num_layers=layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    inputs, targets = torch.from_numpy(x), torch.from_numpy(y)

    def step() -> None:
        optimizer.zero_grad()
        output, _ = model(inputs)
        loss = ((output - targets) ** 2).mean()
        loss.backward()
        optimizer.step()

    return step


def median_cpu_seconds(steps: dict[str, Callable[[], None]], repeats: int) -> dict[str, float]:
    """The median CPU time of each step, the steps taking turns (in a rotating order) ``repeats`` times."""
    for step in steps.values():  # warm up: first-call allocations, compilation, lazy imports
        step()
        step()
    names = list(steps)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for repeat in range(repeats):
        for k in range(len(names)):
            name = names[(repeat + k) % len(names)]
            start = time.process_time()
            steps[name]()
            samples[name].append(time.process_time() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21, help="timed steps per candidate (median reported)")
    args = parser.parse_args()
    if torch is not None:
        torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((SEQUENCE, BATCH, INPUT)).astype(np.float32)
    y = rng.standard_normal((SEQUENCE, BATCH, HIDDEN)).astype(np.float32)
    compiled = numba_available()
    print(
        f"training step, input {INPUT}, hidden {HIDDEN}, seq {SEQUENCE}, batch {BATCH}: median CPU ms "
        f"of {args.repeats} interleaved steps, one thread"
    )
    header = f"{'model':<10}{'plain':>9}"
    header += f"{'compiled':>10}{'plain/comp':>12}" if compiled else ""
    header += f"{'torch':>9}{'ours/torch':>12}" if torch is not None else ""
    print(header)
    with threadpool_limits(1):
        for kind in ("LSTM", "GRU"):
            for layers in (1, 2):
                steps = {"plain": ours_step(kind, layers, x, y, False)}
                if compiled:
                    steps["compiled"] = ours_step(kind, layers, x, y, True)
                if torch is not None:
                    steps["torch"] = torch_step(kind, layers, x, y)
                ms = {name: 1e3 * s for name, s in median_cpu_seconds(steps, args.repeats).items()}
                row = f"{kind + ' x' + str(layers):<10}{ms['plain']:>9.2f}"
                if compiled:
                    row += f"{ms['compiled']:>10.2f}{ms['plain'] / ms['compiled']:>11.2f}x"
                if torch is not None:
                    best = ms["compiled"] if compiled else ms["plain"]
                    row += f"{ms['torch']:>9.2f}{best / ms['torch']:>11.2f}x"
                print(row, flush=True)


if __name__ == "__main__":
    main()
