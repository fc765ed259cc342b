"""``nn.utils.parametrize``, ``parametrizations.weight_norm`` / ``spectral_norm``, the old hook-based
``weight_norm`` / ``spectral_norm``, ``nn.utils.prune`` and the lazy layers, against PyTorch 2.13
(tests/fixtures/make_nn_utils_round7.py): values and gradients in float64, ``state_dict`` names and
``parameters()``, what survives a state_dict round trip, and PyTorch's errors on bad input."""

from __future__ import annotations

import copy
import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn.utils import parametrizations, prune
from tinygrad_adam.nn.utils import parametrize as P

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "nn_utils_round7.npz")
TOL = dict(rtol=1e-10, atol=1e-12)


def _tensor(key: str) -> tg.Tensor:
    return tg.tensor(FIXTURES[key])


def _linear(name: str, in_features: int, out_features: int) -> nn.Linear:
    layer = nn.Linear(in_features, out_features, dtype=tg.float64)
    layer.load_state_dict({"weight": FIXTURES[f"{name}.weight"], "bias": FIXTURES[f"{name}.bias"]})
    return layer


def _check_names(name: str, module: nn.Module) -> None:
    assert list(module.state_dict()) == list(FIXTURES[f"{name}.state_keys"])
    assert [n for n, _ in module.named_parameters()] == list(FIXTURES[f"{name}.param_names"])


def _check_run(name: str, module: nn.Module, grads: list[str], x_key: str | None = None) -> None:
    """Output and gradients of (out * w).sum() as PyTorch's."""
    y = module(_tensor(x_key or f"{name}.x"))
    np.testing.assert_allclose(y.numpy(), FIXTURES[f"{name}.out"], **TOL)
    (y * _tensor(f"{name}.w")).sum().backward()
    named = dict(module.named_parameters())
    for g in grads:
        np.testing.assert_allclose(named[g].grad.numpy(), FIXTURES[f"{name}.grad.{g}"], **TOL)


class Symmetric(nn.Module):
    def forward(self, X: tg.Tensor) -> tg.Tensor:
        return X.triu() + X.triu(1).T

    def right_inverse(self, A: tg.Tensor) -> tg.Tensor:
        return A.triu()


class Scale(nn.Module):
    def forward(self, X: tg.Tensor) -> tg.Tensor:
        return 1.5 * X

    def right_inverse(self, X: tg.Tensor) -> tg.Tensor:
        return X / 1.5


class SumOfTwo(nn.Module):
    def forward(self, a: tg.Tensor, b: tg.Tensor) -> tg.Tensor:
        return a + 2 * b

    def right_inverse(self, X: tg.Tensor) -> tuple[tg.Tensor, tg.Tensor]:
        return X / 3, X / 3


class Doubled(nn.Module):  # no right_inverse: original starts as the tensor itself
    def forward(self, X: tg.Tensor) -> tg.Tensor:
        return 2 * X


class FirstRows(nn.Module):
    def forward(self, X: tg.Tensor) -> tg.Tensor:
        return X[:2]


# -- parametrize -------------------------------------------------------------------------------------
def test_parametrize_chain_matches_pytorch_names_values_gradients_and_assignment() -> None:
    m = _linear("sym", 4, 4)
    P.register_parametrization(m, "weight", Symmetric())
    P.register_parametrization(m, "weight", Scale())
    assert type(m).__name__ == "ParametrizedLinear" and isinstance(m, nn.Linear)
    assert P.is_parametrized(m) and P.is_parametrized(m, "weight") and not P.is_parametrized(m, "bias")
    assert P.type_before_parametrizations(m) is nn.Linear
    _check_names("sym", m)
    np.testing.assert_allclose(m.parametrizations.weight.original.numpy(), FIXTURES["sym.original"], **TOL)
    _check_run("sym", m, ["bias", "parametrizations.weight.original"])
    m.weight = _tensor("sym.assign")  # original = triu(A / 1.5), through both right_inverses
    original = m.parametrizations.weight.original
    np.testing.assert_allclose(original.numpy(), FIXTURES["sym.original_after_assign"], **TOL)
    P.remove_parametrizations(m, "weight")
    assert type(m) is nn.Linear and m.weight is original  # the same Parameter, now plain again
    np.testing.assert_allclose(m.weight.numpy(), FIXTURES["sym.removed_weight"], **TOL)
    _check_names("sym_removed", m)


