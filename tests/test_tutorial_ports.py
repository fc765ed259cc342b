"""PyTorch's best-known tutorials run with ``import tinygrad_adam as torch`` and nothing else changed.

Each test is the tutorial's own code, written from memory, with the bundled 8x8 digits standing in for
the FashionMNIST download: the Quickstart, "Learning PyTorch with Examples" (the sin(x) polynomial by
hand, with autograd, with nn, with optim, as a custom Module), "Saving and loading models",
"Optimizing model parameters", and a typical hand-written loop (init, freezing, clipping, StepLR).
With the same initial weights and data the losses follow PyTorch's to float32 rounding (checked with
torch 2.13 by hand: the Quickstart's 69 SGD steps agree to 3e-7); here each port states what it must
reach, with fixed seeds, so that a break in any API the tutorials touch fails a test.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as torch
from tinygrad_adam import nn
from tinygrad_adam.datasets import load_digits
from tinygrad_adam.nn import functional as F
from tinygrad_adam.utils.data import DataLoader, Dataset, TensorDataset


class Digits(Dataset):
    """The Quickstart's custom Dataset: images (1, 8, 8) scaled to [0, 1] and integer labels."""

    def __init__(self, images: np.ndarray, labels: np.ndarray) -> None:
        self.images = images
        self.labels = labels

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, idx: int) -> tuple:
        image = torch.tensor(self.images[idx].reshape(1, 8, 8) / 16.0, dtype=torch.float32)
        return image, int(self.labels[idx])


