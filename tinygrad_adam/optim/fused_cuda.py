"""The compiled fused steps on CUDA: fused.py's loops as CuPy kernels, one launch per step.

Each kernel body is C++ over one element, with every intermediate in the array dtype ``T``
(float or double) and the plain rule's operations in the plain rule's order. NVRTC compiles it
with IEEE-rounded division and square root and without contraction into fused multiply-adds
(``NVRTC_OPTIONS``), so each operation rounds once, as NumPy's do, and the results are the plain
rule's bit for bit. The bodies are module constants so that tests/test_optim_fused_cuda.py can
compile them with the host's C++ compiler and check them on the CPU, where there is no GPU.

CuPy is imported on first use only, by ``kernels()``, never by ``import tinygrad_adam``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from types import SimpleNamespace
from typing import Any

# Every rounding as in NumPy: no a·b + c contracted into one rounding, IEEE division and square
# root (NVRTC's defaults, stated so that no default can change them), subnormals kept.
NVRTC_OPTIONS = ("--fmad=false", "--prec-div=true", "--prec-sqrt=true", "--ftz=false")

# Adam and AdamW (AdamRule in fused.py), as adam_step: θ·(1 − γλ); m + (g − m)·(1 − β₁);
# v·β₂ + ((1 − β₂)·g)·g; θ + (m / (√v + ε̂))·(−αₜ).
ADAM_IN_PARAMS = "T grad, T decay, T weight1, T beta2, T weight2, T eps_hat, T neg_step"
ADAM_OUT_PARAMS = "T param, T exp_avg, T exp_avg_sq"
ADAM_BODY = """
T m = exp_avg + (grad - exp_avg) * weight1;
T v = exp_avg_sq * beta2 + (weight2 * grad) * grad;
param = param * decay + (m / (sqrt(v) + eps_hat)) * neg_step;
exp_avg = m;
exp_avg_sq = v;
"""

# SGD with heavy-ball momentum (SGDRule), as sgd_step: b ← b·μ + (1 − τ)·g;  θ ← θ + (−γ)·b.
SGD_MOMENTUM_IN_PARAMS = "T grad, T momentum, T weight, T neg_lr"
SGD_MOMENTUM_OUT_PARAMS = "T param, T momentum_buffer"
SGD_MOMENTUM_BODY = """
T b = momentum_buffer * momentum + weight * grad;
momentum_buffer = b;
param = param + neg_lr * b;
"""

# make_kernel(in_params, out_params, body, name) -> a call taking the inputs, then the outputs.
KernelFactory = Callable[[str, str, str, str], Callable[..., Any]]


def build(make_kernel: KernelFactory) -> SimpleNamespace:
    """The steps with the numba loops' arguments (fused.py), on kernels from ``make_kernel``:
    ``cupy_kernel`` on a GPU, a host compiler in the tests."""
    adam_kernel = make_kernel(ADAM_IN_PARAMS, ADAM_OUT_PARAMS, ADAM_BODY, "tinygrad_adam_adam")
    sgd_momentum_kernel = make_kernel(
        SGD_MOMENTUM_IN_PARAMS, SGD_MOMENTUM_OUT_PARAMS, SGD_MOMENTUM_BODY, "tinygrad_adam_sgd_momentum"
    )

    def adam(param, grad, exp_avg, exp_avg_sq, decay, weight1, beta2, weight2, eps_hat, neg_step):  # noqa: ANN001, ANN202
        adam_kernel(grad, decay, weight1, beta2, weight2, eps_hat, neg_step, param, exp_avg, exp_avg_sq)

    def sgd_momentum(param, grad, momentum_buffer, momentum, weight, neg_lr):  # noqa: ANN001, ANN202
        sgd_momentum_kernel(grad, momentum, weight, neg_lr, param, momentum_buffer)

    return SimpleNamespace(adam=adam, sgd_momentum=sgd_momentum)


def cupy_kernel(in_params: str, out_params: str, body: str, name: str) -> Callable[..., Any]:
    """An elementwise CuPy kernel that updates its output arrays in place, launched on their GPU."""
    import cupy

    kernel = cupy.ElementwiseKernel(in_params, out_params, body, name, options=NVRTC_OPTIONS, no_return=True)

    def launch(*arrays_and_scalars: Any) -> None:
        # The current device must hold the arrays (else CuPy reaches them over peer access).
        with arrays_and_scalars[-1].device:
            kernel(*arrays_and_scalars)

    return launch


@cache
def kernels() -> SimpleNamespace:
    """The CUDA steps; each kernel is compiled (or loaded from CuPy's cache) on its first launch."""
    return build(cupy_kernel)
