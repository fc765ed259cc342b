"""Round 10 of bad inputs: wrong calls a PyTorch or Keras user makes, each tried on PyTorch 2.13
first. Where PyTorch refuses, we raise its exception type (keeping the type we raised before, where
it differs, so old ``except`` clauses still catch it) with a message naming the problem; where
PyTorch computes, we compute the same thing, never a silently different result.
"""

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn, optim
from tinygrad_adam.data import DataLoader, Dataset
from tinygrad_adam.nn import functional as F

# -- creation: arange into an integer dtype, integers past int64 -----------------------------------


@pytest.mark.parametrize(
    "args, dtype, expected",
    [
        pytest.param((0, 2.5, 1), tg.int64, [0, 1], id="int64-truncates-end"),
        pytest.param((2.7,), tg.int64, [0, 1], id="int64-end-only"),
        pytest.param((-0.5, 3, 1.5), tg.int64, [0, 1, 2], id="int64-truncates-step"),
        pytest.param((0, 5, 1.5), tg.int64, [0, 1, 2, 3, 4], id="int64-five"),
        pytest.param((0, 5, 1.5), tg.int32, [0, 1, 2, 3], id="int32-counts-by-the-float-step"),
        pytest.param((0.9, 3.5, 1.5), tg.int32, [0, 1], id="int32-from-truncated-start"),
        pytest.param((-1.5, 2.5, 1), tg.uint8, [255, 0, 1, 2], id="uint8-wraps-as-pytorch"),
        pytest.param((2.5, 0, -1), tg.int16, [2, 1, 0], id="int16-descending"),
    ],
)  # fmt: skip
def test_arange_of_fractional_numbers_into_an_integer_dtype_gives_pytorchs_values(args, dtype, expected):
    assert tg.arange(*args, dtype=dtype).tolist() == expected


@pytest.mark.parametrize("args", [(0, 1, 0.3), (1.9, 0, -0.5)], ids=["ascending", "descending"])
def test_arange_whose_step_truncates_to_zero_is_pytorchs_value_error_not_a_run_of_zeros(args):
    with pytest.raises(ValueError, match="step must be nonzero: it truncates to 0 for the integer dtype"):
        tg.arange(*args, dtype=tg.int64)
    with pytest.raises(RuntimeError):  # the kind our other arange refusals have
        tg.arange(*args, dtype=tg.int64)


@pytest.mark.parametrize(
    "data", [[1, 2**63], [[1], [2**63]], [True, 2**63]], ids=["list", "nested", "with-a-bool"]
)
def test_python_integers_past_int64_among_integers_are_refused_not_rounded_to_float32(data):
    with pytest.raises(ValueError, match=r"above the int64 maximum 2\*\*63 - 1"):
        tg.tensor(data)
    with pytest.raises(OverflowError):  # what the single integer raised before
        tg.tensor(data)


def test_python_integers_past_int64_among_floats_make_a_float_tensor_as_pytorch():
    assert tg.tensor([1.5, 2**63]).tolist() == [1.5, 9.223372036854776e18]
    assert tg.tensor([1, 2**63], dtype=tg.float64).tolist() == [1.0, 2.0**63]


def test_full_of_an_integer_past_int64_is_refused_not_wrapped_to_the_minimum():
    with pytest.raises(RuntimeError, match="full: value 9223372036854775808 cannot be converted to type"):
        tg.full((2,), 2**63)
    assert tg.full((2,), -(2**63)).tolist() == [-(2**63)] * 2
    assert tg.full((2,), 2**63, dtype=tg.float32).tolist() == [2.0**63] * 2


# -- sizes, dims and iteration ---------------------------------------------------------------------


def test_a_one_element_integer_tensor_is_a_size_as_in_pytorch():
    count = (tg.arange(5) > 2).sum()  # a 0-d int64 tensor, as x.sum() of a mask is
    assert tg.zeros(count, 3).shape == (2, 3)
    assert tg.ones(6).view(tg.tensor(2), 3).shape == (2, 3)
    assert tg.ones(6).reshape(tg.tensor([3]), -1).shape == (3, 2)
    with pytest.raises(TypeError, match=r"sizes must be integers, got tensor\(2\."):  # strict adds the device
        tg.zeros(tg.tensor(2.0))


