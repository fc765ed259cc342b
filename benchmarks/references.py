"""What tinygrad_adam is measured against: a hand-written NumPy MLP with an in-place flat-buffer
Adam, the matrix products alone (the floor of any MLP epoch), the memory-bandwidth floor of an
optimizer step, and the same models in PyTorch (when it is installed).

These are benchmark references, not library code: they use NumPy directly (``out=`` arguments,
views into flat buffers) to be as fast as plain NumPy gets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

ADAM_BLOCK = 1 << 16  # elements per block: 5 float32 blocks of 256 KiB fit in a core's L2 cache


class FlatAdam:
    """Adam (Kingma & Ba, 2015, with PyTorch's eps placement) over one flat float32 buffer,
    updated in place block by block so each block's temporaries stay in cache."""

    def __init__(
        self,
        params: np.ndarray,
        grads: np.ndarray,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        block: int = ADAM_BLOCK,
    ) -> None:
        self.params, self.grads = params, grads
        self.lr, (self.beta1, self.beta2), self.eps = lr, betas, eps
        self.exp_avg = np.zeros_like(params)
        self.exp_avg_sq = np.zeros_like(params)
        self.block = block
        self.scratch = np.empty(min(block, params.size), dtype=params.dtype)
        self.step_count = 0

    def step(self) -> None:
        self.step_count += 1
        bias_correction1 = 1 - self.beta1**self.step_count
        bias_correction2 = 1 - self.beta2**self.step_count
        step_size = self.lr / bias_correction1
        inv_sqrt_bias_correction2 = 1 / math.sqrt(bias_correction2)
        for start in range(0, self.params.size, self.block):
            stop = min(start + self.block, self.params.size)
            p, g = self.params[start:stop], self.grads[start:stop]
            m, v = self.exp_avg[start:stop], self.exp_avg_sq[start:stop]
            tmp = self.scratch[: stop - start]
            m *= self.beta1  # m = β1 m + (1 - β1) g
            np.multiply(g, 1 - self.beta1, out=tmp)
            m += tmp
            v *= self.beta2  # v = β2 v + (1 - β2) g²
            np.multiply(g, g, out=tmp)
            tmp *= 1 - self.beta2
            v += tmp
            np.sqrt(v, out=tmp)  # θ -= lr/bc1 · m / (sqrt(v)/sqrt(bc2) + eps)
            tmp *= inv_sqrt_bias_correction2
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= -step_size
            p += tmp


def flat_views(flat: np.ndarray, shapes: Sequence[tuple[int, ...]]) -> list[np.ndarray]:
    """Consecutive views of ``flat`` with the given shapes."""
    views, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        views.append(flat[start : start + size].reshape(shape))
        start += size
    return views


def mlp_shapes(sizes: Sequence[int]) -> list[tuple[int, ...]]:
    """Weight (in, out) and bias (out,) shapes of an MLP with layer widths ``sizes``."""
    shapes: list[tuple[int, ...]] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        shapes += [(fan_in, fan_out), (fan_out,)]
    return shapes


class NumpyMLP:
    """ReLU MLP + softmax cross-entropy, forward and backward written out by hand, parameters and
    gradients as views into flat buffers, trained by ``FlatAdam``."""

    def __init__(self, sizes: Sequence[int], lr: float = 1e-3, seed: int = 0) -> None:
        shapes = mlp_shapes(sizes)
        total = sum(math.prod(s) for s in shapes)
        rng = np.random.default_rng(seed)
        self.flat_params = np.empty(total, dtype=np.float32)
        self.flat_grads = np.zeros(total, dtype=np.float32)
        self.params = flat_views(self.flat_params, shapes)
        self.grads = flat_views(self.flat_grads, shapes)
        for weight, bias in zip(self.params[::2], self.params[1::2]):
            bound = 1 / math.sqrt(weight.shape[0])  # PyTorch's Linear initialisation
            weight[...] = rng.uniform(-bound, bound, weight.shape)
            bias[...] = rng.uniform(-bound, bound, bias.shape)
        self.optimizer = FlatAdam(self.flat_params, self.flat_grads, lr=lr)

    def train_step(self, x: np.ndarray, labels: np.ndarray) -> float:
        weights, biases = self.params[::2], self.params[1::2]
        activations = [x]
        for layer, (weight, bias) in enumerate(zip(weights, biases)):
            out = activations[-1] @ weight
            out += bias
            if layer < len(weights) - 1:
                np.maximum(out, 0, out=out)
            activations.append(out)
        logits = activations.pop()
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        total = exp.sum(axis=1, keepdims=True)
        rows = np.arange(len(labels))
        loss = float(np.mean(np.log(total[:, 0]) - logits[rows, labels]))
        delta = exp
        delta /= total  # softmax
        delta[rows, labels] -= 1
        delta *= np.float32(1 / len(labels))  # d(mean CE)/d(logits)
        for layer in range(len(weights) - 1, -1, -1):
            np.matmul(activations[layer].T, delta, out=self.grads[2 * layer])
            np.sum(delta, axis=0, out=self.grads[2 * layer + 1])
            if layer > 0:
                delta = delta @ weights[layer].T
                delta *= activations[layer] > 0  # ReLU's derivative
        self.optimizer.step()
        return loss


class MatmulFloor:
    """Only the matrix products of one MLP training step (3 forward, 3 weight gradients, 2 input
    gradients), into preallocated outputs: no framework can do the step in less."""

    def __init__(self, sizes: Sequence[int], batch: int, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.weights = [rng.standard_normal((i, o), dtype=np.float32) for i, o in zip(sizes[:-1], sizes[1:])]
        self.outs = [np.empty((batch, o), dtype=np.float32) for o in sizes[1:]]
        self.deltas = [np.empty((batch, i), dtype=np.float32) for i in sizes[1:-1]]
        self.weight_grads = [np.empty_like(w) for w in self.weights]

    def step(self, x: np.ndarray) -> None:
        n = len(x)
        inputs = [x] + [out[:n] for out in self.outs[:-1]]
        for inp, weight, out in zip(inputs, self.weights, self.outs):
            np.matmul(inp, weight, out=out[:n])
        delta = self.outs[-1][:n]
        for layer in range(len(self.weights) - 1, -1, -1):
            np.matmul(inputs[layer].T, delta, out=self.weight_grads[layer])
            if layer > 0:
                np.matmul(delta, self.weights[layer].T, out=self.deltas[layer - 1][:n])
                delta = self.deltas[layer - 1][:n]


class BandwidthFloor:
    """``a += b`` over as many bytes as an optimizer step moves: for Adam on float32, 28 bytes per
    parameter (read θ, g, m, v; write θ, m, v). One element of ``a += b`` moves 12 bytes."""

    def __init__(self, params: int, bytes_per_param: int = 28) -> None:
        elements = math.ceil(params * bytes_per_param / 12)
        self.a = np.ones(elements, dtype=np.float32)
        self.b = np.full(elements, 1e-7, dtype=np.float32)

    def step(self) -> None:
        self.a += self.b


# ---------------------------------------------------------------------------------------------
# PyTorch


USE_TORCH = True  # run.py --no-torch sets it False


def torch_available() -> bool:
    if not USE_TORCH:
        return False
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def torch_layer_step(build: Callable[[Any], Any], x: np.ndarray, weights: np.ndarray) -> Callable[[], None]:
    """The PyTorch twin of ``ours.layer_step``: forward and backward of the layer ``build(torch.nn)``."""
    import torch

    layer = build(torch.nn)
    inputs, w = torch.tensor(x, requires_grad=True), torch.tensor(weights)

    def step() -> None:
        inputs.grad = None
        (layer(inputs) * w).sum().backward()

    return step


def torch_mlp_step(sizes: Sequence[int], lr: float = 1e-3, seed: int = 0) -> Callable[[Any, Any], Any]:
    """One eager PyTorch training step (zero_grad, forward, cross-entropy, backward, Adam step)."""
    import torch

    torch.manual_seed(seed)
    layers: list[Any] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    def step(x: Any, labels: Any) -> Any:
        optimizer.zero_grad()
        loss = loss_fn(model(x), labels)
        loss.backward()
        optimizer.step()
        return loss

    return step
