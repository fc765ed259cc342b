"""Whole training runs follow PyTorch's: model, loss, optimizer, schedule and clipping together.

tests/fixtures/make_training_reference.py trained small float64 networks with torch 2.13 and stored
the data, the initial weights, the loss, learning rates and momenta of every step, the gradient norms
clipping saw, the final weights and buffers (BatchNorm's running statistics), the losses of evaluations
in eval mode along the way, and the trained model's output. Each test builds the same network with
tg.nn.Dense layers (and BatchNorm1d, LayerNorm, Embedding where the scenario has them), loads
torch's initial weights, replays the same loop and compares.

Tolerances: in float64 each forward, backward and update agrees with torch to a few ulp (the
per-piece tests check 1e-13); over 30-60 steps the training dynamics carry and somewhat amplify
those differences. Measured with torch 2.13 on NumPy/OpenBLAS, the worst relative difference over
all scenarios is 2e-15 (loss curves 5e-16). RTOL = 1e-10 leaves room for other BLAS libraries and
summation orders, while any semantic difference (a hyperparameter read wrongly, a different order of
operations in a rule, an off-by-one in a schedule or in clipping) shows up at 1e-4 or more. ATOL
covers values near zero. Learning rates are Python floats computed by the same formulas: exact.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.optim import lr_scheduler

FIXTURE = np.load(Path(__file__).parent / "fixtures" / "training_reference.npz")
SCENARIOS = json.loads(str(FIXTURE["__scenarios__"]))
RTOL = 1e-10
ATOL = 1e-12

# The fixture script's named lr_lambda functions for LambdaLR and MultiplicativeLR.
LAMBDAS = {
    "warmup_then_inverse_sqrt": lambda epoch: min((epoch + 1) / 5, math.sqrt(5 / (epoch + 1))),
    "shrink_every_third": lambda epoch: 0.7 if epoch % 3 == 0 else 1.0,
    "times_0_97": lambda epoch: 0.97,
}


def activation_module(name: str) -> tg.nn.Module:
    kind, _, argument = name.partition(":")
    if kind == "leaky_relu":
        return tg.nn.LeakyReLU(float(argument)) if argument else tg.nn.LeakyReLU()
    return {
        "relu": tg.nn.ReLU,
        "tanh": tg.nn.Tanh,
        "sigmoid": tg.nn.Sigmoid,
        "gelu": tg.nn.GELU,
        "silu": tg.nn.SiLU,
        "elu": tg.nn.ELU,
        "softmax": lambda: tg.nn.Softmax(dim=-1),
        "log_softmax": lambda: tg.nn.LogSoftmax(dim=-1),
    }[kind]()


class TokenMean(tg.nn.Module):
    """The mean over axis 1 (the tokens): an Embedding followed by it is an EmbeddingBag of means."""

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        return x.mean(axis=1)


def build_model(spec: dict) -> tg.nn.Sequential:
    """The scenario's network: torch's layout ("module" style) or activations inside Dense ("dense")."""
    sizes, layers = spec["sizes"], []
    embedding = spec.get("embedding")
    if embedding:
        vocabulary, padding_idx = embedding["num_embeddings"], embedding["padding_idx"]
        layers += [tg.nn.Embedding(vocabulary, sizes[0], padding_idx, dtype=tg.float64), TokenMean()]
    norms = spec.get("norms") or [None] * len(spec["activations"])
    for i, activation in enumerate(spec["activations"]):
        if spec["style"] == "dense":
            # A name goes straight to Dense; a custom slope needs the module.
            if activation is not None and ":" in activation:
                activation = activation_module(activation)
            layers.append(
                tg.nn.Dense(sizes[i], sizes[i + 1], spec["bias"][i], activation=activation, dtype=tg.float64)
            )
        else:
            layers.append(tg.nn.Dense(sizes[i], sizes[i + 1], spec["bias"][i], dtype=tg.float64))
            if norms[i] == "batch_norm":
                layers.append(tg.nn.BatchNorm1d(sizes[i + 1], **spec["norm_kwargs"], dtype=tg.float64))
            elif norms[i] == "layer_norm":
                layers.append(tg.nn.LayerNorm(sizes[i + 1], dtype=tg.float64))
            if activation is not None:
                layers.append(activation_module(activation))
    return tg.nn.Sequential(*layers)


def load_torch_weights(model: tg.nn.Sequential, spec: dict) -> list[tg.nn.Parameter]:
    """Copy torch's initial weights in; in "module" style the state-dict names must be torch's too."""
    names = [name for name, _ in model.named_parameters()]
    torch_names = spec["torch_parameter_names"]
    if spec["style"] == "module":
        assert names == torch_names
    assert len(names) == len(torch_names)
    state = {name: FIXTURE[f"{spec['name']}/initial/{i}"] for i, name in enumerate(names)}
    # Buffers (BatchNorm's running statistics) start at their defaults, as torch's did.
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert missing == [name for name, _ in model.named_buffers()] and not unexpected
    params = list(model.parameters())
    for i in spec["frozen"]:
        params[i].requires_grad_(False)
    return params


def make_optimizer(spec: dict, params: list[tg.nn.Parameter]) -> tg.optim.Optimizer:
    groups = spec["groups"] or [{"params": list(range(len(params)))}]
    param_groups = [{**g, "params": [params[i] for i in g["params"]]} for g in groups]
    kwargs = dict(spec["optimizer_kwargs"])
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    return getattr(tg.optim, spec["optimizer"])(param_groups, **kwargs)


def make_criterion(spec: dict) -> tg.nn.Module:
    kwargs = dict(spec["loss_kwargs"])
    for key in ("weight", "pos_weight"):
        if f"{spec['name']}/data/{key}" in FIXTURE:
            kwargs[key] = tg.tensor(FIXTURE[f"{spec['name']}/data/{key}"])
    return getattr(tg.nn, spec["loss"])(**kwargs)


def make_scheduler(optimizer: tg.optim.Optimizer, name: str, kwargs: dict) -> object:
    """A scheduler from its [name, kwargs] pair (nested schedulers and named lambdas resolved)."""
    kwargs = dict(kwargs)
    if "schedulers" in kwargs:
        kwargs["schedulers"] = [make_scheduler(optimizer, *part) for part in kwargs["schedulers"]]
    if "lr_lambda" in kwargs:
        names = kwargs["lr_lambda"]
        kwargs["lr_lambda"] = [LAMBDAS[n] for n in names] if isinstance(names, list) else LAMBDAS[names]
    if name == "ChainedScheduler":
        return lr_scheduler.ChainedScheduler(kwargs["schedulers"], optimizer)
    return getattr(lr_scheduler, name)(optimizer, **kwargs)


def momenta(optimizer: tg.optim.Optimizer) -> list[float] | None:
    """Each group's momentum or beta1, or None when the optimizer has neither."""
    groups = optimizer.param_groups
    if all("betas" in g for g in groups):
        return [g["betas"][0] for g in groups]
    if all("momentum" in g for g in groups):
        return [g["momentum"] for g in groups]
    return None


