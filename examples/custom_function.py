"""A custom differentiable op written as in PyTorch, checked, then trained with.

    SiLU(x) = x·σ(x),   dSiLU/dx = σ(x)·(1 + x·(1 − σ(x)))        (Elfwing et al., 2018)

``tg.autograd.Function`` takes PyTorch's contract: a static ``forward(ctx, ...)`` that computes the
result from Tensors (no graph is recorded inside it) and a static ``backward(ctx, grad_output)``
that returns one gradient per forward argument. ``SiLU.apply(x)`` records one node for it.

Run: python examples/custom_function.py [--steps 200]
"""

import argparse

import numpy as np

import tinygrad_adam as tg


class SiLU(tg.autograd.Function):
    @staticmethod
    def forward(ctx, x: tg.Tensor) -> tg.Tensor:
        ctx.save_for_backward(x)
        return x * x.sigmoid()

    @staticmethod
    def backward(ctx, grad_output: tg.Tensor) -> tg.Tensor:
        (x,) = ctx.saved_tensors
        # Written with Tensor ops, so it is itself differentiable (create_graph=True works). σ(x)
        # is computed here from x, not saved from forward: an intermediate of forward is a
        # constant to a second derivative (forward records no graph), as in PyTorch.
        sigmoid = x.sigmoid()
        return grad_output * sigmoid * (1 + x * (1 - sigmoid))


class SiLUActivation(tg.nn.Module):
    """The op as a layer, so it fits in a Sequential."""

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        return SiLU.apply(x)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=200, help="Adam steps of the training loop")
    args = parser.parse_args()

    # 1. The hand-written backward agrees with central finite differences (float64) ...
    x = tg.tensor(np.linspace(-4.0, 4.0, 9))
    tg.gradcheck(SiLU.apply, [x])
    print("gradcheck: SiLU's backward matches central finite differences")
    # ... and with autodiff through the same formula built from tg's own ops.
    mine, builtin = x.detach().requires_grad_(True), x.detach().requires_grad_(True)
    SiLU.apply(mine).sum().backward()
    (builtin * builtin.sigmoid()).sum().backward()
    difference = np.abs(mine.grad.numpy() - builtin.grad.numpy()).max()
    print(f"largest difference from autodiff of x * sigmoid(x): {difference:.1e}")

    # 2. Its second derivative comes for free, since backward used Tensor ops.
    point = tg.tensor(np.array([0.5]), requires_grad=True)
    (slope,) = tg.autograd.grad(SiLU.apply(point).sum(), point, create_graph=True)
    (curvature,) = tg.autograd.grad(slope.sum(), point)
    sigmoid = 1 / (1 + np.exp(-0.5))
    by_hand = sigmoid * (1 - sigmoid) * (2 + 0.5 * (1 - 2 * sigmoid))  # SiLU'' = σ(1−σ)(2 + x(1−2σ))
    print(f"SiLU'(0.5) = {slope.item():.6f}, SiLU''(0.5) = {curvature.item():.6f} (by hand {by_hand:.6f})")

    # 3. Used as the activation of a small network fitting y = sin(3x).
    tg.manual_seed(0)
    inputs = np.random.default_rng(0).uniform(-1, 1, size=(256, 1)).astype(np.float32)
    features, targets = tg.tensor(inputs), tg.tensor(np.sin(3 * inputs))
    model = tg.nn.Sequential(tg.nn.Linear(1, 32), SiLUActivation(), tg.nn.Linear(32, 1))
    optimizer = tg.optim.Adam(model.parameters(), lr=0.03)
    loss_fn = tg.nn.MSELoss()
    for step in range(args.steps + 1):
        optimizer.zero_grad()
        loss = loss_fn(model(features), targets)
        if step % max(1, args.steps // 5) == 0 or step == args.steps:
            print(f"step {step:4d}  loss {loss.item():.5f}")
        if step < args.steps:
            loss.backward()
            optimizer.step()


if __name__ == "__main__":
    main()
