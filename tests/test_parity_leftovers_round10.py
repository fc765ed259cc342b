"""Session 10's leftover differences from PyTorch 2.13, found by its bad-input round and now closed
(fixtures from tests/fixtures/make_parity_leftovers_round10.py): load_state_dict casting as
``param.copy_``, one check of every optimizer's ``betas``, ``unique(dim=)``, ``generator=`` on the
random ops (and ``tg.poisson``), ``nn.init.sparse_``, float lengths in ``pack_padded_sequence`` and
a 1-D weight in ``F.linear``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F
from tinygrad_adam.nn.utils.rnn import pack_padded_sequence

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "parity_leftovers_round10.npz")


# ---------------------------------------------------------------------------------------------
# load_state_dict copies with PyTorch's param.copy_(input_param): the model's dtype wins


def test_load_state_dict_casts_each_value_to_the_models_dtype_as_param_copy_does() -> None:
    norm = nn.BatchNorm1d(3)
    names = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")
    norm.load_state_dict({name: tg.tensor(FIXTURES[f"state_{name}"]) for name in names})
    for name, value in norm.state_dict().items():
        expected = FIXTURES[f"loaded_{name}"]
        assert value.dtype == expected.dtype, name
        np.testing.assert_array_equal(value.numpy(), expected, err_msg=name)
    assert norm.weight.requires_grad and isinstance(norm.weight, nn.Parameter)


def test_load_state_dict_casts_numpy_float64_arrays_into_a_float32_model() -> None:
    layer = nn.Linear(2, 1)
    layer.load_state_dict({"weight": np.array([[1 / 3, 2.5]]), "bias": np.array([0.1])})
    assert layer.weight.dtype == tg.float32
    np.testing.assert_array_equal(layer.weight.numpy(), np.array([[1 / 3, 2.5]], dtype=np.float32))


def test_load_state_dict_still_refuses_wrong_shapes_non_tensors_and_strict_key_mistakes() -> None:
    layer = nn.Linear(2, 1)
    before = layer.weight.numpy().copy()
    with pytest.raises(RuntimeError, match=r"'weight': shape \(2, 2\) in the state"):
        layer.load_state_dict({"weight": tg.zeros(2, 2, dtype=tg.float64), "bias": tg.zeros(1)})
    with pytest.raises(RuntimeError, match="'bias': expected a Tensor or NumPy array, got float"):
        layer.load_state_dict({"weight": tg.zeros(1, 2), "bias": 0.5})
    with pytest.raises(RuntimeError, match="missing key 'bias'"):
        layer.load_state_dict({"weight": tg.zeros(1, 2, dtype=tg.float64)})
    with pytest.raises(RuntimeError, match="unexpected key 'scale'"):
        layer.load_state_dict({"weight": tg.zeros(1, 2), "bias": tg.zeros(1), "scale": tg.ones(1)})
    np.testing.assert_array_equal(layer.weight.numpy(), before)  # a failed load changes nothing


# ---------------------------------------------------------------------------------------------
# betas: one check for every optimizer that takes them, before anything reads them

_BETAS_OPTIMIZERS = [
    tg.optim.Adam,
    tg.optim.AdamW,
    tg.optim.Adamax,
    tg.optim.NAdam,
    tg.optim.RAdam,
    tg.optim.AdaBound,
    tg.optim.Lion,
]


@pytest.mark.parametrize("optimizer", _BETAS_OPTIMIZERS, ids=lambda o: o.__name__)
@pytest.mark.parametrize("betas", [0.9, "0.9,0.999", None], ids=["float", "str", "None"])
def test_betas_that_are_not_a_pair_are_pytorchs_type_error_naming_the_value(optimizer, betas) -> None:
    with pytest.raises(TypeError, match=rf"Invalid betas: {betas!r} .*pair \(beta1, beta2\)"):
        optimizer([nn.Parameter(tg.ones(2))], betas=betas)


@pytest.mark.parametrize("optimizer", _BETAS_OPTIMIZERS, ids=lambda o: o.__name__)
def test_betas_of_one_entry_are_pytorchs_index_error_and_a_list_pair_is_stored_as_a_tuple(optimizer) -> None:
    with pytest.raises(IndexError, match=r"Invalid betas: \(0\.9,\) has 1 entries"):
        optimizer([nn.Parameter(tg.ones(2))], betas=(0.9,))
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1.5"):
        optimizer([nn.Parameter(tg.ones(2))], betas=(0.9, 1.5))
    with pytest.raises(TypeError, match="Invalid beta parameter at index 0: 'a'"):
        optimizer([nn.Parameter(tg.ones(2))], betas=("a", "b"))
    assert optimizer([nn.Parameter(tg.ones(2))], betas=[0.8, 0.9]).param_groups[0]["betas"] == (0.8, 0.9)


# ---------------------------------------------------------------------------------------------
# unique(dim=...): the distinct slices along dim, sorted lexicographically


@pytest.mark.parametrize("name", ["matrix", "cube", "flags"])
def test_unique_along_each_dim_matches_pytorch_with_inverse_and_counts(name: str) -> None:
    data = tg.tensor(FIXTURES[name])
    for dim in range(-data.ndim, data.ndim):
        key = f"unique_{name}_dim{dim}"
        for sorted_flag in (True, False):  # PyTorch sorts the slices either way
            values, inverse, counts = tg.unique(
                data, sorted=sorted_flag, return_inverse=True, return_counts=True, dim=dim
            )
            np.testing.assert_array_equal(values.numpy(), FIXTURES[f"{key}_values"], err_msg=key)
            np.testing.assert_array_equal(inverse.numpy(), FIXTURES[f"{key}_inverse"], err_msg=key)
            np.testing.assert_array_equal(counts.numpy(), FIXTURES[f"{key}_counts"], err_msg=key)
        np.testing.assert_array_equal(data.unique(dim=dim).numpy(), FIXTURES[f"{key}_values"])
        assert inverse.dtype == counts.dtype == tg.int64 and values.dtype == data.dtype


@pytest.mark.parametrize("name", ["matrix", "cube", "flags"])
def test_unique_consecutive_along_each_dim_matches_pytorch(name: str) -> None:
    data = tg.tensor(FIXTURES[name])
    for dim in range(-data.ndim, data.ndim):
        key = f"consecutive_{name}_dim{dim}"
        values, inverse, counts = data.unique_consecutive(return_inverse=True, return_counts=True, dim=dim)
        np.testing.assert_array_equal(values.numpy(), FIXTURES[f"{key}_values"], err_msg=key)
        np.testing.assert_array_equal(inverse.numpy(), FIXTURES[f"{key}_inverse"], err_msg=key)
        np.testing.assert_array_equal(counts.numpy(), FIXTURES[f"{key}_counts"], err_msg=key)


def test_unique_along_a_dim_reassembles_the_input_and_refuses_a_dim_out_of_range() -> None:
    data = tg.tensor(FIXTURES["matrix"])
    values, inverse = data.unique(dim=0, return_inverse=True)
    np.testing.assert_array_equal(values[inverse].numpy(), FIXTURES["matrix"])
    with pytest.raises(IndexError, match="dim"):
        data.unique(dim=2)
    with pytest.raises(IndexError, match="0-d"):
        tg.tensor(3).unique(dim=0)


# ---------------------------------------------------------------------------------------------
# nn.init.sparse_: per column ⌈sparsity · rows⌉ zeros at random rows, the rest N(0, std²)


@pytest.mark.parametrize("sparsity", [0.1, 0.5, 1.5, -0.25, 0.0])
def test_sparse_init_zeroes_as_many_entries_per_column_as_pytorch(sparsity: float) -> None:
    weight = nn.init.sparse_(tg.empty(6, 40), sparsity)
    np.testing.assert_array_equal((weight.numpy() == 0).sum(0), FIXTURES[f"sparse_zeros_{sparsity}"])


def test_sparse_init_draws_the_rest_from_a_normal_of_std_at_random_rows() -> None:
    tg.manual_seed(0)
    weight = nn.init.sparse_(tg.empty(20, 500), 0.3, std=2.0)
    values = weight.numpy()
    kept = values[values != 0]
    assert kept.size == 14 * 500 and abs(kept.std() - 2.0) < 0.1 and abs(kept.mean()) < 0.1
    rows_zeroed = (values == 0).mean(1)  # every row is zeroed about 30% of the time, not a fixed set
    assert rows_zeroed.min() > 0.15 and rows_zeroed.max() < 0.45
    with pytest.raises(ValueError, match="2 dimensions"):
        nn.init.sparse_(tg.empty(3), 0.1)


def test_sparse_init_with_a_generator_is_reproducible() -> None:
    first = nn.init.sparse_(tg.empty(5, 7), 0.4, generator=tg.Generator().manual_seed(3)).numpy()
    again = nn.init.sparse_(tg.empty(5, 7), 0.4, generator=tg.Generator().manual_seed(3)).numpy()
    np.testing.assert_array_equal(first, again)


# ---------------------------------------------------------------------------------------------
# pack_padded_sequence takes float lengths (truncated toward zero); F.linear a 1-D weight


def test_pack_padded_sequence_truncates_float_lengths_as_pytorch() -> None:
    padded = tg.arange(4 * 3 * 2, dtype=tg.float32).reshape(4, 3, 2)
    for lengths in (tg.tensor([2.5, 4.0, 1.9]), [2.5, 4.0, 1.9]):
        packed = pack_padded_sequence(padded, lengths, enforce_sorted=False)
        np.testing.assert_array_equal(packed.data.numpy(), FIXTURES["packed_data"])
        np.testing.assert_array_equal(packed.batch_sizes.numpy(), FIXTURES["packed_batch_sizes"])
        np.testing.assert_array_equal(packed.sorted_indices.numpy(), FIXTURES["packed_sorted_indices"])
    with pytest.raises(RuntimeError, match="greater than 0"):  # 0.5 truncates to 0, as in PyTorch
        pack_padded_sequence(padded, tg.tensor([3.0, 0.5, 1.0]), enforce_sorted=False)


@pytest.mark.parametrize("name, use_bias", [("x1", True), ("x3", True), ("x2", False)])
def test_linear_with_a_1d_weight_is_x_at_w_with_pytorchs_values_and_gradients(name, use_bias) -> None:
    x = tg.tensor(FIXTURES[f"linear_{name}"], requires_grad=True)
    w = tg.tensor(FIXTURES["linear_w"], requires_grad=True)
    b = tg.tensor(FIXTURES["linear_b"], requires_grad=True) if use_bias else None
    y = F.linear(x, w, b)
    (y * y).sum().backward()
    np.testing.assert_allclose(y.numpy(), FIXTURES[f"linear_{name}_out"], rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), FIXTURES[f"linear_{name}_grad_x"], rtol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), FIXTURES[f"linear_{name}_grad_w"], rtol=1e-12)
    if use_bias:
        np.testing.assert_allclose(b.grad.numpy(), FIXTURES[f"linear_{name}_grad_b"], rtol=1e-12)


def test_linear_with_a_1d_weight_refuses_a_bias_where_pytorch_does() -> None:
    w = tg.ones(3)
    with pytest.raises(RuntimeError, match="1-D weight takes no bias of shape \\(\\)"):  # addmm's case
        F.linear(tg.ones(2, 3), w, tg.tensor(1.0))
    with pytest.raises(RuntimeError, match="1-D weight takes no bias of shape \\(1,\\)"):
        F.linear(tg.ones(4, 2, 3), w, tg.ones(1))
    with pytest.raises(RuntimeError, match="does not fit a weight of shape \\(4,\\)"):
        F.linear(tg.ones(2, 3), tg.ones(4))


# ---------------------------------------------------------------------------------------------
# generator=: a tg.Generator's own stream, apart from the one tg.manual_seed seeds


def _every_random_op(generator: tg.Generator) -> list[np.ndarray]:
    x = tg.zeros(3, 4)
    probs = tg.tensor([[0.1, 0.5, 0.4], [0.3, 0.3, 0.4]])
    drawn = [
        tg.randn(2, 3, generator=generator),
        tg.rand(5, generator=generator),
        tg.randint(0, 10, (6,), generator=generator),
        tg.randint(7, (3,), generator=generator),
        tg.randperm(8, generator=generator),
        tg.normal(tg.zeros(3), 2.0, generator=generator),
        tg.normal(1.0, 2.0, (4,), generator=generator),
        tg.bernoulli(tg.full((5,), 0.5), generator=generator),
        tg.multinomial(probs, 2, generator=generator),
        tg.multinomial(probs, 4, replacement=True, generator=generator),
        tg.rand_like(x, generator=generator),
        tg.randn_like(x, generator=generator),
        tg.randint_like(x, 5, generator=generator),
        x.clone().random_(0, 9, generator=generator),
        x.clone().random_(generator=generator),
        x.clone().uniform_(-1, 1, generator=generator),
        x.clone().normal_(0, 3, generator=generator),
        x.clone().exponential_(generator=generator),
        x.clone().cauchy_(generator=generator),
        x.clone().log_normal_(generator=generator),
        x.clone().geometric_(0.3, generator=generator),
        x.clone().bernoulli_(0.3, generator=generator),
        probs.bernoulli(generator=generator),
        probs.multinomial(1, generator=generator),
        nn.init.normal_(tg.empty(2, 2), generator=generator),
        tg.poisson(tg.tensor([0.5, 3.0, 40.0]), generator=generator),
    ]
    return [t.numpy() for t in drawn]


def _same(first: list[np.ndarray], second: list[np.ndarray]) -> bool:
    return all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def test_every_random_op_with_a_generator_repeats_from_its_seed_whatever_the_global_seed() -> None:
    tg.manual_seed(0)
    first = _every_random_op(tg.Generator().manual_seed(7))
    tg.manual_seed(123)
    tg.randn(10)
    again = _every_random_op(tg.Generator().manual_seed(7))
    assert _same(first, again)
    assert not _same(first, _every_random_op(tg.Generator().manual_seed(8)))


def test_a_generator_advances_and_leaves_the_global_stream_untouched() -> None:
    tg.manual_seed(3)
    expected = tg.randn(4).numpy()
    generator = tg.Generator().manual_seed(3)
    tg.manual_seed(3)
    first = tg.randn(4, generator=generator).numpy()
    np.testing.assert_array_equal(tg.randn(4).numpy(), expected)  # the global draws never moved
    assert not np.array_equal(tg.randn(4, generator=generator).numpy(), first)  # it moved on


def test_generator_get_state_and_set_state_resume_the_same_draws() -> None:
    generator = tg.Generator().manual_seed(11)
    tg.rand(3, generator=generator)
    state = generator.get_state()
    following = _every_random_op(generator)
    assert _same(following, _every_random_op(tg.Generator().set_state(state)))
    assert generator.initial_seed() == 11 and tg.Generator().initial_seed() == 67280421310721
    assert isinstance(generator.seed(), int) and generator.initial_seed() == generator.initial_seed()


def test_half_precision_draws_work_and_stay_below_one() -> None:
    if tg.zeros(1).device.startswith("strict"):
        pytest.skip("the strict Array API device has no float16")
    uniform = tg.rand(20000, generator=tg.Generator().manual_seed(0), dtype=tg.float16)
    normal = tg.randn(20000, dtype=tg.float16)
    assert uniform.dtype == normal.dtype == tg.float16
    assert 0 <= uniform.min().item() and uniform.max().item() < 1 and abs(uniform.mean().item() - 0.5) < 0.02
    assert abs(normal.float().std().item() - 1) < 0.05


def test_generator_manual_seed_takes_any_64_bit_integer_as_pytorch() -> None:
    generator = tg.Generator()
    assert generator.manual_seed(-1).initial_seed() == 2**64 - 1  # negative seeds read as unsigned
    assert generator.manual_seed(-(2**63)).initial_seed() == 2**63
    first = tg.rand(3, generator=tg.Generator().manual_seed(-1)).numpy()
    np.testing.assert_array_equal(first, tg.rand(3, generator=tg.Generator().manual_seed(2**64 - 1)).numpy())
    with pytest.raises(ValueError, match="beyond the 64-bit range"):
        generator.manual_seed(2**64)
    for seed in (1.5, "3", True, None):
        with pytest.raises(RuntimeError, match="expected an integer seed"):
            generator.manual_seed(seed)


def test_poisson_draws_have_the_rates_mean_and_variance_and_refuse_what_pytorch_refuses() -> None:
    rates = tg.tensor([0.0, 0.7, 4.0, 25.0, 300.0]).reshape(5, 1).expand(5, 4000)
    draws = tg.poisson(rates, generator=tg.Generator().manual_seed(0))
    assert draws.dtype == tg.float32 and draws.shape == (5, 4000)
    values = draws.numpy()
    np.testing.assert_array_equal(values, np.round(values))
    expected = np.array([0.0, 0.7, 4.0, 25.0, 300.0])
    np.testing.assert_allclose(values.mean(1), expected, atol=0.05, rtol=0.03)
    np.testing.assert_allclose(values.var(1), expected, atol=0.05, rtol=0.1)
    with pytest.raises(RuntimeError, match="non-negative"):
        tg.poisson(tg.tensor([1.0, -1.0]))
    with pytest.raises(NotImplementedError, match="floating-point rates, got int64"):
        tg.poisson(tg.tensor([1, 2]))


def test_a_generator_that_is_not_a_tg_generator_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="generator must be a tg.Generator, got int"):
        tg.randn(2, generator=3)
    with pytest.raises(TypeError, match="generator must be a tg.Generator, got str"):
        tg.zeros(2).uniform_(generator="seed")


def test_data_utilities_take_the_same_generator_class() -> None:
    data = tg.data.TensorDataset(tg.arange(10))
    first = tg.data.random_split(data, [0.5, 0.5], generator=tg.Generator().manual_seed(1))
    again = tg.data.random_split(data, [0.5, 0.5], generator=tg.Generator().manual_seed(1))
    assert list(first[0].indices) == list(again[0].indices)
    loader = tg.data.DataLoader(data, batch_size=10, shuffle=True, generator=tg.Generator().manual_seed(2))
    reloaded = tg.data.DataLoader(data, batch_size=10, shuffle=True, generator=tg.Generator().manual_seed(2))
    np.testing.assert_array_equal(next(iter(loader))[0].numpy(), next(iter(reloaded))[0].numpy())
