"""``tg.utils``: where PyTorch code looks for helpers (``tg.utils.data`` is ``tg.data``;
``tg.utils.checkpoint`` recomputes activations in backward instead of keeping them)."""

from . import checkpoint, data

__all__ = ["checkpoint", "data"]