def test_parametrize_tuple_right_inverse_gives_original0_and_original1() -> None:
    m = _linear("two", 3, 2)
    P.register_parametrization(m, "weight", SumOfTwo())
    _check_names("two", m)
    _check_run("two", m, ["parametrizations.weight.original0", "parametrizations.weight.original1"])
    with pytest.raises(ValueError, match="sequence of tensors"):
        P.remove_parametrizations(m, "weight", leave_parametrized=False)
    weight = m.weight.numpy()
    P.remove_parametrizations(m, "weight")
    assert isinstance(m.weight, nn.Parameter) and [n for n, _ in m.named_parameters()] == ["bias", "weight"]
    np.testing.assert_allclose(m.weight.numpy(), weight)


def test_parametrize_leave_parametrized_false_restores_original_and_buffers_work() -> None:
    m = nn.Linear(3, 3)
    before = m.weight.numpy().copy()
    P.register_parametrization(m, "weight", Doubled())
    np.testing.assert_allclose(m.weight.numpy(), 2 * before)
    P.remove_parametrizations(m, "weight", leave_parametrized=False)
    np.testing.assert_allclose(m.weight.numpy(), before)
    bn = nn.BatchNorm1d(3)
    P.register_parametrization(bn, "running_var", Doubled())
    assert "parametrizations.running_var.original" in bn.state_dict()
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]  # a buffer stays a buffer
    np.testing.assert_allclose(bn.running_var.numpy(), 2 * np.ones(3))


def test_parametrized_state_dict_round_trip_and_deepcopy() -> None:
    source = _linear("sym", 4, 4)
    P.register_parametrization(source, "weight", Symmetric())
    target = nn.Linear(4, 4, dtype=tg.float64)
    P.register_parametrization(target, "weight", Symmetric())
    target.load_state_dict(source.state_dict())
    np.testing.assert_allclose(target.weight.numpy(), source.weight.numpy())
    twin = copy.deepcopy(source)
    assert (
        type(twin) is type(source)
        and twin.parametrizations.weight.original is not source.parametrizations.weight.original
    )
    np.testing.assert_allclose(twin.weight.numpy(), source.weight.numpy())
    with pytest.raises(RuntimeError, match="state_dict"):
        pickle.dumps(source)


def test_parametrize_cached_computes_once_per_block() -> None:
    calls = []

    class Counting(nn.Module):
        def forward(self, X: tg.Tensor) -> tg.Tensor:
            calls.append(1)
            return X * 2

    m = nn.Linear(2, 2)
    P.register_parametrization(m, "weight", Counting(), unsafe=True)
    calls.clear()
    with P.cached():
        first, second = m.weight, m.weight
    assert first is second and len(calls) == 1
    m.weight, m.weight  # noqa: B018 (outside the block: computed at each read)
    assert len(calls) == 3


def test_transfer_parametrizations_shares_the_originals() -> None:
    source = _linear("sym", 4, 4)
    P.register_parametrization(source, "weight", Symmetric())
    target = nn.Linear(4, 4, dtype=tg.float64)
    P.transfer_parametrizations_and_params(source, target)
    assert target.parametrizations.weight.original is source.parametrizations.weight.original
    np.testing.assert_allclose(target.weight.numpy(), source.weight.numpy())
    assert P.transfer_parametrizations_and_params(nn.Linear(2, 2), target) is target  # nothing to transfer


def test_parametrize_optimizer_trains_the_original() -> None:
    m = nn.Linear(3, 3)
    P.register_parametrization(m, "weight", Symmetric())
    optimizer = tg.optim.SGD(m.parameters(), lr=0.1)
    m(tg.ones(2, 3)).sum().backward()
    optimizer.step()
    w = m.weight.numpy()
    np.testing.assert_allclose(w, w.T)


