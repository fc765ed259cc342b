"""The classic first Keras model, in tinygrad_adam.

    model = Sequential([Dense(64, input_dim=20, activation="relu"), Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=Adam(learning_rate=0.001), metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=50, batch_size=32)

The Keras docs train it on random noise; here the labels follow a hidden rule (which side of a
random hyperplane, bent by a ripple) so that accuracy means something. Run:
python examples/keras_style_binary.py [--epochs 50]
"""

import argparse

import numpy as np

import tinygrad_adam as tg
from tinygrad_adam.data import DataLoader, TensorDataset, train_val_split
from tinygrad_adam.nn import BCELoss, Dense, Sequential
from tinygrad_adam.optim import Adam
from tinygrad_adam.train import evaluate, fit


def make_data(samples: int, features: int = 20, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian inputs; the label says whether x·w + 0.5 sin(3 x₀) > 0 for a fixed random w."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((samples, features)).astype(np.float32)
    w = rng.standard_normal(features).astype(np.float32) / np.sqrt(features)
    y = (x @ w + 0.5 * np.sin(3 * x[:, 0]) > 0).astype(np.float32)
    return x, y.reshape(-1, 1)  # (N, 1) targets, as the sigmoid output


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--samples", type=int, default=3000, help="training samples (1/5 more for testing)")
    args = parser.parse_args()

    tg.manual_seed(0)
    x, y = make_data(args.samples + args.samples // 5)
    (x_train, y_train), (x_test, y_test) = train_val_split(x, y, val_fraction=1 / 6, seed=0)
    train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=True, seed=0)
    test_loader = DataLoader(TensorDataset(x_test, y_test), batch_size=256)

    model = Sequential(
        Dense(20, 64, activation="relu"),
        Dense(64, 1, activation="sigmoid"),
    )
    print(model)
    loss_fn = BCELoss()  # binary cross-entropy on probabilities
    optimizer = Adam(model.parameters(), lr=0.001)

    history = fit(model, loss_fn, optimizer, train_loader, epochs=args.epochs, verbose=2)
    test = evaluate(model, test_loader, loss_fn)
    print(
        f"train accuracy {history['accuracy'][-1]:.4f}, test accuracy {test['accuracy']:.4f} "
        f"(test loss {test['loss']:.4f}) after {args.epochs} epochs"
    )


if __name__ == "__main__":
    main()
