"""A small convolutional network on the bundled 8x8 digits, trained with Adam, beside an MLP.

Teaches the image layers: ``Conv2d`` sees each pixel with its neighbours, ``BatchNorm2d``
normalises each channel over the batch (running statistics in eval mode), ``MaxPool2d`` halves
the image, ``Dropout2d`` drops whole channels, ``AdaptiveAvgPool2d(1)`` averages each channel to
one number whatever the image size, and ``Linear`` turns those into ten logits. Images go in as
(N, channels, height, width): the digits' 64 columns become (N, 1, 8, 8). Works offline: the
digits ship with the package. Prints test accuracy of the CNN and of an MLP trained the same way.
Run: python examples/cnn_digits.py [--epochs 20] [--lr 3e-3]
"""

import argparse

import numpy as np

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.data import DataLoader, TensorDataset
from tinygrad_adam.train import evaluate, fit


def build_cnn() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),  # (N, 1, 8, 8) -> (N, 16, 8, 8)
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),  # -> (N, 16, 4, 4)
        nn.Dropout2d(0.1),  # zeroes whole feature maps, not single pixels
        nn.Conv2d(16, 32, kernel_size=3, padding=1),  # -> (N, 32, 4, 4)
        nn.BatchNorm2d(32),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),  # -> (N, 32, 1, 1): one number per channel
        nn.Flatten(),  # -> (N, 32)
        nn.Linear(32, 10),  # logits
    )


def build_mlp() -> nn.Sequential:
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--lr", type=float, default=3e-3)
    args = parser.parse_args()

    tg.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = tg.datasets.load_digits()
    # Pixels 0..16 scaled to [0, 1], and each row of 64 made back into its 1-channel 8x8 image.
    x_train = (x_train / np.float32(16)).reshape(-1, 1, 8, 8)
    x_test = (x_test / np.float32(16)).reshape(-1, 1, 8, 8)
    print(f"digits: {len(x_train)} training and {len(x_test)} test images of shape {x_train.shape[1:]}")
    train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=True, seed=0)
    test_loader = DataLoader(TensorDataset(x_test, y_test), batch_size=256)

    print(build_cnn())
    loss_fn = nn.CrossEntropyLoss()
    correct = {}
    for name, model in (("CNN", build_cnn()), ("MLP", build_mlp())):
        optimizer = tg.optim.Adam(model.parameters(), lr=args.lr)
        history = fit(model, loss_fn, optimizer, train_loader, args.epochs, verbose=0)
        test = evaluate(model, test_loader, loss_fn)  # eval mode: running BN statistics, no dropout
        correct[name] = round(test["accuracy"] * len(x_test))
        print(
            f"{name}: {count_parameters(model):5d} parameters, {args.epochs} epochs in "
            f"{sum(history['seconds']):.1f} s, train accuracy {history['accuracy'][-1]:.4f}, "
            f"test accuracy {test['accuracy']:.4f} (loss {test['loss']:.4f})"
        )
    # With 359 test images one image is 0.3 points: a gap of a few images is within seed noise.
    print(f"CNN minus MLP: {correct['CNN'] - correct['MLP']:+d} of {len(x_test)} test images")


if __name__ == "__main__":
    main()