def test_flip_without_dims_is_pytorchs_type_error_not_the_tensor_unflipped():
    with pytest.raises(TypeError, match='flip\\(\\) missing 1 required positional argument: "dims"'):
        tg.tensor([1, 2]).flip()
    assert tg.tensor([1, 2]).flip([]).tolist() == [1, 2]  # no dims named: nothing flipped, as PyTorch
    assert tg.tensor([1, 2]).flip(0).tolist() == [2, 1]


def test_iterating_over_a_0d_tensor_is_pytorchs_type_error_at_iter():
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(tg.tensor(1.0))
    assert [t.item() for t in tg.tensor([1.0, 2.0])] == [1.0, 2.0]


def test_transpose_with_one_dim_is_pytorchs_type_error_not_a_swap_with_the_last_axis():
    x = tg.ones(2, 3, 4)
    with pytest.raises(TypeError, match='transpose\\(\\) missing 1 required positional argument: "dim1"'):
        x.transpose(0)
    assert x.transpose(0, 1).shape == (3, 2, 4)
    assert x.transpose().shape == (2, 4, 3)  # no dims: the last two, as documented


def test_a_matrix_norm_over_one_dim_is_pytorchs_runtime_error_not_an_iteration_error():
    with pytest.raises(RuntimeError, match="dim must be a pair of dims, got 0"):
        tg.linalg.norm(tg.ones(3, 3), ord="fro", dim=0)
    assert tg.linalg.norm(tg.ones(3, 3), ord=2, dim=(0,)).shape == (3,)  # a number: a vector norm


@pytest.mark.parametrize("reduction", ["max", "min", "amax", "amin"])
def test_a_full_reduction_of_an_empty_tensor_is_pytorchs_runtime_error_naming_dim(reduction):
    with pytest.raises(RuntimeError, match="empty tensor: Expected reduction dim to be specified"):
        getattr(tg.ones(0), reduction)()
    with pytest.raises(ValueError):  # what we raised before
        getattr(tg.ones(0), reduction)()


@pytest.mark.parametrize("reduction", ["argmax", "argmin"])
def test_an_arg_reduction_of_an_empty_tensor_is_pytorchs_index_error(reduction):
    with pytest.raises(IndexError, match=f"{reduction}\\(\\): Expected reduction dim to be specified"):
        getattr(tg.ones(0), reduction)()
    with pytest.raises(ValueError):  # what we raised before
        getattr(tg.ones(0), reduction)()


@pytest.mark.parametrize(
    "tensors, position",
    [([tg.tensor(1.0), tg.tensor(2.0)], 0), ([tg.ones(2), tg.tensor(2.0)], 1)],
    ids=["two-scalars", "a-vector-and-a-scalar"],
)
def test_concatenating_a_0d_tensor_is_pytorchs_runtime_error_naming_its_position(tensors, position):
    with pytest.raises(RuntimeError, match=rf"zero-dimensional tensor \(at position {position}\) cannot be"):
        tg.cat(tensors)
    assert tg.stack([tg.tensor(1.0), tg.tensor(2.0)]).tolist() == [1.0, 2.0]  # what the message offers


