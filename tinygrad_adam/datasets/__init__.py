"""Datasets as NumPy arrays: Fashion-MNIST and MNIST (IDX files), CIFAR-10/100, image sets of any size
(IDX or .npz files: ``load_images``) and CSV files you bring, the bundled 8x8 digits, toy problems."""

from .cifar import (
    CIFAR10_CLASSES,
    CIFAR100_COARSE_CLASSES,
    CIFAR100_FINE_CLASSES,
    load_cifar10,
    load_cifar100,
)
from .csv import load_csv
from .digits import load_digits
from .idx import read_idx, write_idx
from .images import load_images
from .mnist import FASHION_MNIST_CLASSES, load_fashion_mnist, load_mnist
from .synthetic import make_moons, make_regression, make_spirals

__all__ = [
    "CIFAR10_CLASSES",
    "CIFAR100_COARSE_CLASSES",
    "CIFAR100_FINE_CLASSES",
    "FASHION_MNIST_CLASSES",
    "load_cifar10",
    "load_cifar100",
    "load_csv",
    "load_digits",
    "load_fashion_mnist",
    "load_images",
    "load_mnist",
    "make_moons",
    "make_regression",
    "make_spirals",
    "read_idx",
    "write_idx",
]