class NeuralNetwork(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(8 * 8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


def train(dataloader, model, loss_fn, optimizer, device):
    size = len(dataloader.dataset)
    model.train()
    seen = 0
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        seen = batch * dataloader.batch_size + len(X)
    assert seen == size


def test(dataloader, model, loss_fn, device):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    return test_loss, correct


test.__test__ = False  # the tutorial's name, not a pytest test


def test_quickstart_runs_unchanged_and_learns_the_digits_above_85_percent_in_5_epochs(tmp_path):
    torch.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = load_digits()
    training_data, test_data = Digits(x_train, y_train), Digits(x_test, y_test)
    train_dataloader = DataLoader(training_data, batch_size=64, shuffle=True)
    test_dataloader = DataLoader(test_data, batch_size=64)
    X, y = next(iter(test_dataloader))
    assert tuple(X.shape) == (64, 1, 8, 8) and y.dtype == torch.int64

    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = NeuralNetwork().to(device)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    losses = []
    for _ in range(5):
        train(train_dataloader, model, loss_fn, optimizer, device)
        losses.append(test(test_dataloader, model, loss_fn, device))
    assert losses[-1][0] < losses[0][0]
    assert losses[-1][1] > 0.85

    path = tmp_path / "model.pth"
    torch.save(model.state_dict(), path)
    loaded = NeuralNetwork().to(device)
    loaded.load_state_dict(torch.load(path, weights_only=True))
    assert test(test_dataloader, loaded, loss_fn, device) == losses[-1]

    classes = [str(digit) for digit in range(10)]
    loaded.eval()
    x, y = test_data[0][0], test_data[0][1]
    with torch.no_grad():
        pred = loaded(x.to(device))
        predicted, actual = classes[pred[0].argmax(0)], classes[y]
    assert predicted == classes[model(x.to(device)).argmax(1).item()] and actual == str(y_test[0])


def test_pytorch_dtype_names_that_are_python_builtins_name_the_same_dtypes():
    assert (torch.float, torch.double, torch.half) == (torch.float32, torch.float64, torch.float16)
    assert (torch.long, torch.int, torch.bool) == (torch.int64, torch.int32, torch.bool_)
    assert torch.tensor([1, 0]).type(torch.bool).numpy().tolist() == [True, False]


def test_dataloader_batches_one_sample_unless_told_as_in_pytorch():
    loader = DataLoader(TensorDataset(np.arange(3.0, dtype=np.float32)))
    assert [tuple(batch.shape) for (batch,) in loader] == [(1,), (1,), (1,)]


# "Learning PyTorch with Examples": y = a + b x + c x^2 + d x^3 fitted to sin(x) on [-pi, pi]; the
# least-squares cubic has b = 0.857, d = -0.0933, and 2000 of the tutorial's steps come close.
def _sin_data():
    x = torch.linspace(-math.pi, math.pi, 2000)
    return x, torch.sin(x)


def test_polynomial_fit_with_hand_written_gradients_reaches_the_cubic():
    torch.manual_seed(0)
    x, y = _sin_data()
    a, b, c, d = (torch.randn((), dtype=torch.float) for _ in range(4))
    learning_rate = 1e-6
    for _ in range(2000):
        y_pred = a + b * x + c * x**2 + d * x**3
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x**2).sum()
        grad_d = (grad_y_pred * x**3).sum()
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        c -= learning_rate * grad_c
        d -= learning_rate * grad_d
    loss = (a + b * x + c * x**2 + d * x**3 - y).pow(2).sum().item()
    assert loss < 25
    assert abs(b.item() - 0.857) < 0.1 and abs(d.item() + 0.0933) < 0.015


def test_polynomial_fit_autograd_and_nn_take_the_hand_derived_steps():
    x, y = _sin_data()
    learning_rate = 1e-6
    start = [0.1, -0.2, 0.3, 0.05]

    hand = [torch.tensor(value) for value in start]
    for _ in range(50):
        a, b, c, d = hand
        grad_y_pred = 2.0 * (a + b * x + c * x**2 + d * x**3 - y)
        grads = [
            grad_y_pred.sum(),
            (grad_y_pred * x).sum(),
            (grad_y_pred * x**2).sum(),
            (grad_y_pred * x**3).sum(),
        ]
        hand = [value - learning_rate * grad for value, grad in zip(hand, grads)]

    a, b, c, d = (torch.tensor(value, requires_grad=True) for value in start)
    for _ in range(50):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None

    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    model.load_state_dict({"0.weight": torch.tensor([start[1:]]), "0.bias": torch.tensor(start[:1])})
    loss_fn = torch.nn.MSELoss(reduction="sum")
    for _ in range(50):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
    linear_layer = model[0]
    from_nn = [linear_layer.bias.item()] + [linear_layer.weight[:, i].item() for i in range(3)]

    expected = [value.item() for value in hand]
    np.testing.assert_allclose([a.item(), b.item(), c.item(), d.item()], expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(from_nn, expected, rtol=1e-5, atol=1e-7)


def test_polynomial_fit_with_rmsprop_reaches_loss_below_15():
    torch.manual_seed(0)
    x, y = _sin_data()
    xx = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
    for _ in range(2000):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 15


class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x**2 + self.d * x**3

    def string(self):
        return f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3"


class DynamicNet(Polynomial3):
    """The tutorial's control flow and weight sharing: e multiplies x^4 and maybe x^5, at random."""

    def __init__(self):
        super().__init__()
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        y = self.a + self.b * x + self.c * x**2 + self.d * x**3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x**exp
        return y


def test_custom_module_of_scalar_parameters_fits_the_cubic_with_sgd():
    torch.manual_seed(0)
    x, y = _sin_data()
    model = Polynomial3()
    assert [name for name, _ in model.named_parameters()] == ["a", "b", "c", "d"]
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    for _ in range(2000):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 25
    assert model.string().startswith("y = ") and model.string().endswith(" x^3")


def test_dynamic_depth_module_trains_with_momentum_though_its_graph_changes_every_step():
    torch.manual_seed(0)
    random.seed(0)
    x, y = _sin_data()
    model = DynamicNet()
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    first = criterion(model(x), y).item()
    for _ in range(1000):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < first / 100
    assert model.e.grad is not None


def _optimizing_setup(seed: int):
    """The hyperparameters and loaders of "Optimizing model parameters" on the digits."""
    torch.manual_seed(seed)
    (x_train, y_train), (x_test, y_test) = load_digits()
    train_dataloader = DataLoader(
        TensorDataset(torch.tensor(x_train / 16.0, dtype=torch.float32), torch.tensor(y_train)),
        batch_size=64,
        shuffle=True,
    )
    test_dataloader = DataLoader(
        TensorDataset(torch.tensor(x_test / 16.0, dtype=torch.float32), torch.tensor(y_test)), batch_size=64
    )
    return train_dataloader, test_dataloader


def train_loop(dataloader, model, loss_fn, optimizer):
    model.train()
    for X, y in dataloader:
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()


def test_loop(dataloader, model, loss_fn):
    return test(dataloader, model, loss_fn, device=None)


test_loop.__test__ = False


def test_optimizing_model_parameters_loops_lower_the_test_loss_every_epoch():
    train_dataloader, test_dataloader = _optimizing_setup(seed=1)
    learning_rate, epochs = 1e-1, 3
    model = NeuralNetwork()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9)
    results = []
    for _ in range(epochs):
        train_loop(train_dataloader, model, loss_fn, optimizer)
        results.append(test_loop(test_dataloader, model, loss_fn))
    test_losses = [loss for loss, _ in results]
    assert test_losses == sorted(test_losses, reverse=True)
    assert results[-1][1] > 0.8


def test_general_checkpoint_resumes_training_exactly_where_it_stopped(tmp_path):
    train_dataloader, test_dataloader = _optimizing_setup(seed=2)
    model = NeuralNetwork()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    train_loop(train_dataloader, model, loss_fn, optimizer)
    loss, _ = test_loop(test_dataloader, model, loss_fn)

    PATH = tmp_path / "model.pt"
    torch.save(
        {
            "epoch": 1,
            "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(),
            "loss": loss,
        },
        PATH,
    )
    resumed = NeuralNetwork()
    resumed_optimizer = torch.optim.SGD(resumed.parameters(), lr=0.001, momentum=0.9)
    checkpoint = torch.load(PATH, weights_only=True)
    resumed.load_state_dict(checkpoint["model_state_dict"])
    resumed_optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    assert checkpoint["epoch"] == 1 and checkpoint["loss"] == loss
    assert resumed_optimizer.param_groups[0]["lr"] == 0.05
    resumed.train()

    X, y = next(iter(test_dataloader))
    for net, opt in ((model, optimizer), (resumed, resumed_optimizer)):
        opt.zero_grad()
        loss_fn(net(X), y).backward()
        opt.step()
    for (name, original), (_, copy) in zip(model.state_dict().items(), resumed.state_dict().items()):
        np.testing.assert_array_equal(copy.numpy(), original.numpy(), err_msg=name)


def test_saving_a_whole_model_is_refused_with_the_state_dict_way_named(tmp_path):
    model = NeuralNetwork()
    with pytest.raises(TypeError, match=r"whole NeuralNetwork.*pickle.*state_dict\(\)"):
        torch.save(model, tmp_path / "model.pt")
    with pytest.raises(TypeError, match=r"whole SGD"):
        torch.save({"optimizer": torch.optim.SGD(model.parameters(), lr=0.1)}, tmp_path / "opt.pt")
    assert not (tmp_path / "model.pt").exists()


class Net(nn.Module):
    def __init__(self, D_in, H, D_out):
        super().__init__()
        self.fc1 = nn.Linear(D_in, H)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(H, D_out)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def init_weights(m):
    if isinstance(m, nn.Linear):
        torch.nn.init.xavier_uniform_(m.weight)
        m.bias.data.fill_(0.01)


def test_custom_loop_with_init_freezing_clipping_and_step_lr():
    torch.manual_seed(42)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    N, D_in, H, D_out = 64, 100, 32, 10
    x = torch.randn(N, D_in).to(device)
    y = torch.randn(N, D_out).to(device)
    model = Net(D_in, H, D_out).to(device)
    model.apply(init_weights)
    shapes = {name: (tuple(param.shape), param.requires_grad) for name, param in model.named_parameters()}
    assert shapes == {
        "fc1.weight": ((H, D_in), True),
        "fc1.bias": ((H,), True),
        "fc2.weight": ((D_out, H), True),
        "fc2.bias": ((D_out,), True),
    }
    bound = math.sqrt(6 / (D_in + H))
    assert model.fc1.weight.abs().max().item() <= bound
    np.testing.assert_array_equal(model.fc2.bias.numpy(), np.full(D_out, 0.01, np.float32))

    for param in model.fc1.parameters():
        param.requires_grad = False
    optimizer = torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=1e-2)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    criterion = nn.MSELoss()
    frozen = model.fc1.weight.detach().clone()
    learning_rates, losses = [], []
    for _ in range(30):
        model.train()
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        clipped = math.sqrt(sum((p.grad**2).sum().item() for p in model.parameters() if p.grad is not None))
        assert clipped <= min(total_norm.item(), 1.0) + 1e-5
        optimizer.step()
        scheduler.step()
        learning_rates.append(scheduler.get_last_lr()[0])
        losses.append(loss.item())
    assert learning_rates[9] == 0.005 and learning_rates[19] == 0.0025 and learning_rates[29] == 0.00125
    assert losses[-1] < losses[0]
    assert torch.equal(model.fc1.weight, frozen) and model.fc1.weight.grad is None

    for param in model.fc1.parameters():
        param.requires_grad = True
    optimizer.add_param_group({"params": model.fc1.parameters(), "lr": 1e-3})
    optimizer.zero_grad()
    criterion(model(x), y).backward()
    torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.5)
    assert max(p.grad.abs().max().item() for p in model.parameters()) <= 0.5
    optimizer.step()
    assert not torch.equal(model.fc1.weight, frozen)


