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
