"""Where a tinygrad_adam training step spends its time: cProfile of the benchmark's MLP step.

python benchmarks/profile_step.py                       # 784-256-128-10, batch 128
python benchmarks/profile_step.py --batch 1 --sizes 784,128,10 --steps 2000
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

import numpy as np
import ours


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="784,256,128,10", help="layer widths, comma-separated")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--top", type=int, default=35, help="how many functions to list")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative, ...)")
    args = parser.parse_args()
    sizes = tuple(int(n) for n in args.sizes.split(","))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.batch, sizes[0]), dtype=np.float32)
    y = rng.integers(0, sizes[-1], args.batch)
    step = ours.mlp_step(sizes)
    for _ in range(10):
        step(x, y)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.steps):
        step(x, y)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
    per_step = stats.total_tt / args.steps * 1e6
    print(f"{args.steps} steps, batch {args.batch}, sizes {sizes}: {per_step:.0f} us/step, profiled")
    stats.print_stats(args.top)


if __name__ == "__main__":
    main()