# "Datasets & DataLoaders" and the usual splits: samplers pick the indices a DataLoader reads.
def test_subset_random_samplers_split_one_dataset_into_train_and_validation_batches():
    torch.manual_seed(0)
    dataset = TensorDataset(np.arange(10, dtype=np.float32), np.arange(10))
    indices = list(range(len(dataset)))
    split = 7
    train_sampler = torch.utils.data.SubsetRandomSampler(indices[:split])
    valid_sampler = torch.utils.data.SubsetRandomSampler(indices[split:])
    train_loader = DataLoader(dataset, batch_size=3, sampler=train_sampler)
    valid_loader = DataLoader(dataset, batch_size=3, sampler=valid_sampler)
    assert (len(train_loader), len(valid_loader)) == (3, 1)
    first_epoch = [y.numpy().tolist() for _, y in train_loader]
    assert [len(batch) for batch in first_epoch] == [3, 3, 1]
    assert sorted(sum(first_epoch, [])) == indices[:split]
    assert sorted(sum((y.numpy().tolist() for _, y in valid_loader), [])) == [7, 8, 9]
    second_epoch = [y.numpy().tolist() for _, y in train_loader]
    assert second_epoch != first_epoch and sorted(sum(second_epoch, [])) == indices[:split]


def test_weighted_random_sampler_draws_in_proportion_to_the_weights():
    labels = np.array([0] * 90 + [1] * 10)
    class_weights = 1.0 / np.bincount(labels)
    sampler = torch.utils.data.WeightedRandomSampler(class_weights[labels], num_samples=4000, seed=0)
    drawn = np.array(list(sampler))
    assert len(sampler) == 4000 and drawn.min() >= 0 and drawn.max() < 100
    assert abs(np.mean(labels[drawn]) - 0.5) < 0.03
    with pytest.raises(ValueError, match="without replacement from 2 nonzero weights"):
        torch.utils.data.WeightedRandomSampler([0.0, 1.0, 2.0], num_samples=3, replacement=False)


