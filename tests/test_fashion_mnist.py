"""End to end on the real Fashion-MNIST (Debian's dataset-fashion-mnist): one epoch beats 80 %."""

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.data import DataLoader, TensorDataset
from tinygrad_adam.nn import CrossEntropyLoss, Dense, Sequential
from tinygrad_adam.train import evaluate, fit


@pytest.fixture(scope="module")
def fashion_mnist():
    try:
        return tg.datasets.load_fashion_mnist()
    except FileNotFoundError as error:
        pytest.skip(f"Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist): {error}")


def test_one_epoch_of_an_mlp_with_adam_beats_80_percent_on_the_real_test_set(fashion_mnist):
    (x_train, y_train), (x_test, y_test) = fashion_mnist
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)

    def rows(x):
        return x.reshape(len(x), -1).astype(np.float32) / np.float32(255)

    train = DataLoader(
        TensorDataset(rows(x_train), y_train.astype(np.int64)), batch_size=128, shuffle=True, seed=0
    )
    test = DataLoader(TensorDataset(rows(x_test), y_test.astype(np.int64)), batch_size=2000)
    model = Sequential(Dense(784, 256, activation="relu"), Dense(256, 128, activation="relu"), Dense(128, 10))
    history = fit(
        model, CrossEntropyLoss(), tg.optim.Adam(model.parameters(), lr=1e-3), train, 1, verbose=False
    )
    result = evaluate(model, test, CrossEntropyLoss())
    assert history["accuracy"][0] > 0.75
    assert result["accuracy"] > 0.80, result
