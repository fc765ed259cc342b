"""The graph autodiff builds behind one neuron's loss, as Graphviz DOT text, and a gradient check.

    loss = (tanh(x·w + b) − target)²

Run: python examples/autodiff_graph.py [--out graph.dot]; then, where Graphviz is installed,
``dot -Tpng graph.dot -o graph.png`` draws it (the framework itself needs no Graphviz).
"""

import argparse

import numpy as np

import tinygrad_adam as tg


def neuron_loss(x: tg.Tensor, w: tg.Tensor, b: tg.Tensor, target: tg.Tensor) -> tg.Tensor:
    return (((x @ w + b).tanh() - target) ** 2).sum()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", help="also write the DOT text to this file")
    args = parser.parse_args()

    x = tg.tensor(np.array([[0.5, -1.0, 2.0]]))  # one sample, three features (float64)
    w = tg.tensor(np.array([[0.1], [0.2], [-0.3]]), requires_grad=True)
    b = tg.tensor(np.array([0.05]), requires_grad=True)
    target = tg.tensor(np.array([[1.0]]))

    loss = neuron_loss(x, w, b, target)
    names = {"x": x, "w": w, "b": b, "target": target}
    dot = tg.viz.to_dot(loss, names=names, title="loss = (tanh(xw + b) - target)^2")
    print(dot)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as file:
            file.write(dot)
        print(f"wrote {args.out}")

    loss.backward()
    print(f"loss = {loss.item():.6f}")
    print(f"dloss/dw = {w.grad.numpy().ravel()}  dloss/db = {b.grad.numpy().ravel()}")

    # Central finite differences in float64 agree with backpropagation:
    tg.gradcheck(lambda w, b: neuron_loss(x, w, b, target), [w.detach(), b.detach()])
    print("gradcheck: backpropagated gradients match central finite differences")


if __name__ == "__main__":
    main()