def test_random_sampler_and_batch_sampler_follow_pytorch_counts():
    data = list(range(5))
    assert sorted(torch.utils.data.RandomSampler(data, seed=1)) == data
    eleven = list(torch.utils.data.RandomSampler(data, num_samples=11, seed=1))
    assert sorted(eleven[:5]) == data and sorted(eleven[5:10]) == data and len(eleven) == 11
    assert len(list(torch.utils.data.RandomSampler(data, replacement=True, num_samples=8))) == 8
    batches = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(data), 2, drop_last=False)
    assert list(batches) == [[0, 1], [2, 3], [4]] and len(batches) == 3
    loader = DataLoader(TensorDataset(np.arange(5) * 10), batch_sampler=batches)
    assert [x.numpy().tolist() for (x,) in loader] == [[0, 10], [20, 30], [40]] and len(loader) == 3


def test_sampler_options_that_pytorch_refuses_together_are_refused():
    dataset = TensorDataset(np.arange(4))
    sampler = torch.utils.data.SequentialSampler(dataset)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(dataset, sampler=sampler, shuffle=True)
    batches = torch.utils.data.BatchSampler(sampler, 2, drop_last=False)
    with pytest.raises(ValueError, match="mutually exclusive with batch_size"):
        DataLoader(dataset, batch_size=2, batch_sampler=batches)
    with pytest.raises(ValueError, match="sampler or batch_sampler cannot record"):
        DataLoader(dataset, sampler=sampler).state_dict()