def test_parametrize_bad_inputs_raise_pytorchs_errors() -> None:
    m = nn.Linear(3, 3)
    with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
        P.register_parametrization(m, "nope", Scale())
    with pytest.raises(ValueError, match="may not change the shape"):
        P.register_parametrization(m, "weight", FirstRows())
    assert type(m) is nn.Linear and "weight" in dict(m.named_parameters())  # unchanged
    P.register_parametrization(m, "weight", FirstRows(), unsafe=True)
    assert m.weight.shape == (2, 3)
    with pytest.raises(RuntimeError, match="does not implement right_inverse"):
        m.weight = tg.ones(2, 3)
    with pytest.raises(KeyError, match="already exists"):
        m.weight = nn.Parameter(tg.ones(3, 3))
    with pytest.raises(ValueError, match="does not have a parametrization on bias"):
        P.remove_parametrizations(m, "bias")
    with pytest.raises(TypeError, match="must be a Module"):
        P.register_parametrization(nn.Linear(2, 2), "weight", lambda x: x)
    with pytest.raises(AttributeError):  # PyTorch's type for it
        P.register_parametrization(nn.Linear(2, 2), "weight", lambda x: x)


# -- parametrizations.weight_norm / spectral_norm ---------------------------------------------------
@pytest.mark.parametrize(("dim", "tag"), [(0, "0"), (1, "1"), (None, "none")])
def test_parametrizations_weight_norm_matches_pytorch(dim: int | None, tag: str) -> None:
    m = parametrizations.weight_norm(_linear(f"pwn{tag}", 5, 3), dim=dim)
    _check_names(f"pwn{tag}", m)
    g = m.parametrizations.weight.original0
    assert g.shape == FIXTURES[f"pwn{tag}.g"].shape
    np.testing.assert_allclose(g.numpy(), FIXTURES[f"pwn{tag}.g"], **TOL)
    _check_run(f"pwn{tag}", m, ["parametrizations.weight.original0", "parametrizations.weight.original1"])


def test_parametrizations_weight_norm_loads_a_state_saved_by_the_old_weight_norm() -> None:
    old = _linear("pwn0", 5, 3)
    with pytest.warns(FutureWarning):
        nn.utils.weight_norm(old)
    model = nn.Sequential(parametrizations.weight_norm(nn.Linear(5, 3, dtype=tg.float64)))
    model.load_state_dict({f"0.{k}": v for k, v in old.state_dict().items()})
    _check_run("pwn0", model[0], ["parametrizations.weight.original0", "parametrizations.weight.original1"])


def test_load_state_dict_pre_hooks_see_their_prefix_and_can_fail_the_load() -> None:
    seen = []

    def hook(module, state_dict, prefix, local_metadata, strict, missing, unexpected, errors) -> None:  # noqa: ANN001
        seen.append(prefix)
        state_dict[prefix + "weight"] = state_dict.pop(prefix + "kernel")

    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    handle = model[1].register_load_state_dict_pre_hook(hook)
    state = model.state_dict()
    state["1.kernel"] = state.pop("1.weight") * 0
    model.load_state_dict(state)
    assert seen == ["1."] and "1.kernel" in state  # the caller's mapping is left as it was
    np.testing.assert_array_equal(model[1].weight.numpy(), np.zeros((2, 2)))
    handle.remove()
    model[0].register_load_state_dict_pre_hook(lambda m, s, p, *rest: rest[-1].append("refused"))
    with pytest.raises(RuntimeError, match="refused"):
        model.load_state_dict(model.state_dict())


@pytest.mark.parametrize(("tag", "n_power_iterations"), [("a", 1), ("b", 3)])
def test_parametrizations_spectral_norm_matches_pytorch_from_its_u_and_v(
    tag: str, n_power_iterations: int
) -> None:
    m = parametrizations.spectral_norm(_linear(f"psn{tag}", 5, 4), n_power_iterations=n_power_iterations)
    _check_names(f"psn{tag}", m)
    state = {
        "bias": FIXTURES[f"psn{tag}.bias"],
        "parametrizations.weight.original": FIXTURES[f"psn{tag}.weight"],
        "parametrizations.weight.0._u": FIXTURES[f"psn{tag}.u0"],
        "parametrizations.weight.0._v": FIXTURES[f"psn{tag}.v0"],
    }
    m.load_state_dict(state)
    for step in range(3):
        np.testing.assert_allclose(
            m(_tensor(f"psn{tag}.x{step}")).numpy(), FIXTURES[f"psn{tag}.out{step}"], **TOL
        )
    _check_run(f"psn{tag}", m, ["parametrizations.weight.original"])
    np.testing.assert_allclose(m.parametrizations.weight[0]._u.numpy(), FIXTURES[f"psn{tag}.u"], **TOL)
    np.testing.assert_allclose(m.parametrizations.weight[0]._v.numpy(), FIXTURES[f"psn{tag}.v"], **TOL)
    m.eval()  # no power iteration: u and v stay
    np.testing.assert_allclose(m(_tensor(f"psn{tag}.x0")).numpy(), FIXTURES[f"psn{tag}.eval_out"], **TOL)
    np.testing.assert_allclose(m.parametrizations.weight[0]._u.numpy(), FIXTURES[f"psn{tag}.u"], **TOL)


