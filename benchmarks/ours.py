"""The tinygrad_adam side of the benchmarks, written the way a user would write it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Every optimizer of tg.optim the optimizer benchmark runs (those missing are reported as such).
OPTIMIZERS = (
    "SGD",
    "Momentum",
    "RMSProp",
    "AdaGrad",
    "AdaDelta",
    "Adam",
    "AdamW",
    "Adamax",
    "NAdam",
    "RAdam",
    "AdaBound",
    "Lion",
)


def import_tg() -> Any:
    """``tinygrad_adam`` from this checkout (benchmarks run from any directory, any Python)."""
    if REPO not in sys.path:
        sys.path.insert(0, REPO)
    import tinygrad_adam

    return tinygrad_adam


def missing_pieces() -> str | None:
    """Why the tinygrad_adam MLP cannot run yet (tg.nn or tg.optim absent), or None."""
    tg = import_tg()
    try:
        tg.nn.Dense, tg.nn.Sequential, tg.nn.ReLU, tg.nn.CrossEntropyLoss  # noqa: B018
        tg.optim.Adam  # noqa: B018
    except (AttributeError, ImportError) as error:
        return f"tinygrad_adam is missing a piece the benchmark needs: {error}"
    return None


def mlp_step(
    sizes: Sequence[int], lr: float = 1e-3, seed: int = 0, fused: bool | None = None
) -> Callable[[Any, Any], Any]:
    """One training step of a ReLU MLP with softmax cross-entropy and Adam, on NumPy batches
    (``fused``: the optimizer's compiled path on/off, None = automatic)."""
    tg = import_tg()
    tg.manual_seed(seed)
    hidden = [tg.nn.Dense(i, o, activation="relu") for i, o in zip(sizes[:-2], sizes[1:-1])]
    model = tg.nn.Sequential(*hidden, tg.nn.Dense(sizes[-2], sizes[-1]))
    loss_fn = tg.nn.CrossEntropyLoss()
    optimizer = tg.optim.Adam(model.parameters(), lr=lr)
    optimizer.fused = fused

    def step(x: np.ndarray, labels: np.ndarray) -> Any:
        optimizer.zero_grad()
        # from_numpy shares the batch's memory, as the PyTorch side's torch.from_numpy does.
        loss = loss_fn(model(tg.from_numpy(x)), tg.from_numpy(labels))
        loss.backward()
        optimizer.step()
        return loss

    return step


def available_optimizers() -> list[str]:
    """The names of ``OPTIMIZERS`` that ``tg.optim`` has (all of them, once the module is done)."""
    tg = import_tg()
    try:
        optim = tg.optim
    except ImportError:
        return []
    return [name for name in OPTIMIZERS if hasattr(optim, name)]


def layer_step(build: Callable[[Any], Any], x: np.ndarray, weights: np.ndarray) -> Callable[[], None]:
    """Forward and backward of the layer ``build(tg.nn)`` on ``x``: ``(layer(x) * weights).sum()
    .backward()`` (fixed weights, so that every output counts), the input's gradient dropped first."""
    tg = import_tg()
    layer = build(tg.nn)
    inputs, w = tg.tensor(x, requires_grad=True), tg.tensor(weights)

    def step() -> None:
        inputs.grad = None
        (layer(inputs) * w).sum().backward()

    return step


# Optimizers with a compiled fused step (tg.optim.fused, numba) at their default settings.
FUSED_OPTIMIZERS = ("Adam", "AdamW", "Momentum")


def fused_available() -> bool:
    """Whether tg.optim's compiled fused steps can run here (numba installed)."""
    return bool(import_tg().optim.fused.numba_available())


def optimizer_step(
    name: str,
    arrays: Sequence[np.ndarray],
    grads: Sequence[np.ndarray],
    fused: bool = False,
    device: str | None = None,
) -> Callable[[], None]:
    """``optimizer.step`` of ``tg.optim.<name>`` (lr 1e-3, other settings default) over fresh
    parameters with fixed gradients on ``device`` (default: tg's default device); ``fused`` picks
    the compiled step (numba on the CPU, CuPy kernels on CUDA), else the plain array operations."""
    tg = import_tg()
    params = [tg.Tensor(a.copy(), requires_grad=True, device=device) for a in arrays]
    for param, grad in zip(params, grads):
        param.grad = tg.Tensor(grad, device=device)
    optimizer = getattr(tg.optim, name)(params, lr=1e-3)
    optimizer.fused = fused
    return optimizer.step


def gpu_missing() -> str | None:
    """Why the GPU benchmark cannot run here (CuPy missing, or it sees no GPU), or None."""
    try:
        import cupy
    except ImportError:
        return "CuPy is not installed (pip install tinygrad_adam[gpu])"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as error:  # no driver, or a broken one
        return f"CuPy sees no GPU ({type(error).__name__}: {error})"
    return None if count > 0 else "CuPy sees no GPU"


def gpu_name() -> str:
    """The name of CUDA device 0, as its driver reports it."""
    import cupy

    name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def cuda_synchronize() -> None:
    """Wait until CuPy's work queued on the current GPU is done (timings end here)."""
    import cupy

    cupy.cuda.Device().synchronize()
