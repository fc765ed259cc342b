"""Leftovers of session 8's review: checkpointing a function with any output, a module's backward
hooks when only its weight's gradient is asked for, and a classifier asked for on a continuous target.

The hook behaviour is PyTorch 2.13's, printed by a torch script of a few lines (register a full
backward hook and pre-hook on a Linear, take torch.autograd.grad with respect to the weight only):
the pre-hook sees grad_output, the full hook does not run when the input requires grad and is not
asked for, and runs with grad_input (None,) when the input does not require grad.
"""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.utils.checkpoint import checkpoint

ROOT = Path(__file__).resolve().parents[1]


def _model_and_input() -> tuple[tg.nn.Linear, tg.Tensor]:
    tg.manual_seed(0)
    return tg.nn.Linear(3, 2), tg.randn(4, 3, requires_grad=True)


def _dict_output(layer: tg.nn.Linear):
    def function(x: tg.Tensor) -> dict:
        hidden = layer(x)
        return {"out": hidden.tanh(), "aux": [hidden.sum(), 3, "name"], "pair": (x * 2, None)}

    return function


def _loss(result: dict) -> tg.Tensor:
    return result["out"].sum() + result["aux"][0] * 2 + result["pair"][0].pow(2).sum()


def test_checkpoint_of_a_function_returning_a_nested_dict_gives_the_plain_gradients():
    layer, x = _model_and_input()
    function = _dict_output(layer)
    result = checkpoint(function, x, use_reentrant=False)
    assert isinstance(result, dict) and list(result) == ["out", "aux", "pair"]
    assert isinstance(result["aux"], list) and result["aux"][1:] == [3, "name"]
    assert isinstance(result["pair"], tuple) and result["pair"][1] is None
    _loss(result).backward()
    checkpointed = [t.grad.numpy().copy() for t in (x, layer.weight, layer.bias)]
    for t in (x, layer.weight, layer.bias):
        t.grad = None
    _loss(function(x)).backward()
    for got, tensor in zip(checkpointed, (x, layer.weight, layer.bias)):
        np.testing.assert_allclose(got, tensor.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_checkpoint_keeps_namedtuples_and_ordered_dicts_and_plain_values():
    _, x = _model_and_input()
    pair = collections.namedtuple("Pair", "value count")
    result = checkpoint(lambda t: pair(t.sin(), 1), x, use_reentrant=False)
    assert isinstance(result, pair) and result.count == 1
    ordered = checkpoint(lambda t: collections.OrderedDict(b=t.exp(), a=7), x, use_reentrant=False)
    assert isinstance(ordered, collections.OrderedDict) and list(ordered) == ["b", "a"]
    assert checkpoint(lambda t: 5, x, use_reentrant=False) == 5
    result.value.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.cos(x.numpy()), rtol=1e-6)


def test_checkpoint_with_create_graph_differentiates_a_dict_output_twice():
    _, x = _model_and_input()
    result = checkpoint(lambda t: {"cube": t**3, "tag": "c"}, x, use_reentrant=False)
    (first,) = tg.autograd.grad(result["cube"].sum(), x, create_graph=True)
    (second,) = tg.autograd.grad(first.sum(), x)
    np.testing.assert_allclose(second.numpy(), 6 * x.numpy(), rtol=1e-5)


def _hooked_linear(calls: list) -> tg.nn.Linear:
    layer = tg.nn.Linear(3, 2)
    layer.register_full_backward_hook(
        lambda module, grad_input, grad_output: calls.append(
            ("hook", [None if g is None else g.shape for g in grad_input])
        )
    )
    layer.register_full_backward_pre_hook(lambda module, grad_output: calls.append(("pre",)))
    return layer


def test_full_backward_hook_does_not_run_for_a_gradient_of_the_weight_alone_as_in_pytorch():
    calls = []
    layer = _hooked_linear(calls)
    x = tg.randn(4, 3, requires_grad=True)
    tg.autograd.grad(layer(x).sum(), layer.weight)
    assert calls == [("pre",)]
    calls.clear()
    layer(x).sum().backward(inputs=[layer.weight])
    assert calls == [("pre",)] and x.grad is None
    calls.clear()
    tg.autograd.grad(layer(x).sum(), [x, layer.weight])
    assert calls == [("pre",), ("hook", [(4, 3)])]


def test_full_backward_hook_runs_with_none_when_the_input_needs_no_gradient():
    calls = []
    layer = _hooked_linear(calls)
    tg.autograd.grad(layer(tg.randn(4, 3)).sum(), layer.weight)
    assert calls == [("pre",), ("hook", [None])]


def test_grad_with_respect_to_an_intermediate_skips_the_nodes_before_it():
    x = tg.randn(3, requires_grad=True)
    seen = []
    before = x * 2
    before.register_hook(lambda g: seen.append("before"))
    middle = before.exp()
    (grad,) = tg.autograd.grad((middle * 3).sum(), middle)
    np.testing.assert_allclose(grad.numpy(), np.full(3, 3.0))
    assert seen == []


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tinygrad_adam", "train", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def continuous_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(120, 2))
    price = features @ np.array([1.5, -2.0]) + rng.normal(scale=0.1, size=120)
    path = tmp_path / "houses.csv"
    lines = ["size,age,price"] + [f"{a:.4f},{b:.4f},{p:.4f}" for (a, b), p in zip(features, price)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_cli_warns_when_classification_is_asked_for_a_continuous_target(continuous_csv: Path):
    result = _run_cli(
        "--csv",
        str(continuous_csv),
        "--target",
        "price",
        "--task",
        "classification",
        "--epochs",
        "1",
        "--quiet",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert "'price'" in result.stderr and "120 distinct" in result.stderr
    assert "--task regression" in result.stderr


def test_cli_auto_task_on_a_continuous_target_is_a_regression_without_the_warning(continuous_csv: Path):
    result = _run_cli("--csv", str(continuous_csv), "--target", "price", "--epochs", "1", "--quiet", "--json")
    assert result.returncode == 0, result.stderr
    assert "distinct" not in result.stderr
    assert '"test_rmse"' in result.stdout.splitlines()[-1]


def test_cli_warns_too_when_auto_takes_many_whole_numbers_for_classes_but_not_for_ten_digits(
    tmp_path, capsys
):
    from tinygrad_adam.cli import main

    rng = np.random.default_rng(0)
    ages = tmp_path / "ages.csv"
    ages.write_text(
        "height,age\n" + "".join(f"{rng.normal():.3f},{age}\n" for age in rng.integers(18, 90, 150))
    )
    assert main(["train", "--csv", str(ages), "--epochs", "1", "--quiet", "--json"]) == 0
    err = capsys.readouterr().err
    assert "--target '-1' holds" in err and "distinct numeric values in 150 rows" in err
    digits = tmp_path / "digits.csv"
    digits.write_text("a,label\n" + "".join(f"{rng.normal():.3f},{i % 10}\n" for i in range(150)))
    assert main(["train", "--csv", str(digits), "--epochs", "1", "--quiet", "--json"]) == 0
    assert "distinct" not in capsys.readouterr().err
