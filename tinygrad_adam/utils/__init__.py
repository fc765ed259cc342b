"""``tg.utils``: where PyTorch code looks for helpers (``tg.utils.data`` is ``tg.data``)."""

from . import data

__all__ = ["data"]