# -- losses ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: F.huber_loss(tg.ones(3), tg.zeros(3), delta=-1.0), "huber_loss: delta must be > 0, got -1"),
        (lambda: nn.HuberLoss(delta=0.0), "HuberLoss: delta must be > 0, got 0.0"),
        (lambda: F.smooth_l1_loss(tg.ones(3), tg.zeros(3), beta=-1.0), "smooth_l1_loss: beta must be >= 0"),
    ],
    ids=["huber", "huber-module", "smooth-l1"],
)  # fmt: skip
def test_a_robust_loss_threshold_out_of_range_is_pytorchs_runtime_error(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()
    with pytest.raises(ValueError):  # what we raised before
        call()


@pytest.mark.parametrize(
    "call, message",
    [
        pytest.param(lambda: nn.utils.rnn.pad_sequence([]), "received an empty list of", id="pad-none"),
        pytest.param(
            lambda: nn.utils.rnn.pad_sequence([tg.ones(2, 3), tg.ones(3, 4)]),
            r"trailing shape \(3,\) of sequence 0, sequence 1 has shape \(3, 4\)", id="pad-trailing-shapes",
        ),
        pytest.param(
            lambda: nn.utils.rnn.pad_sequence([tg.ones(2)], padding_side="middle"),
            "padding_side must be 'right' or 'left', got 'middle'", id="pad-side",
        ),
        pytest.param(  # batch_first forgotten: (B, L, *) read as (L, B, *)
            lambda: nn.utils.rnn.pack_padded_sequence(tg.ones(2, 3, 4), tg.tensor([3, 2])),
            "2 lengths for a batch of 3 sequences", id="pack-batch-first-forgotten",
        ),
        pytest.param(
            lambda: F.unfold(tg.ones(1, 1, 3, 3), kernel_size=4),
            r"the blocks would number \(0, 0\)", id="unfold-kernel-too-big",
        ),
        pytest.param(
            lambda: F.fold(tg.ones(1, 4, 5), output_size=(3, 3), kernel_size=2),
            "2 \\* 2 sliding blocks, but the input's last dimension is 5", id="fold-block-count",
        ),
        pytest.param(
            lambda: F.scaled_dot_product_attention(
                tg.ones(2, 3, 4), tg.ones(2, 3, 4), tg.ones(2, 3, 4),
                attn_mask=tg.ones(3, 3, dtype=tg.bool), is_causal=True,
            ),
            "either attn_mask or is_causal=True, not both", id="sdpa-mask-and-causal",
        ),
        pytest.param(
            lambda: F.batch_norm(tg.ones(4, 3), None, None, training=False),
            "running_mean and running_var are needed when training=False", id="batch-norm-eval-no-stats",
        ),
        pytest.param(lambda: nn.LayerNorm([]), r"must be positive sizes, got \[\]", id="layer-norm-empty"),
        pytest.param(
            lambda: F.gelu(tg.ones(2), approximate="tan"), "approximate must be 'none' or 'tanh', got 'tan'",
            id="gelu-approximate",
        ),
        pytest.param(lambda: nn.GELU(approximate="erf"), "got 'erf'", id="gelu-module-approximate"),
    ],
)  # fmt: skip
def test_layer_and_sequence_mistakes_are_pytorchs_runtime_error_naming_the_problem(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()
    with pytest.raises(ValueError):  # what we raised before
        call()


def test_functional_triplet_margin_loss_refuses_a_margin_of_zero_or_less_as_its_module_does():
    anchor, positive, negative = tg.zeros(2, 3), tg.zeros(2, 3), tg.ones(2, 3)
    for margin in (0.0, -1.0):
        with pytest.raises(ValueError, match=f"margin must be greater than 0, got {margin}"):
            F.triplet_margin_loss(anchor, positive, negative, margin=margin)
    assert F.triplet_margin_loss(anchor, positive, negative, margin=1.0).item() == 0.0  # all apart enough


# -- learning-rate schedulers: NumPy numbers, as PyTorch takes them ---------------------------------


def _lrs(make_scheduler, steps: int) -> list[float]:
    weight = tg.ones(2, requires_grad=True)
    optimizer = optim.SGD([weight], lr=0.1)
    scheduler = make_scheduler(optimizer)
    rates = []
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        rates.append(float(optimizer.param_groups[0]["lr"]))
    return rates


@pytest.mark.parametrize(
    "numpy_numbers, python_numbers",
    [
        (lambda o: optim.lr_scheduler.StepLR(o, np.int64(2), gamma=np.float32(0.5)),
         lambda o: optim.lr_scheduler.StepLR(o, 2, gamma=0.5)),
        (lambda o: optim.lr_scheduler.CosineAnnealingLR(o, np.int64(4), eta_min=np.float32(0.01)),
         lambda o: optim.lr_scheduler.CosineAnnealingLR(o, 4, eta_min=0.01)),
        (lambda o: optim.lr_scheduler.LinearLR(o, start_factor=0.5, total_iters=np.int64(3)),
         lambda o: optim.lr_scheduler.LinearLR(o, start_factor=0.5, total_iters=3)),
        (lambda o: optim.lr_scheduler.ExponentialLR(o, np.float32(0.5)),
         lambda o: optim.lr_scheduler.ExponentialLR(o, 0.5)),
    ],
    ids=["step", "cosine", "linear", "exponential"],
)  # fmt: skip
def test_schedulers_take_numpy_integers_and_floats_as_pytorch(numpy_numbers, python_numbers):
    assert _lrs(numpy_numbers, 5) == pytest.approx(_lrs(python_numbers, 5), rel=1e-6)


def test_reduce_on_plateau_takes_a_numpy_patience_and_still_refuses_a_bool_step_size():
    weight = tg.ones(2, requires_grad=True)
    optimizer = optim.SGD([weight], lr=0.1)
    plateau = optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=np.int64(0), factor=0.5)
    for metric in (1.0, 2.0, 3.0):
        plateau.step(metric)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.025)
    with pytest.raises(ValueError, match="step_size must be a positive integer, got np.True_"):
        optim.lr_scheduler.StepLR(optimizer, np.bool_(True))


