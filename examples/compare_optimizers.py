"""Every optimizer of tg.optim on the Rosenbrock and Beale functions and on a small MLP (digits).

Prints a table of results and, where matplotlib is installed (`pip install tinygrad_adam[plot]`),
writes PNG plots of the 2-D paths and of the loss curves into examples/output/.
Run: python examples/compare_optimizers.py [--steps 500] [--epochs 10]

Each optimizer gets, per problem, the learning rate that did best on a grid 1e-3, 3e-3, ..., 1
(final distance to the minimum after 500 steps); the MLP uses the command line's rates.
"""

import argparse
import os

import numpy as np

import tinygrad_adam as tg
from tinygrad_adam.cli import OPTIMIZER_LRS, optimizer_classes
from tinygrad_adam.data import DataLoader, TensorDataset, standardize
from tinygrad_adam.nn import CrossEntropyLoss, Dense, Sequential
from tinygrad_adam.train import evaluate, fit

OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output")


def rosenbrock(x: tg.Tensor, y: tg.Tensor) -> tg.Tensor:
    """A long curved valley; minimum 0 at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def beale(x: tg.Tensor, y: tg.Tensor) -> tg.Tensor:
    """Flat plateaus and steep ridges; minimum 0 at (3, 0.5)."""
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y * y * y) ** 2


FUNCTIONS = {  # function, start, minimum, plot window, learning rate per optimizer
    "Rosenbrock": (rosenbrock, (-1.2, 1.0), (1.0, 1.0), ((-2.0, 2.0), (-1.0, 3.0)), dict(
        sgd=0.003, momentum=0.003, rmsprop=0.03, adagrad=1.0, adadelta=1.0, adam=0.3, adamw=0.3,
        adamax=1.0, nadam=0.1, radam=0.003, adabound=0.1, lion=0.01, rprop=0.01, asgd=0.003,
        adafactor=0.1,
    )),
    "Beale": (beale, (1.0, 1.5), (3.0, 0.5), ((-0.5, 4.0), (-1.0, 2.0)), dict(
        sgd=0.03, momentum=0.003, rmsprop=0.03, adagrad=1.0, adadelta=1.0, adam=0.1, adamw=0.1,
        adamax=0.3, nadam=0.1, radam=0.01, adabound=0.1, lion=0.1, rprop=0.01, asgd=0.03,
        adafactor=0.1,
    )),
}  # fmt: skip


def descend(function, start, optimizer_class, lr: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Minimise function(x, y) from ``start``: the path (steps + 1, 2) and the losses (steps,)."""
    point = tg.tensor(np.array(start), requires_grad=True)  # float64
    optimizer = optimizer_class([point], lr=lr)
    path, losses = [point.numpy().copy()], []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = function(point[0], point[1])
        loss.backward()
        optimizer.step()
        path.append(point.numpy().copy())
        losses.append(loss.item())
    return np.array(path), np.array(losses)


def train_mlp(optimizer_class, lr: float, epochs: int, data) -> tuple[list[float], float]:
    """A 64-64-10 MLP on the digits: training loss per epoch and final test accuracy."""
    (x_train, y_train), (x_test, y_test) = data
    tg.manual_seed(0)  # the same initial weights and batches for every optimizer
    train = DataLoader(TensorDataset(x_train, y_train), batch_size=64, shuffle=True, seed=0)
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=512)
    model = Sequential(Dense(64, 64, activation="relu"), Dense(64, 10))
    history = fit(
        model, CrossEntropyLoss(), optimizer_class(model.parameters(), lr=lr), train, epochs, verbose=False
    )
    return history["loss"], evaluate(model, test)["accuracy"]


