"""``tinygrad_adam.utils.data`` is ``tinygrad_adam.data`` under PyTorch's path
(``from tinygrad_adam.utils.data import DataLoader``, as ``torch.utils.data``)."""

from ..data import (
    DataLoader,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)

__all__ = [
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "Subset",
    "TensorDataset",
    "default_collate",
    "random_split",
]
