"""Datasets as NumPy arrays: Fashion-MNIST and MNIST (IDX files), the bundled 8x8 digits, toy problems."""

from .digits import load_digits
from .idx import read_idx, write_idx
from .mnist import FASHION_MNIST_CLASSES, load_fashion_mnist, load_mnist
from .synthetic import make_moons, make_regression, make_spirals

__all__ = [
    "FASHION_MNIST_CLASSES",
    "load_digits",
    "load_fashion_mnist",
    "load_mnist",
    "make_moons",
    "make_regression",
    "make_spirals",
    "read_idx",
    "write_idx",
]