def plot(results: dict, mlp: dict, steps: int, output: str) -> list[str]:
    """PNG files of the paths and loss curves; an empty list when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    colors = plt.get_cmap("tab20")  # 20 distinct colours: one per optimizer
    written = []
    for name, (function, start, minimum, (xlim, ylim), _) in FUNCTIONS.items():
        figure, (paths_axis, loss_axis) = plt.subplots(1, 2, figsize=(14, 6))
        grid_x, grid_y = np.meshgrid(np.linspace(*xlim, 300), np.linspace(*ylim, 300))
        surface = function(tg.tensor(grid_x), tg.tensor(grid_y)).numpy()
        paths_axis.contour(grid_x, grid_y, np.log10(surface + 1e-3), levels=30, cmap="Greys", linewidths=0.6)
        for index, (label, (path, losses)) in enumerate(results[name].items()):
            color = colors(index)
            paths_axis.plot(path[:, 0], path[:, 1], lw=1.2, color=color, label=label)
            loss_axis.semilogy(np.maximum(losses, 1e-12), lw=1.2, color=color, label=label)
        paths_axis.plot(*start, "ko")
        paths_axis.plot(*minimum, "r*", ms=14)
        paths_axis.set(xlim=xlim, ylim=ylim, title=f"{name}: paths from {start}", xlabel="x", ylabel="y")
        loss_axis.set(title=f"{name}: loss over {steps} steps", xlabel="step", ylabel="f(x, y)")
        loss_axis.legend(fontsize=8, ncol=2)
        written.append(os.path.join(output, f"{name.lower()}.png"))
        figure.savefig(written[-1], dpi=100, bbox_inches="tight")
        plt.close(figure)
    figure, axis = plt.subplots(figsize=(8, 5))
    for index, (label, (losses, _)) in enumerate(mlp.items()):
        axis.semilogy(range(1, len(losses) + 1), losses, marker="o", ms=3, color=colors(index), label=label)
    axis.set(title="MLP 64-64-10 on the digits: training loss", xlabel="epoch", ylabel="cross-entropy")
    axis.legend(fontsize=8, ncol=2)
    written.append(os.path.join(output, "mlp_digits.png"))
    figure.savefig(written[-1], dpi=100, bbox_inches="tight")
    plt.close(figure)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=500, help="steps on each 2-D function")
    parser.add_argument("--epochs", type=int, default=10, help="epochs of MLP training")
    parser.add_argument(
        "--output", default=OUTPUT, help="folder for the files it writes (default: %(default)s)"
    )
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    classes = optimizer_classes()

    results: dict = {}
    for name, (function, start, _, _, lrs) in FUNCTIONS.items():
        results[name] = {}
        for optimizer_name, optimizer_class in classes.items():
            with np.errstate(all="ignore"):  # a diverging run is a result, not an error
                results[name][optimizer_name] = descend(
                    function, start, optimizer_class, lrs[optimizer_name], args.steps
                )

    (x_train, y_train), (x_test, y_test) = tg.datasets.load_digits()
    x_train, x_test = standardize(x_train, x_test)
    data = (x_train, y_train), (x_test, y_test)
    mlp = {name: train_mlp(cls, OPTIMIZER_LRS[name], args.epochs, data) for name, cls in classes.items()}

    header = (
        f"{'optimizer':<10}"
        + "".join(f"{'lr':>7} {name + ' f':>14} {'dist':>9}" for name in FUNCTIONS)
        + f"{'lr':>8} {'MLP loss':>9} {'MLP acc':>8}"
    )
    print(header)
    print("-" * len(header))
    for optimizer_name, optimizer_class in classes.items():
        row = f"{optimizer_class.__name__:<10}"
        for name, (_, _, minimum, _, lrs) in FUNCTIONS.items():
            path, losses = results[name][optimizer_name]
            distance = float(np.linalg.norm(path[-1] - np.array(minimum)))
            row += f"{lrs[optimizer_name]:>7g} {losses[-1]:>14.3e} {distance:>9.3g}"
        losses, test_accuracy = mlp[optimizer_name]
        row += f"{OPTIMIZER_LRS[optimizer_name]:>8g} {losses[-1]:>9.4f} {test_accuracy:>8.4f}"
        print(row)
    print(
        f"\nf: the function after {args.steps} steps; dist: distance to its minimum; "
        f"MLP: after {args.epochs} epochs (loss on the training set, accuracy on the test set)."
    )

    # Plots label the curves with the class names (Adam, RMSProp, ...).
    label = {key: cls.__name__ for key, cls in classes.items()}
    written = plot(
        {name: {label[key]: run for key, run in runs.items()} for name, runs in results.items()},
        {label[key]: run for key, run in mlp.items()},
        args.steps,
        args.output,
    )
    if written:
        print("wrote " + ", ".join(written))
    else:
        print("matplotlib is not installed, so no plots: pip install 'tinygrad_adam[plot]' (or matplotlib)")


if __name__ == "__main__":
    main()
