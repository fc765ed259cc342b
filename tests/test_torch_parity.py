"""What a PyTorch user types on day one behaves as in PyTorch, while NumPy's spellings keep working.

Expected values are computed here with NumPy; the PyTorch behaviour they encode (checked against
torch 2.13 when this file was written) is stated in each test's name or comment.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn

A = np.array([[1.0, 3.0, 3.0, -2.0], [2.0, 2.0, 0.0, 5.0], [-1.0, 4.0, 4.0, 4.0]], dtype=np.float32)


# -- dim= and keepdim= as aliases of axis= and keepdims= -------------------------------------


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
@pytest.mark.parametrize("dim", [0, -1, (0, 1)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_reductions_take_dim_and_keepdim_as_torch_spells_them(name, dim, keepdim):
    t = tg.tensor(A)
    expected = getattr(np, name)(A, axis=dim, keepdims=keepdim)
    torch_spelling = getattr(t, name)(dim=dim, keepdim=keepdim)
    numpy_spelling = getattr(t, name)(axis=dim, keepdims=keepdim)
    values = torch_spelling.values if isinstance(torch_spelling, tuple) else torch_spelling
    np.testing.assert_allclose(values.numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(numpy_spelling.numpy(), expected, rtol=1e-6)


def test_reductions_keep_positional_axis_and_keepdims():
    t = tg.tensor(A)
    np.testing.assert_allclose(t.sum(0, True).numpy(), A.sum(0, keepdims=True))
    np.testing.assert_allclose(t.mean(1).numpy(), A.mean(1), rtol=1e-6)
    population = t.var(1, keepdim=True, correction=0)
    np.testing.assert_allclose(population.numpy(), A.var(1, keepdims=True), rtol=1e-6)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.sum(0, dim=0),
        lambda t: t.mean(axis=0, dim=0),
        lambda t: t.var(dim=1, axis=1),
        lambda t: t.std(keepdims=True, keepdim=True),
        lambda t: t.max(1, axis=1),
        lambda t: t.min(dim=1, keepdims=False, keepdim=False),
        lambda t: t.argmax(axis=0, dim=0),
        lambda t: t.softmax(0, dim=0),
        lambda t: t.log_softmax(axis=0, dim=0),
        lambda t: t.unsqueeze(0, dim=0),
        lambda t: t.squeeze(axis=0, dim=0),
        lambda t: tg.cat([t, t], axis=0, dim=0),
        lambda t: tg.stack([t, t], axis=0, dim=0),
    ],
)
def test_passing_both_spellings_of_an_argument_is_a_type_error_naming_both(call):
    with pytest.raises(TypeError, match=r"both (axis= and dim=|keepdims= and keepdim=)"):
        call(tg.tensor(A))


def test_argmax_and_argmin_take_dim_and_keepdim_and_give_int64():
    t = tg.tensor(A)
    got = t.argmax(dim=1, keepdim=True)
    assert got.dtype == tg.int64
    np.testing.assert_array_equal(got.numpy(), A.argmax(1)[:, None])
    np.testing.assert_array_equal(t.argmin(dim=0).numpy(), A.argmin(0))
    # PyTorch: argmax of the flattened tensor with keepdim=True keeps every axis as size 1.
    assert t.argmax(keepdim=True).shape == (1, 1)
    assert t.argmax().item() == A.argmax()


def test_softmax_family_and_shape_functions_take_dim():
    t = tg.tensor(A)
    exp = np.exp(A - A.max(0, keepdims=True))
    np.testing.assert_allclose(t.softmax(dim=0).numpy(), exp / exp.sum(0), rtol=1e-6)
    np.testing.assert_allclose(t.log_softmax(dim=0).numpy(), np.log(exp / exp.sum(0)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(t.softmax().numpy(), t.softmax(axis=-1).numpy())
    assert t.unsqueeze(dim=1).shape == (3, 1, 4)
    assert t.unsqueeze(dim=1).squeeze(dim=1).shape == (3, 4)
    np.testing.assert_array_equal(tg.cat([t, t], dim=1).numpy(), np.concatenate([A, A], axis=1))
    np.testing.assert_array_equal(tg.stack([t, t], dim=-1).numpy(), np.stack([A, A], axis=-1))


# -- max(dim) and min(dim) return (values, indices) ------------------------------------------


def test_max_with_an_integer_dim_returns_values_and_indices_like_torch_return_types():
    t = tg.tensor(A)
    for result in (t.max(1), t.max(dim=1)):
        values, indices = result  # unpacks as a pair ...
        assert result.values is values and result.indices is indices  # ... and has named fields
        np.testing.assert_array_equal(values.numpy(), A.max(1))
        np.testing.assert_array_equal(indices.numpy(), A.argmax(1))
        assert indices.dtype == tg.int64 and values.dtype == tg.float32


def test_min_with_an_integer_dim_returns_values_and_indices():
    values, indices = tg.tensor(A).min(0, keepdim=True)
    np.testing.assert_array_equal(values.numpy(), A.min(0, keepdims=True))
    np.testing.assert_array_equal(indices.numpy(), A.argmin(0)[None, :])


def test_max_indices_are_the_first_occurrence_of_a_tie():
    # Row 0 has 3 at columns 1 and 2, row 2 has 4 at columns 1, 2, 3: PyTorch (CPU) answers 1, 1.
    np.testing.assert_array_equal(tg.tensor(A).max(1).indices.numpy(), [1, 3, 1])


def test_max_values_gradient_goes_to_the_returned_index_only():
    # PyTorch: x.max(dim).values sends the gradient to the entry at `indices`, even among ties.
    x = tg.tensor(A, requires_grad=True)
    x.max(dim=1).values.sum().backward()
    expected = np.zeros_like(A)
    expected[np.arange(3), A.argmax(1)] = 1
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_min_values_gradient_with_keepdim_matches_the_upstream_gradient():
    x = tg.tensor(A, requires_grad=True)
    weights = np.array([[1.0, 2.0, 3.0, 4.0]], dtype=np.float32)
    (x.min(0, keepdim=True).values * tg.tensor(weights)).sum().backward()
    expected = np.zeros_like(A)
    expected[A.argmin(0), np.arange(4)] = weights[0]
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_max_without_dim_or_with_axis_or_a_tuple_returns_values_only():
    t = tg.tensor(A)
    for values in (t.max(), t.max(axis=1), t.max(axis=1, keepdims=True), t.max((0, 1)), t.max(dim=(0, 1))):
        assert isinstance(values, tg.Tensor)
    np.testing.assert_array_equal(t.max(axis=0).numpy(), A.max(0))
    assert t.min().item() == A.min()


def test_max_over_everything_shares_the_gradient_among_ties():
    # As torch.max(x) / torch.amax: every maximal entry gets an equal share.
    x = tg.tensor(A, requires_grad=True)
    x.max().backward()
    hits = (A == A.max()).astype(np.float32)
    np.testing.assert_allclose(x.grad.numpy(), hits / hits.sum())


def test_max_of_a_tensor_argument_is_the_elementwise_maximum():
    t, other = tg.tensor(A), tg.tensor(np.full((3, 4), 2.5, dtype=np.float32))
    np.testing.assert_array_equal(t.max(other).numpy(), np.maximum(A, 2.5))
    np.testing.assert_array_equal(t.min(other).numpy(), np.minimum(A, 2.5))


def test_max_with_a_dim_of_a_zero_dim_tensor_gives_index_zero():
    values, indices = tg.tensor(3.0).max(0)
    assert values.shape == () and values.item() == 3.0 and indices.item() == 0


def test_max_along_an_empty_dim_is_an_index_error():
    with pytest.raises(IndexError, match="dim 0 .* is empty"):
        tg.zeros(0, 3).max(0)
    values, indices = tg.zeros(0, 3).max(1)  # the other axis may be empty: an empty result
    assert values.shape == (0,) and indices.shape == (0,)


def test_max_with_a_dim_out_of_range_is_an_error():
    with pytest.raises(ValueError, match="out of range"):
        tg.tensor(A).max(2)



def test_max_of_a_zero_dim_tensor_along_dim_one_names_the_zero_dim_tensor():
    # the message used to say "a tensor with 1 dimension(s)" about a 0-d tensor
    for op in ("max", "min", "argmax", "argmin"):
        with pytest.raises(ValueError, match=f"{op}: dim 1 is out of range for a 0-d tensor"):
            getattr(tg.tensor(3.0), op)(1)

# -- var and std: Bessel's correction by default ---------------------------------------------


def test_var_and_std_default_to_bessels_correction():
    t = tg.tensor(A)
    np.testing.assert_allclose(t.var().numpy(), A.var(ddof=1), rtol=1e-6)
    np.testing.assert_allclose(t.std(dim=1).numpy(), A.std(1, ddof=1), rtol=1e-6)
    np.testing.assert_allclose(t.var(0, keepdim=True).numpy(), A.var(0, ddof=1, keepdims=True), rtol=1e-6)


@pytest.mark.parametrize("name", ["var", "std"])
def test_unbiased_false_and_correction_zero_give_numpys_population_statistic(name):
    t = tg.tensor(A)
    expected = getattr(np, name)(A, axis=0)
    np.testing.assert_allclose(getattr(t, name)(dim=0, unbiased=False).numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(getattr(t, name)(axis=0, correction=0).numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(
        getattr(t, name)(dim=0, unbiased=True).numpy(), getattr(np, name)(A, axis=0, ddof=1), rtol=1e-6
    )


def test_var_takes_any_correction():
    np.testing.assert_allclose(tg.tensor(A).var(1, correction=2).numpy(), A.var(1, ddof=2), rtol=1e-6)
    np.testing.assert_allclose(tg.tensor(A).var(correction=0.5).numpy(), A.var(ddof=0.5), rtol=1e-6)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # 0/0 and x/0, as torch warns too
def test_var_with_correction_at_least_n_is_nan_or_inf_as_in_torch():
    assert np.isnan(tg.tensor([5.0]).var().item())  # one value, correction 1: 0/0
    assert np.isnan(tg.tensor([5.0]).std().item())
    assert np.isinf(tg.tensor([1.0, 2.0]).var(correction=2).item())  # positive / 0
    assert np.isinf(tg.tensor([1.0, 2.0]).var(correction=3).item())


def test_var_refuses_correction_and_unbiased_together_and_non_numbers():
    t = tg.tensor(A)
    with pytest.raises(TypeError, match="both correction= and unbiased="):
        t.var(correction=0, unbiased=False)
    with pytest.raises(TypeError, match="unbiased must be a bool"):
        t.std(unbiased=1)
    with pytest.raises(TypeError, match="correction must be a number"):
        t.var(correction="1")


def test_var_gradient_uses_the_same_correction():
    x = tg.tensor(A, requires_grad=True)
    x.var(dim=1).sum().backward()
    # d/dx Σ (x - x̄)² / (n - 1) = 2 (x - x̄) / (n - 1)
    expected = 2 * (A - A.mean(1, keepdims=True)) / (A.shape[1] - 1)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-5, atol=1e-6)


# -- nn.ModuleList -----------------------------------------------------------------------------


def _layer(n_in: int = 2, n_out: int = 3) -> nn.Module:
    return nn.Linear(n_in, n_out)


def test_module_list_registers_its_modules_under_their_positions():
    layers = nn.ModuleList([_layer(), _layer(3, 1)])
    assert len(layers) == 2
    assert list(layers.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert [p.shape for p in layers.parameters()] == [(3, 2), (3,), (1, 3), (1,)]


def test_module_list_inside_a_model_is_seen_by_parameters_state_dict_and_train():
    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.blocks = nn.ModuleList(_layer(2, 2) for _ in range(3))
            self.drop = nn.Dropout(0.5)

        def forward(self, x: tg.Tensor) -> tg.Tensor:
            for block in self.blocks:
                x = block(x).relu()
            return x

    model = Model()
    assert list(model.state_dict())[:2] == ["blocks.0.weight", "blocks.0.bias"]
    assert len(list(model.parameters())) == 6
    model.eval()
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(block.training for block in model.blocks)
    model.to(tg.float64)
    assert all(p.dtype == tg.float64 for p in model.parameters())
    assert model(tg.ones(4, 2, dtype=tg.float64)).shape == (4, 2)


def test_module_list_append_extend_insert_keep_keys_in_order():
    a, b, c, d = _layer(), _layer(), _layer(), _layer()
    layers = nn.ModuleList()
    assert layers.append(a) is layers and layers.extend([b, c]) is layers
    layers.insert(1, d)
    assert list(layers) == [a, d, b, c]
    assert [name for name, _ in layers.named_children()] == ["0", "1", "2", "3"]
    layers.insert(-1, a)  # as list.insert: before the last entry
    assert list(layers) == [a, d, b, a, c]


def test_module_list_indexing_and_slicing():
    modules = [_layer() for _ in range(4)]
    layers = nn.ModuleList(modules)
    assert layers[0] is modules[0] and layers[-1] is modules[3]
    part = layers[1:3]
    assert isinstance(part, nn.ModuleList) and list(part) == modules[1:3]
    assert list(part.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    with pytest.raises(IndexError, match="out of range"):
        layers[4]


def test_module_list_set_and_delete_renumber_like_a_list():
    modules = [_layer() for _ in range(4)]
    layers = nn.ModuleList(modules)
    replacement = _layer()
    layers[-1] = replacement
    assert layers[3] is replacement
    del layers[0]
    assert list(layers) == [modules[1], modules[2], replacement]
    assert [name for name, _ in layers.named_children()] == ["0", "1", "2"]
    del layers[::2]
    assert list(layers) == [modules[2]] and list(layers.state_dict()) == ["0.weight", "0.bias"]


def test_module_list_assignment_in_the_middle_keeps_the_order_of_iteration_and_state_dict():
    modules = [_layer(), _layer(3, 3), _layer(3, 1)]
    layers = nn.ModuleList(modules)
    replacement = _layer(3, 3)
    layers[1] = replacement
    assert list(layers) == [modules[0], replacement, modules[2]]
    assert [name for name, _ in layers.named_children()] == ["0", "1", "2"]
    assert list(layers.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"]
    assert [p.shape for p in layers.parameters()] == [(3, 2), (3,), (3, 3), (3,), (1, 3), (1,)]


def test_module_list_index_that_is_not_an_integer_is_a_type_error_naming_it():
    layers = nn.ModuleList([_layer()])
    with pytest.raises(TypeError, match="ModuleList indices must be integers or slices, not str"):
        layers["0"]
    with pytest.raises(TypeError, match="ModuleList indices must be integers or slices, not float"):
        layers[0.0] = _layer()


def test_module_list_concatenates_with_plus():
    first, second = nn.ModuleList([_layer()]), nn.ModuleList([_layer(), _layer()])
    joined = first + second
    assert isinstance(joined, nn.ModuleList) and list(joined) == [*first, *second]
    first += second
    assert len(first) == 3


@pytest.mark.parametrize(
    "call",
    [
        lambda: nn.ModuleList([_layer(), 3]),
        lambda: nn.ModuleList().append("layer"),
        lambda: nn.ModuleList().extend([None]),
        lambda: nn.ModuleList([_layer()]).insert(0, 1.5),
    ],
)
def test_module_list_refuses_non_modules_naming_the_type(call):
    with pytest.raises(TypeError, match="ModuleList entries must be Modules, got (int|str|NoneType|float)"):
        call()


def test_module_list_has_no_forward():
    with pytest.raises(NotImplementedError):
        nn.ModuleList([_layer()])(tg.ones(1, 2))


# -- nn.ModuleDict -----------------------------------------------------------------------------


def test_module_dict_registers_modules_by_name_in_insertion_order():
    heads = nn.ModuleDict({"encoder": _layer(2, 4), "decoder": _layer(4, 2)})
    assert list(heads.keys()) == ["encoder", "decoder"] == list(heads)
    assert list(heads.state_dict()) == ["encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"]
    assert heads["decoder"].weight.shape == (2, 4)
    assert "encoder" in heads and "missing" not in heads and len(heads) == 2


def test_module_dict_takes_pairs_and_supports_mapping_methods():
    encoder, decoder, extra = _layer(), _layer(), _layer()
    heads = nn.ModuleDict([("encoder", encoder), ("decoder", decoder)])
    assert list(heads.values()) == [encoder, decoder]
    assert list(heads.items()) == [("encoder", encoder), ("decoder", decoder)]
    heads["extra"] = extra
    assert list(heads) == ["encoder", "decoder", "extra"]
    assert heads.pop("encoder") is encoder and list(heads) == ["decoder", "extra"]
    del heads["extra"]
    heads.update({"head": extra})
    assert list(heads.state_dict()) == ["decoder.weight", "decoder.bias", "head.weight", "head.bias"]
    heads.clear()
    assert len(heads) == 0 and list(heads.parameters()) == []


def test_module_dict_replacing_a_key_keeps_its_position():
    first, second, replacement = _layer(), _layer(), _layer()
    heads = nn.ModuleDict({"a": first, "b": second})
    heads["a"] = replacement
    assert list(heads.items()) == [("a", replacement), ("b", second)]


def test_module_dict_refuses_non_modules_bad_keys_and_missing_keys():
    with pytest.raises(TypeError, match="ModuleDict entries must be Modules, got int"):
        nn.ModuleDict({"a": 1})
    with pytest.raises(TypeError, match="keys must be strings, got int"):
        nn.ModuleDict({0: _layer()})
    with pytest.raises(KeyError, match="attribute 'train' already exists"):
        nn.ModuleDict({"train": _layer()})
    with pytest.raises(KeyError, match="missing"):
        nn.ModuleDict()["missing"]


def test_module_dict_inside_a_model_is_moved_and_switched_with_it():
    model = nn.Sequential(nn.ModuleDict({"proj": _layer()}))
    model.eval()
    assert not model[0]["proj"].training
    model.to(tg.float64)
    assert model[0]["proj"].weight.dtype == tg.float64
    assert list(model.state_dict()) == ["0.proj.weight", "0.proj.bias"]


def test_max_of_a_boolean_tensor_along_a_dim_as_pytorch_and_argmin_as_numpy() -> None:
    mask = tg.tensor([[False, True, True], [False, False, False]])
    values, indices = mask.max(1)
    assert values.numpy().tolist() == [True, False] and indices.numpy().tolist() == [1, 0]
    assert mask.argmin(dim=1).numpy().tolist() == [0, 0]