def test_concat_dataset_and_tensor_dataset_tensors_as_in_pytorch():
    first = TensorDataset(np.arange(3), np.zeros(3, np.int64))
    second = TensorDataset(np.arange(3, 5), np.ones(2, np.int64))
    both = torch.utils.data.ConcatDataset([first, second])
    assert len(both) == 5 and both.cumulative_sizes == [3, 5]
    assert [int(both[i][0]) for i in range(-5, 5)] == [0, 1, 2, 3, 4] * 2
    with pytest.raises(IndexError, match="out of range"):
        both[5]
    assert [y.numpy().tolist() for _, y in DataLoader(both, batch_size=2)] == [[0, 0], [0, 1], [1]]
    x, y = first.tensors
    assert isinstance(x, torch.Tensor) and x.numpy().tolist() == [0, 1, 2] and y.dtype == torch.int64


def test_a_seeded_generator_repeats_a_split_and_advances_when_used_again():
    dataset = TensorDataset(np.arange(20))

    def split():
        return torch.utils.data.random_split(dataset, [0.8, 0.2], generator=torch.Generator().manual_seed(42))

    first, again = split(), split()
    assert [len(part) for part in first] == [16, 4]
    assert first[1].indices.tolist() == again[1].indices.tolist()
    shared = torch.Generator().manual_seed(42)
    one = torch.utils.data.random_split(dataset, [16, 4], generator=shared)
    two = torch.utils.data.random_split(dataset, [16, 4], generator=shared)
    assert one[1].indices.tolist() == first[1].indices.tolist() != two[1].indices.tolist()
    assert torch.Generator().initial_seed() == 67280421310721 and shared.initial_seed() == 42
    batches = [
        [
            x.numpy().tolist()
            for (x,) in DataLoader(dataset, 5, shuffle=True, generator=torch.Generator().manual_seed(7))
        ]
        for _ in range(2)
    ]
    assert batches[0] == batches[1]
    with pytest.raises(ValueError, match="seed= or generator=, not both"):
        DataLoader(dataset, seed=1, generator=torch.Generator())
    with pytest.raises(TypeError, match="generator must be a tg.Generator"):
        torch.utils.data.RandomSampler(dataset, generator=np.random.default_rng(0))


# "Neural Networks" and "Training a classifier": LeNet's Conv2d and max pooling, on 8x8 digits.
CONV_REFERENCE = np.load(Path(__file__).parent / "fixtures" / "conv_reference.npz")
CONV_CASES = json.loads(str(CONV_REFERENCE["__cases__"]))


