"""Feeding models: datasets, batched loading onto a device, splits and standardisation."""

from .dataset import Dataset, IterableDataset, Subset, TensorDataset, random_split
from .loader import DataLoader, default_collate
from .preprocessing import Standardizer, standardize, train_val_split

__all__ = [
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "Standardizer",
    "Subset",
    "TensorDataset",
    "default_collate",
    "random_split",
    "standardize",
    "train_val_split",
]
