"""``tg.set_num_threads`` / ``tg.get_num_threads``: how many threads the CPU's BLAS (and OpenMP) use.

On the CPU the heavy work is NumPy's matrix products, which run on the BLAS library NumPy was built
with (OpenBLAS, MKL, BLIS, ...); everything else runs on one thread. As ``torch.set_num_threads``
caps PyTorch's intra-op threads, ``set_num_threads(n)`` caps that library's threads, for the rest of
the process. Finding the loaded library and its thread setter is done by threadpoolctl (the
package scikit-learn uses for the same), imported on first call only.
"""

from __future__ import annotations

import numbers
from typing import Any


def _controller() -> Any:
    import numpy.linalg  # noqa: F401  (loads the BLAS library NumPy links, so it can be found)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def set_num_threads(num_threads: int) -> None:
    """Use at most ``num_threads`` threads in the CPU's BLAS and OpenMP pools from now on."""
    # RuntimeError for both, as PyTorch raises.
    if isinstance(num_threads, bool) or not isinstance(num_threads, numbers.Integral):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(num_threads).__name__}")
    if num_threads <= 0:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {num_threads}")
    _controller().limit(limits=int(num_threads))


def get_num_threads() -> int:
    """The number of threads the CPU's BLAS uses for a matrix product (1 if none is loaded)."""
    pools = [info for info in _controller().info() if info.get("user_api") == "blas"]
    return max((int(info["num_threads"]) for info in pools), default=1)