# -- data: datasets without a length, samples that do not stack -------------------------------------


class _NoLength(Dataset):
    def __getitem__(self, index: int) -> int:
        return index


@pytest.mark.parametrize(
    "use", [len, lambda d: len(DataLoader(d, batch_size=2)), lambda d: list(DataLoader(d, batch_size=2))],
    ids=["len", "loader-len", "loader-iter"],
)  # fmt: skip
def test_a_dataset_without_len_is_pytorchs_type_error_naming_it(use):
    with pytest.raises(TypeError, match="object of type '_NoLength' has no len"):
        use(_NoLength())
    with pytest.raises(NotImplementedError):  # what we raised before
        use(_NoLength())


def test_samples_of_different_lengths_are_pytorchs_runtime_error_pointing_to_a_padding_collate_fn():
    loader = DataLoader([[1, 2], [3]], batch_size=2)
    with pytest.raises(RuntimeError, match=r"equal size, got lengths \[1, 2\].*collate_fn that pads them"):
        list(loader)
    with pytest.raises(ValueError):  # what we raised before
        list(loader)


def test_dict_samples_with_different_keys_are_pytorchs_key_error_naming_both():
    loader = DataLoader([{"x": 1}, {"y": 2}], batch_size=2)
    with pytest.raises(KeyError, match=r"different keys, \['x'\] and \['y'\]"):
        list(loader)


# -- checkpoints -----------------------------------------------------------------------------------


def test_save_and_load_take_a_bytes_path_as_open_does(tmp_path):
    path = str(tmp_path / "run.npz").encode()
    tg.save({"weight": tg.ones(2), "epoch": 3}, path)
    loaded = tg.load(path)
    assert loaded["epoch"] == 3 and loaded["weight"].tolist() == [1.0, 1.0]


def test_a_file_opened_in_text_mode_is_named_before_anything_is_written_or_decoded(tmp_path):
    path = tmp_path / "model.pt"
    with open(path, "w") as text_file:  # the "w" that should have been "wb"
        with pytest.raises(TypeError, match=r"text mode; open it in binary mode, open\(path, 'wb'\)"):
            tg.save({"weight": tg.ones(2)}, text_file)
    tg.save({"weight": tg.ones(2)}, str(path))
    with open(path) as text_file:
        with pytest.raises(ValueError, match=r"text mode; open it in binary mode, open\(path, 'rb'\)"):
            tg.load(text_file)  # PyTorch's UnicodeDecodeError is a ValueError
    with open(path, "rb") as binary_file:
        assert tg.load(binary_file)["weight"].tolist() == [1.0, 1.0]
