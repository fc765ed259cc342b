"""tinygrad_adam: a small, exact deep-learning framework built around the Adam optimizer.

``import tinygrad_adam as tg`` gives tensors with reverse-mode autodiff on the CPU (NumPy) or a GPU
(CuPy); ``tg.nn``, ``tg.optim``, ``tg.data`` and friends are loaded when first used.
"""

from __future__ import annotations

import importlib
from typing import Any

from .autograd import enable_grad, grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .backend import get_default_device, is_cuda_available, manual_seed, set_default_device
from .gradcheck import gradcheck
from .tensor import (
    Tensor,
    arange,
    bool_,
    cat,
    chunk,
    concatenate,
    float16,
    float32,
    float64,
    from_numpy,
    full,
    int8,
    int32,
    int64,
    matmul,
    ones,
    ones_like,
    rand,
    randn,
    split,
    stack,
    tensor,
    uint8,
    unbind,
    where,
    zeros,
    zeros_like,
)

__version__ = "0.1.0"

_SUBMODULES = {"nn", "optim", "data", "datasets", "train", "checkpoint", "viz", "rng", "cuda"}
# Top-level names that live in a submodule, loaded with it on first use: name -> submodule.
_LAZY_NAMES = {
    "save": "checkpoint",
    "load": "checkpoint",
    "get_rng_state": "rng",
    "set_rng_state": "rng",
    "fit": "train",
    "evaluate": "train",
    "predict": "train",
}


def __getattr__(name: str) -> Any:
    # Submodules load on first use so that `import tinygrad_adam` stays fast.
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'tinygrad_adam' has no attribute {name!r}")


__all__ = [
    "Tensor",
    "arange",
    "bool_",
    "cat",
    "chunk",
    "concatenate",
    "enable_grad",
    "float16",
    "float32",
    "float64",
    "from_numpy",
    "full",
    "get_default_device",
    "grad",
    "gradcheck",
    "inference_mode",
    "int8",
    "int32",
    "int64",
    "is_cuda_available",
    "is_grad_enabled",
    "manual_seed",
    "matmul",
    "no_grad",
    "ones",
    "ones_like",
    "rand",
    "randn",
    "set_default_device",
    "set_grad_enabled",
    "split",
    "stack",
    "tensor",
    "uint8",
    "unbind",
    "where",
    "zeros",
    "zeros_like",
]
