"""A PyTorch script, run by tinygrad_adam: change the imports, keep the rest.

Everything below the imports is written as one would for PyTorch: ``torch.set_default_dtype``,
a ``Dataset`` and ``DataLoader``, an ``nn.Module`` with ``F.relu``/``F.max_pool2d``, DCGAN's
``m.weight.data.normal_(0.0, 0.02)`` initialisation through ``model.apply``, the usual
``zero_grad``/``backward``/``step`` loop, ``torch.no_grad()`` evaluation, and
``torch.save(model.state_dict())`` then ``load_state_dict(torch.load(...))``. The data are the
8x8 digits bundled with tinygrad_adam (the one line that is not PyTorch), so it runs offline.
With the four imports switched to torch's, the same body runs under PyTorch 2.13 as well.
Prints the loss per epoch, the test accuracy, and that the reloaded model predicts the same.
Run: python examples/pytorch_port.py [--epochs 8] [--output DIR]
"""

import argparse
import os

import tinygrad_adam as torch
import tinygrad_adam.nn.functional as F
from tinygrad_adam import nn
from tinygrad_adam.utils.data import DataLoader, Dataset

OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output")


class Digits(Dataset):
    """Each sample: one (1, 8, 8) image in [0, 1] and its label."""

    def __init__(self, train: bool) -> None:
        (x_train, y_train), (x_test, y_test) = torch.datasets.load_digits()  # tinygrad_adam's data
        images, labels = (x_train, y_train) if train else (x_test, y_test)
        self.images = torch.tensor(images / 16, dtype=torch.get_default_dtype()).view(-1, 1, 8, 8)
        self.labels = torch.tensor(labels)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple:
        return self.images[index], self.labels[index]


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 2 * 2, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)  # (N, 16, 4, 4)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)  # (N, 32, 2, 2)
        return self.fc(torch.flatten(x, 1))


def weights_init(m):
    """DCGAN's initialisation, written against .data as PyTorch code does."""
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        m.weight.data.normal_(0.0, 0.02)
        m.bias.data.fill_(0)
    elif isinstance(m, nn.BatchNorm2d):
        m.weight.data.normal_(1.0, 0.02)
        m.bias.data.fill_(0)


def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    running_loss = 0.0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        running_loss += loss.item() * len(y)
    return running_loss / len(loader.dataset)


def test_accuracy(model, loader, device):
    model.eval()
    correct = 0
    with torch.no_grad():
        for x, y in loader:
            pred = model(x.to(device))
            correct += (pred.argmax(1) == y.to(device)).type(torch.float).sum().item()
    return correct / len(loader.dataset)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument(
        "--output", default=OUTPUT, help="folder for the saved weights (default: %(default)s)"
    )
    args = parser.parse_args()

    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)  # layers, factories and Python floats become float64
    device = "cuda" if torch.cuda.is_available() else "cpu"

    train_loader = DataLoader(Digits(train=True), batch_size=32, shuffle=True)
    test_loader = DataLoader(Digits(train=False), batch_size=256)
    model = Net().to(device)
    model.apply(weights_init)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    print(f"device {device}, parameters of dtype {next(model.parameters()).dtype}")

    for epoch in range(args.epochs):
        loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        print(f"epoch {epoch + 1}: train loss {loss:.4f}")
    accuracy = test_accuracy(model, test_loader, device)
    print(f"test accuracy: {accuracy:.4f}")

    os.makedirs(args.output, exist_ok=True)
    path = os.path.join(args.output, "pytorch_port.pt")
    torch.save(model.state_dict(), path)
    restored = Net().to(device)
    restored.load_state_dict(torch.load(path, weights_only=True))
    same = test_accuracy(restored, test_loader, device) == accuracy
    print(f"saved to {path}; the reloaded model {'scores the same' if same else 'DIFFERS'}")


if __name__ == "__main__":
    main()
