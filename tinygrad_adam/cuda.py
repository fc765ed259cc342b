"""``tg.cuda.is_available()`` and ``tg.cuda.device_count()``, spelled as in ``torch.cuda``, so that
``device = "cuda" if tg.cuda.is_available() else "cpu"`` reads the same in both."""

from __future__ import annotations

from . import amp  # noqa: F401 (torch.cuda.amp.GradScaler / autocast, PyTorch's older spelling)
from .backend import cuda_device_count, is_cuda_available


def is_available() -> bool:
    """Whether tensors can be put on ``"cuda"``: CuPy is installed and sees a GPU."""
    return is_cuda_available()


def device_count() -> int:
    """The number of GPUs ``"cuda:N"`` can name (N from 0), 0 when there is none."""
    return cuda_device_count()


def _seed_cuda(seed: int, every_device: bool) -> None:
    from . import backend as _backend_module

    if isinstance(seed, bool) or not isinstance(seed, (int, _backend_module.np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    count = cuda_device_count()
    if count == 0:
        return  # as torch: seeding CUDA without a GPU does nothing
    default = _backend_module.get_default_device()
    current = int(default.partition(":")[2]) if default.startswith("cuda") else 0
    for index in range(count) if every_device else (current,):
        _backend_module.get_backend(f"cuda:{index}").manual_seed(int(seed))


def manual_seed(seed: int) -> None:
    """Seed the current GPU's generator (the default device's, else ``"cuda:0"``), as
    ``torch.cuda.manual_seed``; without a GPU it does nothing, so scripts run unchanged on the CPU."""
    _seed_cuda(seed, every_device=False)


def manual_seed_all(seed: int) -> None:
    """Seed every GPU's generator, as ``torch.cuda.manual_seed_all``; nothing without a GPU."""
    _seed_cuda(seed, every_device=True)


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False, so scripts that ask before choosing bfloat16 pick float32: tensors here cannot hold
    bfloat16 (NumPy has no such type), on any device."""
    return False
