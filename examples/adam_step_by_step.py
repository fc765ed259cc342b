"""Adam by hand, step by step, on f(θ) = θ², then the same numbers read from tg.optim.Adam.

Kingma & Ba (2015), Algorithm 1, with gradient g = f'(θ) = 2θ at each step t = 1, 2, ...:

    m ← β₁·m + (1 − β₁)·g        v ← β₂·v + (1 − β₂)·g²
    m̂ = m / (1 − β₁ᵗ)            v̂ = v / (1 − β₂ᵗ)
    θ ← θ − α·m̂ / (√v̂ + ε)

From θ₀ = 1 with α = 0.1 the gradients are 2.0 then 1.8, the textbook's worked example:
m = 0.2, v = 0.004, m̂ = 2.0, v̂ = 4.0 after step 1; m = 0.36, v = 0.007236, m̂ ≈ 1.8947,
v̂ ≈ 3.6198 after step 2. Run: python examples/adam_step_by_step.py [--steps N]
"""

import argparse
import math

import tinygrad_adam as tg

LR, BETA1, BETA2, EPS = 0.1, 0.9, 0.999, 1e-8
THETA0 = 1.0
COLUMNS = ("t", "g", "m", "v", "m_hat", "v_hat", "theta")


def adam_by_hand(steps: int) -> list[dict[str, float]]:
    """Algorithm 1 in plain Python floats: one row of numbers per step."""
    theta, m, v = THETA0, 0.0, 0.0
    rows = []
    for t in range(1, steps + 1):
        g = 2 * theta  # f'(θ) for f(θ) = θ²
        m = BETA1 * m + (1 - BETA1) * g
        v = BETA2 * v + (1 - BETA2) * g * g
        m_hat = m / (1 - BETA1**t)
        v_hat = v / (1 - BETA2**t)
        theta = theta - LR * m_hat / (math.sqrt(v_hat) + EPS)
        rows.append(dict(t=t, g=g, m=m, v=v, m_hat=m_hat, v_hat=v_hat, theta=theta))
    return rows


def adam_from_the_framework(steps: int) -> list[dict[str, float]]:
    """The same run with tg.optim.Adam; m and v are read from ``optimizer.state[θ]``."""
    theta = tg.tensor([THETA0], dtype=tg.float64, requires_grad=True)
    optimizer = tg.optim.Adam([theta], lr=LR, betas=(BETA1, BETA2), eps=EPS)
    rows = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = (theta**2).sum()
        loss.backward()
        g = theta.grad.item()
        optimizer.step()
        state = optimizer.state[theta]
        t = state["step"]
        m, v = state["exp_avg"].item(), state["exp_avg_sq"].item()
        rows.append(
            dict(t=t, g=g, m=m, v=v, m_hat=m / (1 - BETA1**t), v_hat=v / (1 - BETA2**t), theta=theta.item())
        )
    return rows


def print_table(title: str, rows: list[dict[str, float]]) -> None:
    print(title)
    print(f"{'t':>3} " + " ".join(f"{name:>12}" for name in COLUMNS[1:]))
    for row in rows:
        print(f"{row['t']:>3} " + " ".join(f"{row[name]:>12.6g}" for name in COLUMNS[1:]))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=5, help="how many Adam steps to show (default 5)")
    steps = max(parser.parse_args().steps, 2)

    print(f"f(θ) = θ², θ₀ = {THETA0}, α = {LR}, β₁ = {BETA1}, β₂ = {BETA2}, ε = {EPS}\n")
    by_hand = adam_by_hand(steps)
    print_table("Adam by hand (Algorithm 1):", by_hand)
    framework = adam_from_the_framework(steps)
    print_table("tg.optim.Adam (m = state['exp_avg'], v = state['exp_avg_sq']):", framework)

    # The textbook's worked numbers, then the framework against the hand computation.
    first, second = by_hand[0], by_hand[1]
    worked = [
        (first["m"], 0.2), (first["v"], 0.004), (first["m_hat"], 2.0), (first["v_hat"], 4.0),
        (second["g"], 1.8), (second["m"], 0.36), (second["v"], 0.007236),
        (second["m_hat"], 0.36 / 0.19), (second["v_hat"], 0.007236 / 0.001999),
    ]  # fmt: skip
    for value, expected in worked:
        assert math.isclose(value, expected, rel_tol=1e-9), (value, expected)
    for hand, ours in zip(by_hand, framework):
        for name in COLUMNS:
            assert math.isclose(hand[name], ours[name], rel_tol=1e-12, abs_tol=1e-15), (name, hand, ours)
    print(
        f"Step 2: m̂ = {second['m_hat']:.4f}, v̂ = {second['v_hat']:.4f} as in the worked example; "
        f"tg.optim.Adam agrees with the hand computation at every step."
    )


if __name__ == "__main__":
    main()
