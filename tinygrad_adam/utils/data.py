"""``tinygrad_adam.utils.data`` is ``tinygrad_adam.data`` under PyTorch's path
(``from tinygrad_adam.utils.data import DataLoader``, as ``torch.utils.data``): the same objects,
every name ``tg.data`` exports, so the two never drift apart."""

from .. import data as _data

__all__ = list(_data.__all__)
globals().update({name: getattr(_data, name) for name in __all__})
