"""Fashion-MNIST with an MLP and Adam: the main job of tinygrad_adam, in one page.

Reads the real Fashion-MNIST (Debian: `apt-get install dataset-fashion-mnist`, or IDX files in
$TINYGRAD_ADAM_DATA); where it is missing, says so and uses the bundled 8x8 digits instead.
Trains, reports test accuracy, saves the model, reloads it and checks the copy predicts the same.
Run: python examples/fashion_mnist_mlp.py [--epochs 10] [--train-samples N]
"""

import argparse
import os

import numpy as np

import tinygrad_adam as tg
from tinygrad_adam.data import DataLoader, TensorDataset, train_val_split
from tinygrad_adam.datasets import FASHION_MNIST_CLASSES, load_digits, load_fashion_mnist
from tinygrad_adam.nn import CrossEntropyLoss, Dense, Dropout, Sequential
from tinygrad_adam.optim import Adam
from tinygrad_adam.optim.lr_scheduler import CosineAnnealingLR
from tinygrad_adam.train import evaluate, fit

OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output")


def load_data() -> tuple[str, list[str], tuple, tuple]:
    """Images as float32 rows scaled to [0, 1], labels as int64."""
    try:
        (x_train, y_train), (x_test, y_test) = load_fashion_mnist()
        name, classes, scale = "Fashion-MNIST", list(FASHION_MNIST_CLASSES), 255.0
    except FileNotFoundError as error:
        print(f"Fashion-MNIST is not installed ({error}).")
        print(
            "Install it with `apt-get install dataset-fashion-mnist`; using the bundled 8x8 digits instead.\n"
        )
        (x_train, y_train), (x_test, y_test) = load_digits()
        name, classes, scale = "digits", [str(d) for d in range(10)], 16.0

    def prepare(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return x.reshape(len(x), -1).astype(np.float32) / np.float32(scale), y.astype(np.int64)

    return name, classes, prepare(x_train, y_train), prepare(x_test, y_test)


def build_model(inputs: int, classes: int) -> Sequential:
    return Sequential(
        Dense(inputs, 512, activation="relu"),  # He-initialised, weight of shape (512, inputs)
        Dropout(0.2),
        Dense(512, 256, activation="relu"),
        Dropout(0.2),
        Dense(256, classes),  # logits: CrossEntropyLoss applies log-softmax itself
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--train-samples", type=int, default=None, help="train on the first N samples only")
    parser.add_argument(
        "--output", default=OUTPUT, help="folder for the files it writes (default: %(default)s)"
    )
    args = parser.parse_args()

    tg.manual_seed(0)  # one seed: weights, dropout and shuffling are reproducible
    name, class_names, (x_train, y_train), (x_test, y_test) = load_data()
    x_train, y_train = x_train[: args.train_samples], y_train[: args.train_samples]
    (x_train, y_train), (x_val, y_val) = train_val_split(x_train, y_train, val_fraction=0.1, stratify=True)
    train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=128, shuffle=True, seed=0)
    val_loader = DataLoader(TensorDataset(x_val, y_val), batch_size=1024)
    test_loader = DataLoader(TensorDataset(x_test, y_test), batch_size=1024)
    print(f"{name}: {len(x_train)} training, {len(x_val)} validation, {len(x_test)} test samples")

    model = build_model(x_train.shape[1], len(class_names))
    print(model)
    loss_fn = CrossEntropyLoss()
    optimizer = Adam(model.parameters(), lr=1e-3)
    scheduler = CosineAnnealingLR(optimizer, T_max=args.epochs)  # lr glides from 1e-3 to 0

    history = fit(
        model, loss_fn, optimizer, train_loader, args.epochs, val_loader=val_loader, scheduler=scheduler
    )
    test = evaluate(model, test_loader, loss_fn)
    seconds = sum(history["seconds"])
    print(
        f"\n{name} test accuracy: {test['accuracy']:.4f} (loss {test['loss']:.4f}), "
        f"{seconds:.1f} s of training"
    )

    # Save the weights, load them into a fresh model, and check it predicts exactly the same.
    os.makedirs(args.output, exist_ok=True)
    path = os.path.join(args.output, "fashion_mnist_mlp.npz")
    tg.save(model.state_dict(), path)
    restored = build_model(x_train.shape[1], len(class_names))
    restored.load_state_dict(tg.load(path))
    assert evaluate(restored, test_loader, loss_fn) == test
    print(f"saved to {path}; the reloaded model scores the same")

    model.eval()
    with tg.no_grad():
        predicted = model(tg.tensor(x_test[:8])).argmax(axis=1).numpy()
    for guess, truth in zip(predicted, y_test[:8]):
        print(
            f"  predicted {class_names[guess]:<12} actual {class_names[truth]:<12} "
            + ("ok" if guess == truth else "wrong")
        )


if __name__ == "__main__":
    main()
