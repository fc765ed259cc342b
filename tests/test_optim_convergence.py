"""Every optimizer drives a small regression and a small softmax classifier to a low loss.

The models are raw Tensors (``x @ w + b``) so that these tests depend on the optimizers alone.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg

OPTIM = tg.optim
# (class, kwargs for the regression, kwargs for the classifier)
SETTINGS = [
    (OPTIM.SGD, dict(lr=0.1), dict(lr=1.0)),
    (OPTIM.Momentum, dict(lr=0.05), dict(lr=0.3)),
    (OPTIM.SGD, dict(lr=0.05, momentum=0.9, nesterov=True), dict(lr=0.3, momentum=0.9, nesterov=True)),
    (OPTIM.RMSprop, dict(lr=0.03), dict(lr=0.01)),
    (OPTIM.Adagrad, dict(lr=0.5), dict(lr=0.5)),
    (OPTIM.Adadelta, dict(lr=7.0), dict(lr=10.0)),
    (OPTIM.Adam, dict(lr=0.05), dict(lr=0.05)),
    (OPTIM.AdamW, dict(lr=0.05, weight_decay=1e-3), dict(lr=0.05, weight_decay=1e-3)),
    (OPTIM.Adamax, dict(lr=0.1), dict(lr=0.1)),
    (OPTIM.NAdam, dict(lr=0.05), dict(lr=0.05)),
    (OPTIM.RAdam, dict(lr=0.1), dict(lr=0.1)),
    (OPTIM.AdaBound, dict(lr=0.05, final_lr=0.1), dict(lr=0.05, final_lr=0.5)),
    (OPTIM.Lion, dict(lr=0.05), dict(lr=0.01)),
]
IDS = [f"{cls.__name__}{'-nesterov' if reg.get('nesterov') else ''}" for cls, reg, _ in SETTINGS]
STEPS = 200


def regression_problem() -> tuple[tg.Tensor, tg.Tensor]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 5)).astype(np.float32)  # noqa: N806
    true_w = np.array([[1.5], [-2.0], [0.5], [3.0], [-1.0]], dtype=np.float32)
    Y = X @ true_w + 0.7 + 0.05 * rng.standard_normal((64, 1)).astype(np.float32)  # noqa: N806
    return tg.tensor(X), tg.tensor(Y)


def classification_problem() -> tuple[tg.Tensor, tg.Tensor]:
    """Three well separated Gaussian blobs in the plane, 30 points each."""
    rng = np.random.default_rng(1)
    centres = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]], dtype=np.float32)
    labels = np.repeat(np.arange(3), 30)
    X = centres[labels] + 0.4 * rng.standard_normal((90, 2)).astype(np.float32)  # noqa: N806
    return tg.tensor(X), tg.tensor(labels)


def mse(w: tg.Tensor, b: tg.Tensor, X: tg.Tensor, Y: tg.Tensor) -> tg.Tensor:  # noqa: N803
    residual = X @ w + b - Y
    return (residual * residual).mean()


def cross_entropy(w: tg.Tensor, b: tg.Tensor, X: tg.Tensor, labels: tg.Tensor) -> tg.Tensor:  # noqa: N803
    log_probs = (X @ w + b).log_softmax(axis=1)
    return -log_probs[tg.arange(labels.shape[0]), labels].mean()


def minimise(
    cls: type, kwargs: dict, loss_fn, X: tg.Tensor, Y: tg.Tensor, outputs: int
) -> tuple[float, float]:  # noqa: N803
    w = tg.zeros(X.shape[1], outputs, requires_grad=True)
    b = tg.zeros(outputs, requires_grad=True)
    optimizer = cls([w, b], **kwargs)
    initial = loss_fn(w, b, X, Y).item()
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = loss_fn(w, b, X, Y)
        loss.backward()
        optimizer.step()
    return initial, loss_fn(w, b, X, Y).item()


@pytest.mark.parametrize(("cls", "regression", "classifier"), SETTINGS, ids=IDS)
def test_optimizer_fits_a_linear_regression(cls: type, regression: dict, classifier: dict) -> None:
    X, Y = regression_problem()  # noqa: N806
    initial, final = minimise(cls, regression, mse, X, Y, outputs=1)
    assert initial > 10.0
    assert final < 0.02, f"{cls.__name__}: mse {initial:.3f} -> {final:.4f}"


@pytest.mark.parametrize(("cls", "regression", "classifier"), SETTINGS, ids=IDS)
def test_optimizer_fits_a_softmax_classifier(cls: type, regression: dict, classifier: dict) -> None:
    X, labels = classification_problem()  # noqa: N806
    initial, final = minimise(cls, classifier, cross_entropy, X, labels, outputs=3)
    assert initial == pytest.approx(np.log(3.0), rel=1e-5)
    assert final < 0.1, f"{cls.__name__}: cross-entropy {initial:.3f} -> {final:.4f}"
