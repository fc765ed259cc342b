"""Benchmarks of tinygrad_adam against PyTorch, hand-written NumPy and the hardware floors.

    python benchmarks/run.py                     # everything (a few minutes)
    python benchmarks/run.py --quick             # fewer samples and repeats (under a minute)
    python benchmarks/run.py --only mlp,optim    # a subset of: mlp, step, optim, layers, import, memory, gpu

``gpu`` (Adam steps on CUDA, CuPy kernels vs plain CuPy vs PyTorch on the GPU) runs where CuPy sees
a GPU; elsewhere it prints one line saying why it was skipped.

Each benchmark runs its candidates side by side in this one process, round after round, and reports
medians and ratios to references measured in the same run: on a shared machine only the ratios of one
run mean something. The Markdown table goes to stdout, all samples to benchmarks/results/*.json.
PyTorch rows appear when torch is importable (e.g. run this with a Python that has torch).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

import numpy as np
import ours
import references
import timing

HERE = os.path.dirname(os.path.abspath(__file__))
BENCHMARKS = ("mlp", "step", "optim", "layers", "import", "memory", "gpu")
MLP_SIZES = (784, 256, 128, 10)
SMALL_SIZES = (784, 128, 10)
BATCH = 128
POOL = 256  # distinct batches cycled through in the small-batch benchmark


def synthetic_data(samples: int, features: int = 784, classes: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Fixed random float32 inputs and int64 labels: the same data for every candidate."""
    rng = np.random.default_rng(0)
    return rng.standard_normal((samples, features), dtype=np.float32), rng.integers(0, classes, samples)


def batch_bounds(samples: int, batch: int) -> list[tuple[int, int]]:
    return [(start, min(start + batch, samples)) for start in range(0, samples, batch)]


def warm_up(steps: dict[str, Any], x: Any, y: Any, count: int = 5) -> None:
    for step in steps.values():
        for _ in range(count):
            step(x, y)


# ---------------------------------------------------------------------------------------------
# 1. MLP training epoch


def bench_mlp(args: argparse.Namespace, report: Report) -> None:
    samples = 12_000 if args.quick else 60_000
    repeats = 3 if args.quick else 5
    x, y = synthetic_data(samples)
    bounds = batch_bounds(samples, BATCH)
    steps: dict[str, Any] = {}
    why_not = ours.missing_pieces()
    if why_not is None:
        steps["tinygrad_adam"] = ours.mlp_step(MLP_SIZES)
        if ours.fused_available():
            steps["tinygrad_adam (plain NumPy Adam)"] = ours.mlp_step(MLP_SIZES, fused=False)
    numpy_mlp = references.NumpyMLP(MLP_SIZES)
    steps["numpy (hand-written)"] = numpy_mlp.train_step
    if references.torch_available():
        import torch

        torch_step = references.torch_mlp_step(MLP_SIZES)
        steps["pytorch eager"] = lambda xb, yb: torch_step(torch.from_numpy(xb), torch.from_numpy(yb))
    floor = references.MatmulFloor(MLP_SIZES, BATCH)
    steps["matmul floor"] = lambda xb, yb: floor.step(xb)
    warm_up(steps, x[:BATCH], y[:BATCH])

    def epoch(step: Any) -> Any:
        def run() -> None:
            for start, stop in bounds:
                step(x[start:stop], y[start:stop])

        return run

    first = {name: (lambda step=step: step(x[:BATCH], y[:BATCH])) for name, step in steps.items()}
    results = timing.interleaved({name: epoch(step) for name, step in steps.items()}, repeats, warm=first)
    report.section(
        "mlp",
        f"MLP training epoch: {'-'.join(map(str, MLP_SIZES))} ReLU, softmax cross-entropy, Adam lr 1e-3, "
        f"batch {BATCH}, {samples:,} float32 samples ({repeats} epochs each, interleaved)",
        results,
        unit="s",
        references=["pytorch eager", "numpy (hand-written)", "matmul floor"],
        note=why_not,
    )
    name = "tinygrad_adam"
    report.target("MLP epoch vs PyTorch eager", results, name, "pytorch eager", 0.9)
    report.target("MLP epoch vs hand-written NumPy", results, name, "numpy (hand-written)", 1.1)
    report.target("MLP epoch vs matmul floor", results, name, "matmul floor", 1.8)
    name = "tinygrad_adam (plain NumPy Adam)"
    if name in results:
        for what, reference, limit in (
            ("MLP epoch vs PyTorch eager, without numba", "pytorch eager", 0.9),
            ("MLP epoch vs hand-written NumPy, without numba", "numpy (hand-written)", 1.1),
        ):
            report.target(what, results, name, reference, limit)