def train(spec: dict) -> dict[str, object]:
    """The loop of make_training_reference.py, with tg."""
    name = spec["name"]
    model = build_model(spec)
    params = load_torch_weights(model, spec)
    criterion = make_criterion(spec)
    optimizer = make_optimizer(spec, params)
    schedulers = [make_scheduler(optimizer, name, kwargs) for name, kwargs in spec["schedulers"]]
    x, y = tg.tensor(FIXTURE[f"{name}/data/x"]), tg.tensor(FIXTURE[f"{name}/data/y"])
    batches = spec["n"] // spec["batch"]
    losses, lrs, norms, moms, eval_losses = [], [], [], [], []
    for step in range(spec["steps"]):
        if step == spec["unfreeze_at"]:
            for i in spec["frozen"]:
                params[i].requires_grad_(True)
        lrs.append([group["lr"] for group in optimizer.param_groups])
        moms.append(momenta(optimizer))
        optimizer.zero_grad(set_to_none=spec["set_to_none"])
        total = 0.0
        for micro_step in range(spec["accumulate"]):
            start = ((step * spec["accumulate"] + micro_step) % batches) * spec["batch"]
            rows = slice(start, start + spec["batch"])
            loss = criterion(model(x[rows]), y[rows]) / spec["accumulate"]
            if spec["negate_loss"]:
                loss = -loss
            loss.backward()
            total += loss.item()
        clip = spec["clip"]
        if clip and clip["kind"] == "norm":
            norm_type = float(clip["norm_type"])
            norms.append(tg.nn.utils.clip_grad_norm_(params, clip["max_norm"], norm_type).item())
        elif clip:
            tg.nn.utils.clip_grad_value_(params, clip["clip_value"])
        optimizer.step()
        for scheduler in schedulers:
            if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
                scheduler.step(total)
            else:
                scheduler.step()
        losses.append(total)
        if spec.get("eval_every") and (step + 1) % spec["eval_every"] == 0:
            model.eval()
            with tg.no_grad():
                eval_losses.append(criterion(model(x), y).item())
            model.train()
    model.eval()
    with tg.no_grad():
        output = model(x).numpy()
    return {
        "losses": np.array(losses),
        "lrs": np.array(lrs),
        "momenta": np.array(moms),
        "clip_norms": np.array(norms),
        "final": [p.numpy() for p in params],
        "buffers": {name: buffer.numpy() for name, buffer in model.named_buffers()},
        "eval_losses": np.array(eval_losses),
        "output": output,
    }


def assert_close(ours: np.ndarray, key: str, what: str, rtol: float = RTOL, atol: float = ATOL) -> None:
    np.testing.assert_allclose(ours, FIXTURE[key], rtol=rtol, atol=atol, err_msg=what)


@pytest.mark.parametrize("spec", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_training_run_follows_pytorch(spec: dict) -> None:
    name = spec["name"]
    ours = train(spec)
    assert_close(ours["lrs"], f"{name}/lrs", "learning rates", rtol=1e-15, atol=0)
    if f"{name}/momenta" in FIXTURE:
        assert_close(
            ours["momenta"], f"{name}/momenta", "momenta (OneCycleLR cycles them)", rtol=1e-15, atol=0
        )
    assert_close(ours["losses"], f"{name}/losses", "loss curve")
    if f"{name}/clip_norms" in FIXTURE:
        assert_close(ours["clip_norms"], f"{name}/clip_norms", "gradient norms before clipping")
    for i, (param, torch_name) in enumerate(zip(ours["final"], spec["torch_parameter_names"])):
        assert_close(param, f"{name}/final/{i}", f"final {torch_name}")
    assert list(ours["buffers"]) == spec.get("torch_buffer_names", [])
    for buffer_name, buffer in ours["buffers"].items():
        key = f"{name}/final_buffer/{buffer_name}"
        assert buffer.dtype == FIXTURE[key].dtype, buffer_name
        assert_close(buffer, key, f"final {buffer_name}")
    if f"{name}/eval_losses" in FIXTURE:
        assert_close(ours["eval_losses"], f"{name}/eval_losses", "losses in eval mode along the way")
    assert_close(ours["output"], f"{name}/output", "trained model's output")
