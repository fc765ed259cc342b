"""Time one CNN training step (zero_grad, forward, cross-entropy, backward, Adam step), ours beside
PyTorch's CPU eager when torch is importable. Run by hand, never in CI:
    /work/torchvenv/bin/python benchmarks/cnn.py [--repeats 20]
Prints the median milliseconds per step of each model and the ratio ours / PyTorch.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import tinygrad_adam as tg  # noqa: E402

try:
    import torch
except ImportError:  # run with a venv without torch: only our column
    torch = None


def lenet(nn):
    """Conv-ReLU-MaxPool twice and a Linear, on 28x28 single-channel images."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
    )  # fmt: skip


def digits_cnn(nn):
    """The model of examples/cnn_digits.py, on 8x8 images."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout2d(0.1),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(32, 10),
    )  # fmt: skip


MODELS = {"lenet 28x28 b64": (lenet, 28, 64), "cnn_digits 8x8 b32": (digits_cnn, 8, 32)}


def median_step_ms(step, repeats: int) -> float:
    step()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def ours(build, size: int, batch: int, repeats: int) -> float:
    tg.manual_seed(0)
    model = build(tg.nn)
    optimizer = tg.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    x = tg.Tensor(rng.standard_normal((batch, 1, size, size), dtype=np.float32))
    y = tg.Tensor(rng.integers(0, 10, batch))

    def step():
        optimizer.zero_grad()
        tg.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()

    return median_step_ms(step, repeats)


def theirs(build, size: int, batch: int, repeats: int) -> float:
    torch.manual_seed(0)
    model = build(torch.nn)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.standard_normal((batch, 1, size, size), dtype=np.float32))
    y = torch.from_numpy(rng.integers(0, 10, batch))

    def step():
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()

    return median_step_ms(step, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    print(f"{'model':<22}{'ours ms':>10}{'torch ms':>10}{'ratio':>8}")
    for name, (build, size, batch) in MODELS.items():
        mine = ours(build, size, batch, args.repeats)
        if torch is None:
            print(f"{name:<22}{mine:>10.2f}{'-':>10}{'-':>8}")
        else:
            reference = theirs(build, size, batch, args.repeats)
            print(f"{name:<22}{mine:>10.2f}{reference:>10.2f}{mine / reference:>8.2f}")


if __name__ == "__main__":
    main()