# ---------------------------------------------------------------------------------------------
# 2. Small-batch overhead


def bench_step(args: argparse.Namespace, report: Report) -> None:
    repeats = 3 if args.quick else 7
    target = 0.05 if args.quick else 0.2
    why_not = ours.missing_pieces()
    for batch, limit in ((1, 1.5), (32, 1.0)):
        # A pool of different batches, cycled: one batch repeated thousands of times is learnt to a
        # zero loss, and its vanishing gradients turn into denormal floats that slow NumPy 100-fold.
        x, y = synthetic_data(batch * POOL)
        steps: dict[str, Any] = {}  # name -> (step, inputs, labels) in the arrays the step takes
        if why_not is None:
            steps["tinygrad_adam"] = (ours.mlp_step(SMALL_SIZES), x, y)
        steps["numpy (hand-written)"] = (references.NumpyMLP(SMALL_SIZES).train_step, x, y)
        if references.torch_available():
            import torch

            steps["pytorch eager"] = (
                references.torch_mlp_step(SMALL_SIZES),
                torch.from_numpy(x),
                torch.from_numpy(y),
            )
        candidates = {name: _cycling(*entry, batch) for name, entry in steps.items()}
        for call in candidates.values():
            for _ in range(20):
                call()
        calls = {name: timing.calls_for(fn, target) for name, fn in candidates.items()}
        results = timing.interleaved(candidates, repeats, calls)
        report.section(
            f"step_batch{batch}",
            f"One training step, {'-'.join(map(str, SMALL_SIZES))} MLP, batch {batch} "
            f"(zero_grad, forward, loss, backward, Adam step)",
            results,
            unit="us",
            references=["pytorch eager", "numpy (hand-written)"],
            note=why_not,
        )
        report.target(f"batch-{batch} step vs PyTorch", results, "tinygrad_adam", "pytorch eager", limit)


def _cycling(step: Any, inputs: Any, labels: Any, batch: int) -> Any:
    """A call without arguments that runs ``step`` on the next batch of the pool."""
    batches = [
        (inputs[i * batch : (i + 1) * batch], labels[i * batch : (i + 1) * batch]) for i in range(POOL)
    ]
    position = [0]

    def call() -> None:
        step(*batches[position[0] % POOL])
        position[0] += 1

    return call


# ---------------------------------------------------------------------------------------------
# 3. Optimizer step