def test_parametrizations_spectral_norm_of_a_conv_and_its_sigma() -> None:
    conv = nn.Conv2d(2, 3, 2, dtype=tg.float64)
    conv.load_state_dict({"weight": FIXTURES["psnconv.weight"], "bias": FIXTURES["psnconv.bias"]})
    parametrizations.spectral_norm(conv)
    weight_0 = conv.parametrizations.weight[0]
    weight_0.load_state_dict({"_u": FIXTURES["psnconv.u0"], "_v": FIXTURES["psnconv.v0"]})
    _check_run("psnconv", conv, ["parametrizations.weight.original"])
    # after registration (15 power steps) σ is close to the largest singular value
    m = parametrizations.spectral_norm(nn.Linear(6, 4, dtype=tg.float64))
    m.eval()
    largest = np.linalg.svd(m.weight.numpy(), compute_uv=False)[0]
    assert abs(largest - 1) < 1e-3


def test_parametrizations_bad_inputs() -> None:
    with pytest.raises(ValueError, match="n_power_iterations"):
        parametrizations.spectral_norm(nn.Linear(3, 2), n_power_iterations=0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        parametrizations.spectral_norm(nn.Linear(3, 2), dim=2)
    with pytest.raises(ValueError, match="no parameter or buffer"):
        parametrizations.spectral_norm(nn.Linear(3, 2), name="kernel")
    with pytest.raises(ValueError, match="does not have a parameter"):
        parametrizations.weight_norm(nn.Linear(3, 2), name="kernel")


ORTHOGONALS = {  # (out features, in features, orthogonal_map, use_trivialization), as the fixture script
    "sq_exp": (4, 4, None, True),
    "sq_cayley": (4, 4, "cayley", True),
    "sq_house": (4, 4, "householder", True),
    "tall_house": (5, 3, None, True),
    "wide_exp": (3, 5, "matrix_exp", True),
    "tall_cayley": (5, 3, "cayley", True),
    "sq_exp_plain": (4, 4, "matrix_exp", False),
    "tall_house_plain": (5, 3, "householder", False),
    "wide_house_plain": (3, 5, "householder", False),
}


@pytest.mark.parametrize("tag", list(ORTHOGONALS))
def test_parametrizations_orthogonal_matches_pytorch(tag: str) -> None:
    rows, columns, orthogonal_map, trivial = ORTHOGONALS[tag]
    m = _linear(f"orth_{tag}", columns, rows)
    parametrizations.orthogonal(m, orthogonal_map=orthogonal_map, use_trivialization=trivial)
    _check_names(f"orth_{tag}", m)
    # the weight at registration is PyTorch's (a wide or tall base's random completion does not show)
    np.testing.assert_allclose(m.weight.numpy(), FIXTURES[f"orth_{tag}.q"], rtol=1e-9, atol=1e-12)
    state = {key: FIXTURES[f"orth_{tag}.state.{key}"] for key in FIXTURES[f"orth_{tag}.state_keys"]}
    np.testing.assert_allclose(
        m.parametrizations.weight.original.numpy(), state["parametrizations.weight.original"], atol=1e-12
    )
    m.load_state_dict(state)  # PyTorch's base, random columns included, for the gradients
    _check_run(f"orth_{tag}", m, ["parametrizations.weight.original"])


def test_parametrizations_orthogonal_assignment_and_bad_inputs() -> None:
    m = parametrizations.orthogonal(nn.Linear(3, 3, dtype=tg.float64))
    target = _linear("sym", 4, 4).weight.numpy()[:3, :3]
    m.weight = tg.tensor(target)  # not orthogonal: its Q (with R's diagonal positive) is taken
    q, r = np.linalg.qr(target)
    np.testing.assert_allclose(m.weight.numpy(), q * np.sign(np.diag(r)), atol=1e-12)
    with pytest.raises(ValueError, match="Expected a matrix or batch of matrices"):
        parametrizations.orthogonal(nn.Linear(3, 3), name="bias")
    with pytest.raises(ValueError, match='orthogonal_map has to be one of "matrix_exp"'):
        parametrizations.orthogonal(nn.Linear(3, 3), orthogonal_map="qr")
    plain = parametrizations.orthogonal(nn.Linear(3, 3), orthogonal_map="cayley", use_trivialization=False)
    with pytest.raises(NotImplementedError, match="use_trivialization=False"):
        plain.weight = tg.eye(3)
    with pytest.raises(ValueError, match="of shape"):
        m.weight = tg.eye(4, dtype=tg.float64)


# -- old hook-based weight_norm / spectral_norm ------------------------------------------------------
@pytest.mark.parametrize(("dim", "tag"), [(0, "0"), (None, "none")])
def test_old_weight_norm_matches_pytorch_and_removes(dim: int | None, tag: str) -> None:
    m = _linear(f"wn{tag}", 5, 3)
    with pytest.warns(FutureWarning):
        nn.utils.weight_norm(m, dim=dim)
    _check_names(f"wn{tag}", m)
    assert m.weight_g.shape == FIXTURES[f"wn{tag}.g"].shape
    np.testing.assert_allclose(m.weight_g.numpy(), FIXTURES[f"wn{tag}.g"], **TOL)
    _check_run(f"wn{tag}", m, ["weight_g", "weight_v"])
    nn.utils.remove_weight_norm(m)
    _check_names(f"wn{tag}_removed", m)
    np.testing.assert_allclose(m.weight.numpy(), FIXTURES[f"wn{tag}.removed_weight"], **TOL)
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found"):
        nn.utils.remove_weight_norm(m)


def test_old_weight_norm_twice_and_unknown_name_raise() -> None:
    m = nn.Linear(3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        nn.utils.weight_norm(m)
        with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
            nn.utils.weight_norm(m)
        with pytest.raises(AttributeError, match="kernel"):
            nn.utils.weight_norm(nn.Linear(3, 2), name="kernel")


def test_old_spectral_norm_matches_pytorch_from_its_u_and_v() -> None:
    m = nn.utils.spectral_norm(_linear("sn", 5, 4), n_power_iterations=2)
    _check_names("sn", m)
    m.load_state_dict(
        {
            "bias": FIXTURES["sn.bias"],
            "weight_orig": FIXTURES["sn.weight"],
            "weight_u": FIXTURES["sn.u0"],
            "weight_v": FIXTURES["sn.v0"],
        }  # fmt: skip
    )
    for step in range(3):
        np.testing.assert_allclose(m(_tensor(f"sn.x{step}")).numpy(), FIXTURES[f"sn.out{step}"], **TOL)
    _check_run("sn", m, ["weight_orig"])
    np.testing.assert_allclose(m.weight_u.numpy(), FIXTURES["sn.u"], **TOL)
    np.testing.assert_allclose(m.weight_v.numpy(), FIXTURES["sn.v"], **TOL)
    m.eval()
    np.testing.assert_allclose(m(_tensor("sn.x0")).numpy(), FIXTURES["sn.eval_out"], **TOL)
    np.testing.assert_allclose(m.weight_u.numpy(), FIXTURES["sn.eval_u"], **TOL)  # untouched in eval
    nn.utils.remove_spectral_norm(m)
    _check_names("sn_removed", m)
    np.testing.assert_allclose(m.weight.numpy(), FIXTURES["sn.removed_weight"], **TOL)
    with pytest.raises(ValueError, match="spectral_norm of 'weight' not found"):
        nn.utils.remove_spectral_norm(m)


def test_old_spectral_norm_bad_inputs() -> None:
    with pytest.raises(ValueError, match="n_power_iterations"):
        nn.utils.spectral_norm(nn.Linear(3, 2), n_power_iterations=0)
    m = nn.utils.spectral_norm(nn.Linear(3, 2))
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
        nn.utils.spectral_norm(m)
    with pytest.raises(ValueError, match="uninitialized"):
        nn.utils.spectral_norm(nn.LazyLinear(2))
    with pytest.raises(KeyError, match="kernel"):
        nn.utils.spectral_norm(nn.Linear(3, 2), name="kernel")


# -- prune --------------------------------------------------------------------------------------------
def test_prune_repeated_masks_compose_as_pytorchs_container() -> None:
    m = _linear("pr", 6, 5)
    prune.l1_unstructured(m, "weight", amount=0.3)
    np.testing.assert_array_equal(m.weight_mask.numpy(), FIXTURES["pr.mask1"])
    _check_names("pr", m)
    prune.l1_unstructured(m, "weight", amount=3)
    np.testing.assert_array_equal(m.weight_mask.numpy(), FIXTURES["pr.mask2"])
    prune.ln_structured(m, "weight", amount=0.4, n=2, dim=0)
    np.testing.assert_array_equal(m.weight_mask.numpy(), FIXTURES["pr.mask3"])
    prune.ln_structured(m, "weight", amount=1, n=1, dim=1)
    np.testing.assert_array_equal(m.weight_mask.numpy(), FIXTURES["pr.mask4"])
    assert prune.is_pruned(m) and prune.is_pruned(nn.Sequential(m))
    _check_run("pr", m, ["weight_orig", "bias"])
    prune.l1_unstructured(m, "bias", amount=2, importance_scores=_tensor("pr.bias_scores"))
    np.testing.assert_array_equal(m.bias_mask.numpy(), FIXTURES["pr.bias_mask"])
    orig = m.weight_orig
    prune.remove(m, "weight")
    assert m.weight is orig  # the same Parameter, holding the pruned values
    _check_names("pr_removed", m)
    np.testing.assert_allclose(m.weight.numpy(), FIXTURES["pr.removed_weight"], **TOL)


def test_prune_ln_structured_conv_inf_and_p3_norms() -> None:
    conv = nn.Conv2d(4, 3, 2, dtype=tg.float64)
    conv.load_state_dict({"weight": FIXTURES["prconv.weight"], "bias": conv.bias.numpy()})
    prune.ln_structured(conv, "weight", amount=2, n=float("inf"), dim=1)
    np.testing.assert_array_equal(conv.weight_mask.numpy(), FIXTURES["prconv.mask1"])
    prune.ln_structured(conv, "weight", amount=0.5, n=3, dim=0)
    np.testing.assert_array_equal(conv.weight_mask.numpy(), FIXTURES["prconv.mask2"])


def test_prune_global_unstructured_and_custom_from_mask() -> None:
    a, b = _linear("gl_a", 4, 3), _linear("gl_b", 3, 2)
    prune.l1_unstructured(a, "weight", amount=2)
    prune.global_unstructured([(a, "weight"), (b, "weight"), (b, "bias")], prune.L1Unstructured, amount=0.5)
    np.testing.assert_array_equal(a.weight_mask.numpy(), FIXTURES["gl.a_mask"])
    np.testing.assert_array_equal(b.weight_mask.numpy(), FIXTURES["gl.b_mask"])
    np.testing.assert_array_equal(b.bias_mask.numpy(), FIXTURES["gl.b_bias_mask"])
    m = _linear("cm", 3, 2)
    prune.custom_from_mask(m, "weight", _tensor("cm.mask"))
    prune.random_unstructured(m, "weight", amount=0)
    np.testing.assert_array_equal(m.weight_mask.numpy(), FIXTURES["cm.mask_after"])
    np.testing.assert_allclose(m.weight.numpy(), FIXTURES["cm.mask"] * FIXTURES["cm.weight"])


def test_prune_random_methods_prune_the_asked_amount_and_gradients_skip_pruned_entries() -> None:
    tg.manual_seed(0)
    m = nn.Linear(10, 8)
    prune.random_unstructured(m, "weight", amount=0.25)
    assert (m.weight_mask.numpy() == 0).sum() == 20
    prune.random_unstructured(m, "weight", amount=0.5)  # half of the 60 still alive
    assert (m.weight_mask.numpy() == 0).sum() == 50
    m(tg.ones(3, 10)).sum().backward()
    assert np.all(m.weight_orig.grad.numpy()[m.weight_mask.numpy() == 0] == 0)
    conv = nn.Conv2d(6, 4, 3)
    prune.random_structured(conv, "weight", amount=2, dim=1)
    channels = conv.weight_mask.numpy().sum(axis=(0, 2, 3))
    assert sorted(channels.tolist()) == [0, 0, 36, 36, 36, 36]
    prune.identity(conv, "bias")
    np.testing.assert_array_equal(conv.bias_mask.numpy(), np.ones(4))


def test_prune_bad_inputs_raise_pytorchs_errors() -> None:
    m = nn.Linear(4, 3)
    with pytest.raises(ValueError, match="should either be a float in the range"):
        prune.l1_unstructured(m, "weight", amount=1.5)
    with pytest.raises(ValueError, match="should either be a float in the range"):
        prune.l1_unstructured(m, "weight", amount=-1)
    with pytest.raises(TypeError, match="Invalid type for amount"):
        prune.l1_unstructured(m, "weight", amount="half")
    with pytest.raises(ValueError, match="should be smaller than the number of parameters"):
        prune.l1_unstructured(m, "weight", amount=13)
    assert not prune.is_pruned(m) and [n for n, _ in m.named_parameters()] == ["bias", "weight"]  # as torch
    with pytest.raises(ValueError, match="Structured pruning can only be applied to multidimensional"):
        prune.ln_structured(m, "bias", amount=1, n=2, dim=0)
    with pytest.raises(IndexError, match="Invalid index"):
        prune.random_structured(m, "weight", amount=1, dim=2)
    with pytest.raises(AttributeError, match="kernel"):
        prune.l1_unstructured(m, "kernel", amount=1)
    with pytest.raises(TypeError, match="only a parameter"):
        prune.l1_unstructured(nn.BatchNorm1d(3), "running_mean", amount=1)
    with pytest.raises(ValueError, match="has to be pruned before pruning can be removed"):
        prune.remove(m, "weight")
    with pytest.raises(TypeError, match='Only "unstructured"'):
        prune.global_unstructured([(m, "weight")], prune.LnStructured, amount=1, n=2)


# -- lazy layers --------------------------------------------------------------------------------------
def test_lazy_linear_infers_in_features_and_becomes_a_linear() -> None:
    tg.manual_seed(3)
    m = nn.LazyLinear(4)
    assert isinstance(m.weight, nn.UninitializedParameter) and list(m.state_dict()) == ["weight", "bias"]
    with pytest.raises(RuntimeError, match="uninitialized parameter"):
        m.weight.shape  # noqa: B018
    optimizer = tg.optim.SGD(m.parameters(), lr=0.1)  # built before the first forward, as PyTorch allows
    y = m(tg.ones(2, 5))
    assert type(m) is nn.Linear and m.in_features == 5 and m.weight.shape == (4, 5) and y.shape == (2, 4)
    assert type(m.weight) is nn.Parameter and np.all(np.abs(m.weight.numpy()) <= 1 / np.sqrt(5))
    before = m.weight.numpy().copy()
    y.sum().backward()
    optimizer.step()
    np.testing.assert_allclose(m.weight.numpy(), before - 0.1 * 2, rtol=1e-6)


def test_lazy_layers_load_a_state_dict_and_lazy_convs_read_channels() -> None:
    m = nn.LazyLinear(3, dtype=tg.float64)
    source = _linear("sym", 4, 4)
    with pytest.raises(RuntimeError, match="out_features=3"):  # PyTorch loads it, leaving a broken layer
        m.load_state_dict({"weight": source.weight, "bias": tg.zeros(4, dtype=tg.float64)})
    assert nn.parameter.is_lazy(m.weight)
    m = nn.LazyLinear(4, dtype=tg.float64)
    m.load_state_dict(source.state_dict())
    assert type(m) is nn.Linear and m.in_features == 4
    np.testing.assert_array_equal(m.weight.numpy(), source.weight.numpy())
    conv = nn.LazyConv2d(4, 3, padding=1)
    assert conv.in_channels == 0
    assert conv(tg.ones(2, 6, 5, 5)).shape == (2, 4, 5, 5)
    assert type(conv) is nn.Conv2d and conv.weight.shape == (4, 6, 3, 3)
    conv1 = nn.LazyConv1d(4, 3, groups=2, bias=False)
    assert conv1(tg.ones(6, 7)).shape == (4, 5) and conv1.weight.shape == (4, 3, 3) and conv1.bias is None
    with pytest.raises(ValueError, match="positive integer"):
        nn.LazyLinear(0)
