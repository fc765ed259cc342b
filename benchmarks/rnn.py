"""Recurrent-layer training speed, ours against PyTorch CPU eager, in one run (by hand, never in CI).

One step is zero_grad, forward, MSE loss on the output, backward and an Adam step, for LSTM and GRU
of 1 and 2 layers. Run it with a Python that has torch to get the PyTorch column and the ratio:

    cd /work/main && /work/torchvenv/bin/python benchmarks/rnn.py [--repeats 7]

On a busy machine pin both to one thread (PyTorch then takes OPENBLAS_NUM_THREADS too):

    OPENBLAS_NUM_THREADS=1 /work/torchvenv/bin/python benchmarks/rnn.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import tinygrad_adam as tg  # noqa: E402

try:
    import torch
except ImportError:  # the PyTorch column is left out
    torch = None

INPUT, HIDDEN, SEQUENCE, BATCH = 32, 128, 50, 64


def median_seconds(step: Callable[[], Any], repeats: int) -> float:
    step()  # warm up: first-call allocations and lazy imports are not what we measure
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def ours_step(kind: str, layers: int, x: np.ndarray, y: np.ndarray) -> Callable[[], None]:
    model = getattr(tg.nn, kind)(INPUT, HIDDEN, num_layers=layers)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed steps per case (median reported)")
    args = parser.parse_args()
    threads = os.environ.get("OPENBLAS_NUM_THREADS")
    if torch is not None and threads:
        torch.set_num_threads(int(threads))  # the same number of threads as NumPy's BLAS
    rng = np.random.default_rng(0)
    x = rng.standard_normal((SEQUENCE, BATCH, INPUT)).astype(np.float32)
    y = rng.standard_normal((SEQUENCE, BATCH, HIDDEN)).astype(np.float32)
    print(
        f"training step, input {INPUT}, hidden {HIDDEN}, seq {SEQUENCE}, batch {BATCH}, "
        f"median of {args.repeats} (ms), "
        f"BLAS threads {threads or 'default'}"
    )
    print(f"{'model':<14}{'ours':>10}{'torch':>10}{'ours/torch':>12}")
    for kind in ("LSTM", "GRU"):
        for layers in (1, 2):
            ours = median_seconds(ours_step(kind, layers, x, y), args.repeats)
            row = f"{kind + ' x' + str(layers):<14}{ours * 1e3:>10.2f}"
            if torch is not None:
                theirs = median_seconds(torch_step(kind, layers, x, y), args.repeats)
                row += f"{theirs * 1e3:>10.2f}{ours / theirs:>12.2f}"
            print(row)


if __name__ == "__main__":
    main()
