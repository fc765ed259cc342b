"""``gradcheck``: compare autodiff gradients with central finite differences, in float64."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .autograd import grad
from .tensor import Tensor, float64


def numerical_grad(
    fn: Callable[..., Tensor], inputs: Sequence[Tensor], eps: float = 1e-6
) -> list[np.ndarray]:
    """d sum(fn(*inputs) * w) / d input by central differences, with w the fixed weights below."""
    hosts = [t.numpy().astype(np.float64).copy() for t in inputs]
    weights = None
    grads = []

    def evaluate(values: list[np.ndarray]) -> float:
        nonlocal weights
        out = fn(*[Tensor(v, device=t.device) for v, t in zip(values, inputs)]).numpy().astype(np.float64)
        if weights is None:
            weights = _weights(out.shape)
        return float(np.sum(out * weights))

    evaluate(hosts)
    for host in hosts:
        g = np.zeros_like(host)
        flat = host.reshape(-1)
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + eps
            plus = evaluate(hosts)
            flat[i] = original - eps
            minus = evaluate(hosts)
            flat[i] = original
            g.reshape(-1)[i] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


def _weights(shape: tuple[int, ...]) -> np.ndarray:
    """Fixed, distinct weights so every output element's gradient is checked, not just their sum."""
    size = int(np.prod(shape, dtype=np.int64))
    return (np.arange(size, dtype=np.float64).reshape(shape) % 7 + 1) / 7


def gradcheck(
    fn: Callable[..., Tensor],
    inputs: Sequence[Tensor],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    raise_exception: bool = True,
) -> bool:
    """True when ``fn``'s autodiff gradients match central differences for every float64 input.

    ``fn`` maps the input tensors to one output tensor; inputs must be float64 tensors (the
    differences are meaningless in float32). A mismatch raises ``AssertionError`` naming the
    input and the largest error, or returns False with ``raise_exception=False``.
    """
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be a function of the input tensors, got {type(fn).__name__}")
    if not (isinstance(eps, (int, float)) and 0 < eps < float("inf")):
        raise ValueError(f"gradcheck: eps must be a positive number, got {eps!r}")
    if isinstance(inputs, Tensor):
        inputs = [inputs]
    inputs = list(inputs)
    for position, t in enumerate(inputs):
        if not isinstance(t, Tensor) or t.dtype != float64:
            raise TypeError(
                f"gradcheck input {position} must be a float64 Tensor, got {getattr(t, 'dtype', type(t))}"
            )
    leaves = [Tensor(t.numpy(), device=t.device, requires_grad=True) for t in inputs]
    out = fn(*leaves)
    if not isinstance(out, Tensor) or out.dtype.kind != "f":
        raise TypeError(
            f"gradcheck: fn must return a floating-point Tensor, got "
            f"{getattr(out, 'dtype', type(out).__name__)}"
        )
    weights = Tensor(_weights(out.shape), device=out.device)
    analytic = grad((out * weights).sum(), leaves, allow_unused=True)
    numeric = numerical_grad(fn, inputs, eps)
    for position, (a, n) in enumerate(zip(analytic, numeric)):
        a = np.zeros_like(n) if a is None else a.numpy()
        if not np.allclose(a, n, atol=atol, rtol=rtol):
            worst = float(np.max(np.abs(a - n)))
            message = (
                f"gradcheck: input {position} analytic and numerical gradients differ by up to "
                f"{worst:.3g}\nanalytic:\n{a}\nnumerical:\n{n}"
            )
            if raise_exception:
                raise AssertionError(message)
            return False
    return True