def bench_optim(args: argparse.Namespace, report: Report) -> None:
    sizes = (10**5, 10**6) if args.quick else (10**5, 10**6, 10**7)
    repeats = 3 if args.quick else 7
    target = 0.03 if args.quick else 0.1
    rng = np.random.default_rng(0)
    for total in sizes:
        per_tensor = total // 10  # 10 tensors, as the layers of a small model
        rows = max(d for d in range(1, math.isqrt(per_tensor) + 1) if per_tensor % d == 0)
        shapes = [(rows, per_tensor // rows)] * 10
        arrays = [rng.standard_normal(s, dtype=np.float32) for s in shapes]
        grads = [rng.standard_normal(s, dtype=np.float32) for s in shapes]
        params = sum(a.size for a in arrays)
        builders: dict[str, Any] = {}
        notes = []
        wanted = args.optimizers.split(",") if args.optimizers else list(ours.OPTIMIZERS)
        available = [name for name in ours.available_optimizers() if name in wanted]
        missing = [name for name in wanted if name not in available]
        for name in available:
            builders[f"tg.optim.{name}"] = lambda name=name, a=arrays, g=grads: ours.optimizer_step(
                name, a, g
            )
        if ours.fused_available():
            for name in ours.FUSED_OPTIMIZERS:
                if name in available:
                    builders[f"tg.optim.{name} (fused, numba)"] = lambda n=name, a=arrays, g=grads: (
                        ours.optimizer_step(n, a, g, fused=True)
                    )
        else:
            notes.append("fused rows not run: numba is not installed (pip install tinygrad_adam[fast])")
        if references.torch_available():
            for variant in ("default", "foreach", "fused"):
                builders[f"torch Adam ({variant})"] = lambda v=variant, a=arrays, g=grads: _torch_adam(
                    v, a, g
                )
        for label, block in (("one buffer", None), ("64K blocks", references.ADAM_BLOCK)):
            builders[f"numpy flat Adam ({label})"] = lambda b=block, a=arrays, g=grads: _numpy_adam(a, g, b)
        floor = references.BandwidthFloor(params)
        floor_calls = timing.calls_for(floor.step, target)
        floor_samples: list[float] = []
        results: dict[str, Any] = {}
        for name, build in builders.items():
            try:
                step = build()
            except (TypeError, ValueError) as error:
                notes.append(f"{name}: not run ({type(error).__name__}: {error})")
                continue
            step()
            calls = timing.calls_for(step, target)
            # The candidate's samples, then the floor's, so each candidate has the floor beside it.
            timing.settle(step)
            results[name] = timing.summary([timing.seconds_per_call(step, calls) for _ in range(repeats)])
            timing.settle(floor.step)
            floor_samples += [timing.seconds_per_call(floor.step, floor_calls) for _ in range(repeats)]
            del step
            gc.collect()
        if missing:
            notes.insert(0, "not in tg.optim yet: " + ", ".join(missing))
        results["bandwidth floor (a += b, 28 B/param)"] = timing.summary(floor_samples)
        report.section(
            f"optim_{total}",
            f"Optimizer step, {params:,} float32 parameters in {len(shapes)} tensors of {shapes[0]}",
            results,
            unit="ms",
            references=["bandwidth floor (a += b, 28 B/param)", "torch Adam (fused)"],
            note="; ".join(notes) or None,
        )
        if total == 10**7:
            floor_name = "bandwidth floor (a += b, 28 B/param)"
            report.target("Adam step at 1e7 vs bandwidth floor", results, "tg.optim.Adam", floor_name, 3.0)
            report.target(
                "fused Adam step at 1e7 vs bandwidth floor",
                results,
                "tg.optim.Adam (fused, numba)",
                floor_name,
                1.5,
            )


def _torch_adam(variant: str, arrays: list[np.ndarray], grads: list[np.ndarray], device: str = "cpu") -> Any:
    import torch

    params = [torch.nn.Parameter(torch.from_numpy(a.copy()).to(device)) for a in arrays]
    for param, grad in zip(params, grads):
        param.grad = torch.from_numpy(grad.copy()).to(device)
    options = {"default": {}, "foreach": {"foreach": True}, "fused": {"fused": True}}[variant]
    return torch.optim.Adam(params, lr=1e-3, **options).step


def _numpy_adam(arrays: list[np.ndarray], grads: list[np.ndarray], block: int | None) -> Any:
    flat_params = np.concatenate([a.ravel() for a in arrays])
    flat_grads = np.concatenate([g.ravel() for g in grads])
    return references.FlatAdam(flat_params, flat_grads, block=block or flat_params.size).step


# ---------------------------------------------------------------------------------------------
# 3b. Optimizer step on the GPU


GPU_FLOOR = "GPU bandwidth floor (a += b, 28 B/param)"


def bench_gpu(args: argparse.Namespace, report: Report) -> None:
    why_not = ours.gpu_missing()
    if why_not is not None:
        report.emit(f"GPU benchmark skipped: {why_not}.")
        report.emit()
        return
    import cupy

    sizes = (10**5, 10**6) if args.quick else (10**5, 10**6, 10**7)
    repeats = 3 if args.quick else 7
    target = 0.03 if args.quick else 0.1
    torch_cuda = references.torch_available() and _torch_sees_cuda()

    def synchronize() -> None:
        ours.cuda_synchronize()
        if torch_cuda:
            import torch

            torch.cuda.synchronize()

    rng = np.random.default_rng(0)
    for total in sizes:
        per_tensor = total // 10
        rows = max(d for d in range(1, math.isqrt(per_tensor) + 1) if per_tensor % d == 0)
        shapes = [(rows, per_tensor // rows)] * 10
        arrays = [rng.standard_normal(s, dtype=np.float32) for s in shapes]
        grads = [rng.standard_normal(s, dtype=np.float32) for s in shapes]
        params = sum(a.size for a in arrays)
        builders: dict[str, Any] = {
            "tg.optim.Adam (fused, CuPy kernel)": lambda a=arrays, g=grads: ours.optimizer_step(
                "Adam", a, g, fused=True, device="cuda"
            ),
            "tg.optim.Adam (plain CuPy)": lambda a=arrays, g=grads: ours.optimizer_step(
                "Adam", a, g, fused=False, device="cuda"
            ),
        }
        notes = [] if torch_cuda else ["PyTorch rows not run: torch with CUDA is not importable here"]
        if torch_cuda:
            for variant in ("default", "foreach", "fused"):
                builders[f"torch Adam ({variant}, cuda)"] = lambda v=variant, a=arrays, g=grads: _torch_adam(
                    v, a, g, device="cuda"
                )
        floor = _gpu_bandwidth_floor(cupy, params)
        floor_calls = timing.calls_for(lambda floor=floor: (floor(), synchronize()), target)
        floor_samples: list[float] = []
        results: dict[str, Any] = {}
        for name, build in builders.items():
            try:
                step = build()
            except (TypeError, ValueError, RuntimeError) as error:
                notes.append(f"{name}: not run ({type(error).__name__}: {error})")
                continue
            step()
            step()  # the second step of tg's optimizers is the first on flat buffers
            calls = timing.calls_for(lambda step=step: (step(), synchronize()), target)
            synchronize()
            results[name] = timing.summary(
                [_gpu_seconds_per_call(step, calls, synchronize) for _ in range(repeats)]
            )
            floor_samples += [_gpu_seconds_per_call(floor, floor_calls, synchronize) for _ in range(repeats)]
            del step
            gc.collect()
        results[GPU_FLOOR] = timing.summary(floor_samples)
        report.section(
            f"gpu_optim_{total}",
            f"Optimizer step on {ours.gpu_name()}, {params:,} float32 parameters in {len(shapes)} tensors "
            f"of {shapes[0]} (device synchronized before and after each sample)",
            results,
            unit="ms",
            references=[GPU_FLOOR, "torch Adam (fused, cuda)"],
            note="; ".join(notes) or None,
        )
        if total == 10**7:
            report.target(
                "fused Adam step at 1e7 on the GPU vs its bandwidth floor",
                results,
                "tg.optim.Adam (fused, CuPy kernel)",
                GPU_FLOOR,
                1.5,
            )


def _torch_sees_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _gpu_bandwidth_floor(cupy: Any, params: int, bytes_per_param: int = 28) -> Any:
    """``a += b`` on the GPU over as many bytes as an Adam step moves (see references.BandwidthFloor)."""
    elements = math.ceil(params * bytes_per_param / 12)
    a = cupy.ones(elements, dtype=cupy.float32)
    b = cupy.full(elements, 1e-7, dtype=cupy.float32)
    return lambda: cupy.add(a, b, out=a)


def _gpu_seconds_per_call(fn: Any, calls: int, synchronize: Any) -> float:
    """Wall time of ``calls`` back-to-back calls of ``fn``, from an idle GPU until it is idle again."""
    synchronize()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    synchronize()
    return (time.perf_counter() - start) / calls


# ---------------------------------------------------------------------------------------------
# 4. Layers one by one


LAYER_BATCH = (128, 256)
# name -> (class in tg.nn, class in torch.nn, arguments): each library builds its own.
LAYERS = {
    "Dense(256, 256)": ("Dense", "Linear", (256, 256), {}),
    "ReLU": ("ReLU", "ReLU", (), {}),
    "LeakyReLU(0.1)": ("LeakyReLU", "LeakyReLU", (0.1,), {}),
    "Sigmoid": ("Sigmoid", "Sigmoid", (), {}),
    "Tanh": ("Tanh", "Tanh", (), {}),
    "GELU": ("GELU", "GELU", (), {}),
    "GELU(tanh)": ("GELU", "GELU", (), {"approximate": "tanh"}),
    "SiLU": ("SiLU", "SiLU", (), {}),
    "ELU": ("ELU", "ELU", (), {}),
    "Softplus": ("Softplus", "Softplus", (), {}),
    "Mish": ("Mish", "Mish", (), {}),
    "Softmax(dim=1)": ("Softmax", "Softmax", (), {"dim": 1}),
    "LayerNorm(256)": ("LayerNorm", "LayerNorm", (256,), {}),
    "BatchNorm1d(256)": ("BatchNorm1d", "BatchNorm1d", (256,), {}),
    "Dropout(0.2)": ("Dropout", "Dropout", (0.2,), {}),
}


def _builder(class_name: str, args: tuple, kwargs: dict) -> Any:
    return lambda nn: getattr(nn, class_name)(*args, **kwargs)


def bench_layers(args: argparse.Namespace, report: Report) -> None:
    repeats = 3 if args.quick else 7
    target = 0.02 if args.quick else 0.1
    rng = np.random.default_rng(0)
    x = rng.standard_normal(LAYER_BATCH, dtype=np.float32)
    weights = rng.standard_normal(LAYER_BATCH, dtype=np.float32)
    torch_here = references.torch_available()
    rows = {}
    for name, (ours_class, torch_class, layer_args, layer_kwargs) in LAYERS.items():
        build = _builder(ours_class, layer_args, layer_kwargs)
        candidates = {"tinygrad_adam": ours.layer_step(build, x, weights)}
        if torch_here:
            build = _builder(torch_class, layer_args, layer_kwargs)
            candidates["pytorch eager"] = references.torch_layer_step(build, x, weights)
        rows[name] = {}
        # Each library's samples in one block, after a pause: these calls are short, and switching
        # libraries call by call measures the other library's worker threads still spinning.
        for key, fn in candidates.items():
            timing.settle(fn, 0.5)
            calls = timing.calls_for(fn, target)
            rows[name].update(timing.interleaved({key: fn}, repeats, {key: calls}, pause=0.0))
    report.comparison(
        "layers",
        f"One layer's forward and backward, float32 batch {LAYER_BATCH[0]}x{LAYER_BATCH[1]}: "
        "(layer(x) * w).sum().backward()",
        rows,
        candidate="tinygrad_adam",
        reference="pytorch eager",
        unit="us",
    )


# ---------------------------------------------------------------------------------------------
# 5. Import time


def bench_import(args: argparse.Namespace, report: Report) -> None:
    repeats = 5 if args.quick else 15
    code = "import time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"
    # As after `pip install`, which compiles the bytecode: each interpreter reads cached .pyc files
    # (in a scratch folder, whatever PYTHONDONTWRITEBYTECODE says here) instead of compiling source.
    bytecode = tempfile.mkdtemp(prefix="tinygrad_adam_pycache_")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = bytecode

    def import_seconds(module: str) -> float:
        done = subprocess.run(
            [sys.executable, "-c", code.format(module)],
            cwd=ours.REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return float(done.stdout.strip())

    samples: dict[str, list[float]] = {"numpy": [], "tinygrad_adam": []}
    try:
        for module in samples:  # untimed: writes the bytecode cache
            import_seconds(module)
        for _ in range(repeats):
            for module in samples:
                samples[module].append(import_seconds(module))
    finally:
        shutil.rmtree(bytecode, ignore_errors=True)
    results = {name: timing.summary(values) for name, values in samples.items()}
    report.section(
        "import",
        f"Import time in a fresh interpreter ({repeats} runs each, interleaved, bytecode cached; "
        "tinygrad_adam's includes numpy's)",
        results,
        unit="ms",
        references=["numpy"],
    )
    extra = results["tinygrad_adam"]["median"] - results["numpy"]["median"]
    report.targets.append(
        {
            "target": "import tinygrad_adam <= import numpy + 50 ms",
            "value": f"{extra * 1e3:+.0f} ms",
            "met": extra <= 0.050,
        }
    )


# ---------------------------------------------------------------------------------------------
# 6. Memory


def bench_memory(args: argparse.Namespace, report: Report) -> None:
    steps = 300 if args.quick else 1000
    samples = 12_000 if args.quick else 60_000
    implementations = ["numpy"]
    if ours.missing_pieces() is None:
        implementations.insert(0, "tinygrad_adam")
    if references.torch_available():
        implementations.append("torch")
    rows = {}
    for name in implementations:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--memory-child",
                name,
                "--steps",
                str(steps),
                "--samples",
                str(samples),
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            rows[name] = {"error": done.stderr.strip().splitlines()[-1:]}
            continue
        rows[name] = json.loads(done.stdout.strip().splitlines()[-1])
    report.memory(rows, steps, samples)
    if "tinygrad_adam" in rows and "error" not in rows["tinygrad_adam"]:
        ours_row = rows["tinygrad_adam"]
        report.targets.append(
            {
                "target": f"memory does not grow over {steps} steps (RSS, step 100 -> {steps})",
                "value": f"{ours_row['rss_growth_mib']:+.1f} MiB RSS, "
                f"{ours_row['traced_growth_mib']:+.2f} MiB traced",
                "met": ours_row["rss_growth_mib"] < 5 and ours_row["traced_growth_mib"] < 1,
            }
        )


def memory_child(name: str, steps: int, samples: int) -> None:
    """Train ``steps`` steps in this fresh process and print its memory figures as one JSON line.

    The baseline is the process with its libraries imported and the data in RAM; what training
    adds on top (model, optimizer state, activations, allocator slack) is the peak over it.
    """
    import tracemalloc

    if name == "tinygrad_adam":
        ours.import_tg()
    elif name == "torch":
        import torch
    x, y = synthetic_data(samples)
    if name == "torch":
        x, y = torch.from_numpy(x), torch.from_numpy(y)
    gc.collect()
    record = {"rss_with_data_mib": _rss_mib()}
    _reset_peak_rss()
    tracemalloc.start()
    if name == "tinygrad_adam":
        step = ours.mlp_step(MLP_SIZES)
    elif name == "numpy":
        step = references.NumpyMLP(MLP_SIZES).train_step
    else:
        step = references.torch_mlp_step(MLP_SIZES)
    bounds = batch_bounds(samples, BATCH)
    for i in range(1, steps + 1):
        start, stop = bounds[(i - 1) % len(bounds)]
        step(x[start:stop], y[start:stop])
        if i == min(len(bounds), steps):
            record["epoch_peak_rss_mib"] = _peak_rss_mib() - record["rss_with_data_mib"]
            record["epoch_peak_traced_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        if i in (100, steps):
            gc.collect()
            record[f"rss_{i}"] = _rss_mib()
            record[f"traced_{i}"] = tracemalloc.get_traced_memory()[0] / 2**20
    record["rss_growth_mib"] = record[f"rss_{steps}"] - record["rss_100"]
    record["traced_growth_mib"] = record[f"traced_{steps}"] - record["traced_100"]
    print(json.dumps(record))


def _rss_mib() -> float:
    """Resident memory of this process now (Linux)."""
    return _status_mib("VmRSS")


def _peak_rss_mib() -> float:
    """Highest resident memory since the last ``_reset_peak_rss`` (Linux's VmHWM)."""
    return _status_mib("VmHWM")


def _reset_peak_rss() -> None:
    # Writing 5 to clear_refs restarts VmHWM from the current RSS (Linux >= 4.0), so the peak is
    # the training's own, not the data generation's (getrusage's ru_maxrss cannot be reset and
    # even survives exec from the parent).
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"/proc/self/status has no {field}")


# ---------------------------------------------------------------------------------------------
# Report: Markdown to stdout, everything to JSON


class Report:
    """Collects each benchmark's summaries, prints Markdown tables and checks the issue's targets."""

    SCALE = {"s": 1.0, "ms": 1e3, "us": 1e6}

    def __init__(self) -> None:
        self.sections: dict[str, Any] = {}
        self.targets: list[dict[str, Any]] = []
        self.lines: list[str] = []
        self.load_at_start = os.getloadavg()  # other processes on the same cores skew every number

    def emit(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def section(
        self,
        key: str,
        title: str,
        results: dict[str, Any],
        unit: str,
        references: list[str],
        note: str | None = None,
    ) -> None:
        self.sections[key] = {"title": title, "unit": unit, "results": results, "note": note}
        present = [r for r in references if r in results]
        scale = self.SCALE[unit]
        self.emit(f"### {title}")
        self.emit()
        self.emit(
            "| | " + " | ".join([f"median ({unit})", f"min ({unit})", *[f"x {r}" for r in present]]) + " |"
        )
        self.emit("|---" * (3 + len(present)) + "|")
        for name, summary in results.items():
            ratios = [summary["median"] / results[r]["median"] for r in present]
            cells = [_number(summary["median"] * scale), _number(summary["min"] * scale)]
            self.emit(f"| {name} | " + " | ".join(cells + [f"{r:.2f}" for r in ratios]) + " |")
        if note:
            self.emit()
            self.emit(f"Note: {note}")
        self.emit()

    def comparison(
        self, key: str, title: str, rows: dict[str, Any], candidate: str, reference: str, unit: str
    ) -> None:
        """One row per case (each timed by itself, candidates interleaved): medians and the ratio."""
        self.sections[key] = {"title": title, "unit": unit, "results": rows}
        scale = self.SCALE[unit]
        self.emit(f"### {title}")
        self.emit()
        self.emit(f"| | {candidate} ({unit}) | {reference} ({unit}) | ratio |")
        self.emit("|---|---|---|---|")
        for name, results in rows.items():
            ours_median = results[candidate]["median"]
            if reference in results:
                theirs = results[reference]["median"]
                cells = [_number(theirs * scale), f"{ours_median / theirs:.2f}"]
            else:
                cells = ["not measured", ""]
            self.emit(f"| {name} | {_number(ours_median * scale)} | " + " | ".join(cells) + " |")
        self.emit()

    def target(self, what: str, results: dict[str, Any], name: str, reference: str, limit: float) -> None:
        if name not in results or reference not in results:
            self.targets.append({"target": f"{what} <= {limit}x", "value": "not measured", "met": None})
            return
        ratio = results[name]["median"] / results[reference]["median"]
        self.targets.append(
            {"target": f"{what} <= {limit}x", "value": f"{ratio:.2f}x", "met": ratio <= limit}
        )

    def memory(self, rows: dict[str, Any], steps: int, samples: int) -> None:
        self.sections["memory"] = {"steps": steps, "samples": samples, "results": rows}
        self.emit(
            f"### Memory of MLP training ({samples:,} samples in RAM, batch {BATCH}, {steps} steps, "
            "fresh process each; traced = Python/NumPy allocations seen by tracemalloc)"
        )
        self.emit()
        self.emit(
            "| | RSS with libraries and data (MiB) | training's peak RSS over that, first epoch (MiB) "
            "| peak traced (MiB) "
            f"| RSS growth step 100 -> {steps} (MiB) | traced growth (MiB) |"
        )
        self.emit("|---" * 6 + "|")
        for name, row in rows.items():
            if "error" in row:
                self.emit(f"| {name} | error: {row['error']} | | | | |")
                continue
            cells = [
                row["rss_with_data_mib"],
                row["epoch_peak_rss_mib"],
                row["epoch_peak_traced_mib"],
                row["rss_growth_mib"],
                row["traced_growth_mib"],
            ]
            self.emit(f"| {name} | " + " | ".join(f"{c:.1f}" for c in cells) + " |")
        self.emit()

    def finish(self, args: argparse.Namespace, started: float) -> str:
        if self.targets:
            self.emit("### Targets of issue 5 (ratios from this run)")
            self.emit()
            self.emit("| target | measured | met |")
            self.emit("|---|---|---|")
            for t in self.targets:
                met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
                self.emit(f"| {t['target']} | {t['value']} | {met} |")
            self.emit()
        machine = timing.machine()
        machine["loadavg_start"], machine["loadavg_end"] = self.load_at_start, os.getloadavg()
        revision = timing.git_revision(ours.REPO)
        self.emit(
            f"Machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, "
            f"NumPy {machine['numpy']} ({machine['blas']}), PyTorch {machine['torch']}; "
            f"tinygrad_adam {revision}; {time.time() - started:.0f} s; load average (1 min) "
            f"{self.load_at_start[0]:.1f} at start, {machine['loadavg_end'][0]:.1f} at end; command: "
            f"`{os.path.basename(sys.executable)} benchmarks/run.py {' '.join(sys.argv[1:])}`".rstrip()
        )
        os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
        path = os.path.join(HERE, "results", time.strftime("%Y%m%d-%H%M%S") + ".json")
        with open(path, "w") as out:
            payload = {
                "argv": sys.argv[1:],
                "quick": args.quick,
                "machine": machine,
                "revision": revision,
                "sections": self.sections,
                "targets": self.targets,
                "markdown": "\n".join(self.lines),
            }
            json.dump(payload, out, indent=1)
        return path


def _number(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help="comma-separated subset of " + ", ".join(BENCHMARKS)
    )
    parser.add_argument("--quick", action="store_true", help="fewer samples and repeats (a smoke run)")
    parser.add_argument(
        "--optimizers", help="optimizers of tg.optim to run in 'optim' (default: all), e.g. Adam,SGD"
    )
    parser.add_argument(
        "--no-torch", action="store_true", help="leave PyTorch out even where it is installed"
    )
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=1000, help=argparse.SUPPRESS)
    parser.add_argument("--samples", type=int, default=60_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.steps, args.samples)
        return
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    references.USE_TORCH = not args.no_torch
    started = time.time()
    report = Report()
    runners = {
        "mlp": bench_mlp,
        "step": bench_step,
        "optim": bench_optim,
        "layers": bench_layers,
        "import": bench_import,
        "memory": bench_memory,
        "gpu": bench_gpu,
    }
    for name in BENCHMARKS:
        if name in chosen:
            runners[name](args, report)
    path = report.finish(args, started)
    print(f"\nRaw samples: {os.path.relpath(path)}")


if __name__ == "__main__":
    main()