@pytest.mark.parametrize("case", CONV_CASES, ids=[case["name"] for case in CONV_CASES])
def test_conv2d_and_pooling_match_pytorch_values_and_gradients(case):
    """tests/fixtures/make_conv_reference.py recorded torch 2.13 in float64 (max pooling over tied
    zeros included); measured agreement is 4e-15."""
    name = case["name"]
    inputs = {
        key: torch.tensor(CONV_REFERENCE[f"{name}.{key}"], requires_grad=True)
        if f"{name}.{key}" in CONV_REFERENCE
        else None
        for key in case["inputs"]
    }
    output = getattr(F, case["function"])(*inputs.values(), **case["options"])
    output.backward(torch.tensor(CONV_REFERENCE[f"{name}.grad_output"]))
    np.testing.assert_allclose(output.numpy(), CONV_REFERENCE[f"{name}.output"], rtol=1e-12, atol=1e-12)
    for key, tensor in inputs.items():
        if tensor is not None:
            np.testing.assert_allclose(
                tensor.grad.numpy(), CONV_REFERENCE[f"{name}.grad_{key}"], rtol=1e-12, atol=1e-12, err_msg=key
            )


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3, padding=1)
        self.conv2 = nn.Conv2d(6, 16, 3, padding=1)
        self.fc1 = nn.Linear(16 * 2 * 2, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def test_lenet_from_the_classifier_tutorial_learns_the_digits_above_85_percent():
    torch.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = load_digits()
    trainloader = DataLoader(Digits(x_train, y_train), batch_size=32, shuffle=True)
    testloader = DataLoader(Digits(x_test, y_test), batch_size=128)
    net = LeNet()
    assert [name for name, _ in net.named_parameters()][:2] == ["conv1.weight", "conv1.bias"]
    assert tuple(net.conv2.weight.shape) == (16, 6, 3, 3)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    running_losses = []
    for epoch in range(8):  # loop over the dataset multiple times
        running_loss = 0.0
        for i, data in enumerate(trainloader, 0):
            inputs, labels = data
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if i % 15 == 14:  # the tutorial prints [epoch, i] and the mean loss of the last batches
                running_losses.append((epoch + 1, i + 1, running_loss / 15))
                running_loss = 0.0
    assert len(running_losses) == 8 * 3
    assert running_losses[-1][2] < running_losses[0][2] / 8
    correct = 0
    total = 0
    with torch.no_grad():
        for data in testloader:
            images, labels = data
            outputs = net(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    assert total == len(y_test)
    assert correct / total > 0.85, correct / total


def test_conv_and_pooling_name_the_problem_with_bad_settings():
    image = torch.randn(1, 3, 5, 5)
    with pytest.raises(ValueError, match="input has 3 channels, but weight"):
        nn.Conv2d(2, 4, 3)(image)
    with pytest.raises(ValueError, match="does not fit the padded input of size \\(5, 5\\)"):
        nn.Conv2d(3, 4, 7)(image)
    with pytest.raises(ValueError, match="expected a 3-d \\(C, H, W\\) or 4-d"):
        nn.Conv2d(3, 4, 3)(torch.randn(5, 5))
    with pytest.raises(ValueError, match="must be divisible by groups 2"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="padding \\(2, 2\\) should be at most half"):
        F.max_pool2d(image, 2, padding=2)
    assert tuple(nn.MaxPool2d(2, ceil_mode=True)(image).shape) == (1, 3, 3, 3)  # partial last windows kept
    single = nn.Conv2d(3, 4, 3, padding="same")(image[0])
    assert tuple(single.shape) == (4, 5, 5)


def test_load_state_dict_reports_a_full_match_as_pytorch_prints_it():
    model = NeuralNetwork().to("cpu", non_blocking=True)
    assert repr(model.load_state_dict(model.state_dict())) == "<All keys matched successfully>"
    partial = model.load_state_dict(
        {"linear_relu_stack.0.bias": model.linear_relu_stack[0].bias}, strict=False
    )
    assert "missing_keys=['linear_relu_stack.0.weight'" in repr(partial)
