"""Specification of tg.nn.Module, Parameter and Sequential: registration, traversal, modes, devices,
state_dict round trips and their errors, repr and parameter counts."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn


class Autoencoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Dense(4, 3, activation="relu"), nn.Dense(3, 2))
        self.scale = nn.Parameter(tg.ones(2))
        self.decoder = nn.Dense(2, 4, bias=False)

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        return self.decoder(self.encoder(x) * self.scale)


def test_named_parameters_follow_registration_order_with_dotted_names() -> None:
    names = [name for name, _ in Autoencoder().named_parameters()]
    assert names == ["scale", "encoder.0.weight", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias",
                     "decoder.weight"]  # fmt: skip


def test_own_parameters_come_before_submodules_and_order_is_stable() -> None:
    model = Autoencoder()
    first = [id(p) for p in model.parameters()]
    assert first == [id(p) for p in model.parameters()]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())


def test_sequential_names_are_indices() -> None:
    model = nn.Sequential(nn.Dense(2, 3), nn.ReLU(), nn.Dense(3, 1))
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_tied_parameter_is_listed_and_counted_once() -> None:
    model = nn.Sequential(nn.Dense(3, 3), nn.Dense(3, 3))
    model[1].weight = model[0].weight
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "1.bias"]
    assert model.num_parameters() == 9 + 3 + 3


def test_children_and_modules() -> None:
    model = Autoencoder()
    assert [n for n, _ in model.named_children()] == ["encoder", "decoder"]
    assert [n for n, _ in model.named_modules()] == ["", "encoder", "encoder.0", "encoder.1", "decoder"]
    assert list(model.children())[0] is model.encoder


def test_train_and_eval_set_the_flag_recursively() -> None:
    model = Autoencoder()
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_apply_visits_children_before_their_parent_and_returns_the_module() -> None:
    model = Autoencoder()
    visited: list[nn.Module] = []
    assert model.apply(visited.append) is model
    assert visited == [model.encoder[0], model.encoder[1], model.encoder, model.decoder, model]


def test_apply_runs_a_custom_initialisation() -> None:
    def init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Dense):
            nn.init.constant_(module.weight, 0.5)

    model = Autoencoder().apply(init_weights)
    assert np.all(model.encoder[0].weight.numpy() == 0.5) and np.all(model.decoder.weight.numpy() == 0.5)
    assert np.all(model.scale.numpy() == 1)  # not a Dense: untouched
    with pytest.raises(TypeError, match="callable"):
        model.apply("init")


def test_get_submodule_and_get_parameter_follow_dotted_paths() -> None:
    model = Autoencoder()
    assert model.get_submodule("encoder.1") is model.encoder[1] and model.get_submodule("") is model
    assert model.get_parameter("encoder.0.bias") is model.encoder[0].bias
    assert model.get_parameter("scale") is model.scale
    with pytest.raises(AttributeError, match="no sub-module 'decodr'"):
        model.get_submodule("decodr")
    with pytest.raises(AttributeError, match="no parameter 'bias'"):
        model.get_parameter("decoder.bias")  # Dense(2, 4, bias=False)


def test_zero_grad_sets_none_or_zeros() -> None:
    model = nn.Dense(3, 2)
    model(tg.randn(4, 3)).sum().backward()
    assert model.weight.grad is not None
    model.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(model.weight.grad.numpy(), np.zeros((2, 3)))
    model.zero_grad()
    assert model.weight.grad is None and model.bias.grad is None


def test_call_runs_forward_and_missing_forward_is_an_error() -> None:
    model = Autoencoder()
    x = tg.randn(5, 4)
    np.testing.assert_array_equal(model(x).numpy(), model.forward(x).numpy())
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(x)


def test_assignment_before_init_is_a_clear_error() -> None:
    class Forgetful(nn.Module):
        def __init__(self) -> None:
            self.weight = nn.Parameter(tg.ones(2))

    with pytest.raises(AttributeError, match="super\\(\\).__init__"):
        Forgetful()


def test_assigning_a_plain_tensor_to_a_parameter_name_is_refused() -> None:
    layer = nn.Dense(2, 2)
    with pytest.raises(TypeError, match="weight"):
        layer.weight = tg.ones(2, 2)


def test_deleting_and_replacing_a_submodule_updates_the_registry() -> None:
    model = Autoencoder()
    model.decoder = nn.Dense(2, 4)
    assert "decoder.bias" in dict(model.named_parameters())
    del model.scale
    assert "scale" not in dict(model.named_parameters())


def test_parameter_shares_the_tensor_data_and_must_be_float() -> None:
    t = tg.ones(3)
    p = nn.Parameter(t)
    assert p._data is t._data and p.requires_grad and p.is_leaf
    assert repr(p).startswith("Parameter containing:")
    with pytest.raises(TypeError, match="floating point"):
        nn.Parameter(tg.tensor([1, 2]))


def test_to_dtype_keeps_the_same_parameter_objects() -> None:
    model = Autoencoder()
    before = list(model.parameters())
    model.double()
    after = list(model.parameters())
    assert all(a is b for a, b in zip(before, after))
    assert all(p.dtype == tg.float64 for p in after)
    assert model(tg.randn(2, 4, dtype=tg.float64)).dtype == tg.float64
    model.to(tg.float32)
    assert model.scale.dtype == tg.float32 and model.scale is before[0]


def test_to_device_moves_parameters_grads_and_buffers_in_place(other_device: str) -> None:
    model = nn.Dense(3, 2)
    model.register_buffer("running", tg.zeros(2))
    model(tg.randn(1, 3)).sum().backward()
    weight, values = model.weight, model.weight.numpy().copy()
    model.to(other_device)
    assert model.weight is weight and weight.device == other_device
    assert weight.grad.device == other_device and model.running.device == other_device
    np.testing.assert_array_equal(weight.numpy(), values)
    assert model(tg.randn(1, 3, device=other_device)).device == other_device


def test_state_dict_lists_parameters_and_persistent_buffers_in_order() -> None:
    model = Autoencoder()
    model.register_buffer("steps", tg.zeros(1))
    model.register_buffer("scratch", tg.zeros(1), persistent=False)
    keys = list(model.state_dict())
    assert keys == ["scale", "steps", "encoder.0.weight", "encoder.0.bias", "encoder.1.weight",
                    "encoder.1.bias", "decoder.weight"]  # fmt: skip
    assert isinstance(model.state_dict(), OrderedDict)


def test_state_dict_is_a_snapshot_unless_keep_vars() -> None:
    model = nn.Dense(2, 2)
    state = model.state_dict()
    saved = state["weight"].numpy().copy()
    with tg.no_grad():
        model.weight.add_(1.0)
    np.testing.assert_array_equal(state["weight"].numpy(), saved)
    assert not state["weight"].requires_grad
    assert model.state_dict(keep_vars=True)["weight"] is model.weight


def test_load_state_dict_round_trip_from_tensors_and_numpy() -> None:
    source, target = Autoencoder(), Autoencoder()
    weight = target.encoder[0].weight
    version = weight._version
    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target.encoder[0].weight is weight and weight._version > version
    x = tg.randn(3, 4)
    np.testing.assert_array_equal(target(x).numpy(), source(x).numpy())
    other = Autoencoder()
    other.load_state_dict({k: v.numpy() for k, v in source.state_dict().items()})
    np.testing.assert_array_equal(other(x).numpy(), source(x).numpy())
    assert other.scale.device == source.scale.device


def test_loaded_values_are_copies() -> None:
    model = nn.Dense(2, 2)
    state = {"weight": tg.zeros(2, 2), "bias": tg.zeros(2)}
    model.load_state_dict(state)
    with tg.no_grad():
        model.weight.add_(1.0)
    np.testing.assert_array_equal(state["weight"].numpy(), np.zeros((2, 2)))


def test_load_state_dict_onto_another_device(other_device: str) -> None:
    source = nn.Dense(3, 2)
    target = nn.Dense(3, 2, device=other_device)
    target.load_state_dict(source.state_dict())
    assert target.weight.device == other_device
    np.testing.assert_array_equal(target.weight.numpy(), source.weight.numpy())


def test_load_state_dict_missing_key_is_named() -> None:
    model = nn.Dense(2, 2)
    state = model.state_dict()
    del state["bias"]
    with pytest.raises(RuntimeError, match="missing key 'bias'"):
        model.load_state_dict(state)


@pytest.mark.parametrize("bad", [None, [("weight", np.zeros((2, 3)))], "model.npz"])
def test_load_state_dict_of_something_else_than_a_mapping_is_a_type_error_naming_it(bad) -> None:
    with pytest.raises(TypeError, match=f"expects a mapping.*got {type(bad).__name__}"):
        nn.Dense(3, 2).load_state_dict(bad)


def test_load_state_dict_unexpected_key_is_named() -> None:
    model = nn.Dense(2, 2)
    state = model.state_dict()
    state["extra.weight"] = tg.zeros(1)
    with pytest.raises(RuntimeError, match="unexpected key 'extra.weight'"):
        model.load_state_dict(state)


def test_load_state_dict_not_strict_reports_keys_and_loads_the_rest() -> None:
    model = nn.Dense(2, 2)
    result = model.load_state_dict({"weight": tg.ones(2, 2), "other": tg.ones(1)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["other"]
    np.testing.assert_array_equal(model.weight.numpy(), np.ones((2, 2)))


def test_load_state_dict_shape_mismatch_is_named_even_when_not_strict() -> None:
    model = nn.Dense(2, 2)
    state = model.state_dict()
    state["weight"] = tg.zeros(3, 2)
    with pytest.raises(RuntimeError, match=r"'weight': shape \(3, 2\) in the state, \(2, 2\) in the model"):
        model.load_state_dict(state, strict=False)


def test_load_state_dict_casts_another_dtype_to_the_models_as_pytorch_copy_does() -> None:
    model = nn.Dense(2, 2)
    state = model.state_dict()
    state["bias"] = np.array([0.5, 1.5], dtype=np.float64)
    model.load_state_dict(state)
    assert model.bias.dtype == np.float32
    np.testing.assert_array_equal(model.bias.numpy(), [0.5, 1.5])


def test_load_state_dict_rejects_values_that_are_not_arrays() -> None:
    model = nn.Dense(1, 1)
    with pytest.raises(RuntimeError, match="'weight': expected a Tensor or NumPy array, got list"):
        model.load_state_dict({"weight": [[1.0]], "bias": tg.zeros(1)})


def test_loading_a_whole_checkpoint_as_a_state_dict_says_which_entry_to_load() -> None:
    model = nn.Dense(3, 2)
    checkpoint = {"model": model.state_dict(), "optimizer": {}, "epoch": np.int64(3)}
    with pytest.raises(RuntimeError, match=r"unexpected key 'model'(.|\n)*load its 'model' entry"):
        model.load_state_dict(checkpoint)


def test_load_state_dict_reports_every_problem_at_once() -> None:
    model = nn.Dense(2, 2)
    with pytest.raises(RuntimeError) as error:
        model.load_state_dict({"weight": tg.zeros(1, 2), "junk": tg.zeros(1)})
    message = str(error.value)
    assert "missing key 'bias'" in message and "unexpected key 'junk'" in message and "'weight'" in message


def test_repr_shows_the_architecture() -> None:
    model = nn.Sequential(nn.Dense(4, 8, activation="relu"), nn.Dropout(0.25), nn.Dense(8, 2))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Dense(in_features=4, out_features=8, bias=True, activation='relu', init='he_normal')\n"
        "  (1): Dropout(p=0.25, inplace=False)\n"
        "  (2): Dense(in_features=8, out_features=2, bias=True, init='glorot_uniform')\n"
        ")"
    )
    assert "(encoder): Sequential(\n    (0): Dense" in repr(Autoencoder())


def test_parameter_count_and_summary() -> None:
    model = Autoencoder()
    expected = (4 * 3 + 3) + (3 * 2 + 2) + 2 + 2 * 4
    assert model.num_parameters() == expected
    model.decoder.requires_grad_(False)
    assert model.num_parameters(trainable_only=True) == expected - 8
    summary = model.summary()
    assert "encoder.0" in summary and "weight (3, 4), bias (3,)" in summary and "15" in summary
    assert f"total parameters: {expected}" in summary
    assert f"trainable parameters: {expected - 8}" in summary


def test_sequential_indexing_slicing_and_append() -> None:
    first, second, third = nn.Dense(2, 3), nn.ReLU(), nn.Dense(3, 1)
    model = nn.Sequential(first, second)
    model.append(third)
    assert len(model) == 3 and model[0] is first and model[-1] is third
    assert list(model) == [first, second, third]
    tail = model[1:]
    assert isinstance(tail, nn.Sequential) and tail[0] is second
    assert [n for n, _ in tail.named_children()] == ["1", "2"]
    with pytest.raises(IndexError, match="out of range"):
        model[3]


def test_sequential_from_ordered_dict_keeps_names() -> None:
    model = nn.Sequential(OrderedDict(hidden=nn.Dense(2, 2), out=nn.Dense(2, 1)))
    assert [n for n, _ in model.named_parameters()] == [
        "hidden.weight",
        "hidden.bias",
        "out.weight",
        "out.bias",
    ]
    assert model(tg.ones(1, 2)).shape == (1, 1)


def test_sequential_rejects_non_modules() -> None:
    with pytest.raises(TypeError, match="entry '1'"):
        nn.Sequential(nn.ReLU(), lambda x: x)


def test_replacing_a_layer_or_parameter_keeps_its_place_in_parameters_and_state_dict() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.first = nn.Dense(2, 3)
            self.second = nn.Dense(3, 1)
            self.scale = nn.Parameter(tg.ones(1))

    net = Net()
    keys, names = list(net.state_dict()), [name for name, _ in net.named_parameters()]
    net.first = nn.Dense(2, 3)  # as PyTorch: the new layer takes the old one's place
    net.scale = nn.Parameter(tg.zeros(1))
    assert list(net.state_dict()) == keys
    assert [name for name, _ in net.named_parameters()] == names
    assert list(net._modules) == ["first", "second"]


def test_state_dict_prefix_is_put_in_front_as_given() -> None:
    model = nn.Sequential(nn.Dense(2, 3))
    assert list(model.state_dict(prefix="model.")) == ["model.0.weight", "model.0.bias"]


def test_state_dict_lists_a_shared_submodule_under_each_name_and_loads_back() -> None:
    shared = nn.Dense(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    fresh = nn.Dense(2, 2)
    copy = nn.Sequential(fresh, nn.ReLU(), fresh)
    copy.load_state_dict(state)
    assert np.array_equal(fresh.weight.numpy(), shared.weight.numpy())


def test_sequential_edits_as_a_list_and_renumbers_like_pytorch() -> None:
    first, act, last = nn.Dense(1, 2), nn.ReLU(), nn.Tanh()
    model = nn.Sequential(first, act)
    model[1] = last  # assignment keeps the name
    assert list(model) == [first, last]
    model.insert(1, act)
    assert [(n, m) for n, m in model.named_children()] == [("0", first), ("1", act), ("2", last)]
    assert model.pop(0) is first and [n for n, _ in model.named_children()] == ["0", "1"]
    del model[-1]
    assert list(model) == [act]
    model.extend([last, first])
    assert list(model) == [act, last, first]
    joined = nn.Sequential(first) + nn.Sequential(act)
    assert [(n, m) for n, m in joined.named_children()] == [("0", first), ("1", act)]


def test_sequential_index_errors_name_the_problem() -> None:
    model = nn.Sequential(nn.ReLU())
    with pytest.raises(IndexError, match="out of range for a Sequential of 1"):
        model[1]
    with pytest.raises(TypeError, match="integers or slices, not str"):
        model["0"]


def test_module_list_pop_removes_and_renumbers() -> None:
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    layers = nn.ModuleList([a, b, c])
    assert layers.pop(1) is b and layers.pop() is c
    assert [(n, m) for n, m in layers.named_children()] == [("0", a)]
