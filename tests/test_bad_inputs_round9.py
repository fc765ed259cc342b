"""Round 9 of bad inputs, on this session's additions and around them: each mistake below was tried
on PyTorch 2.13 first; we raise the exception type PyTorch raises (keeping the type we raised
before, where it differs, so old ``except`` clauses still catch it), with a message that names the
problem, and a refused call leaves the object as it was.
"""

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn, optim
from tinygrad_adam.nn import functional as F

# -- optimizers: load_state_dict refuses a state dict that does not fit, and loads nothing ---------


def _adam_state_dict() -> tuple[tg.Tensor, tg.Tensor, dict]:
    weight, bias = tg.ones(3, 4, requires_grad=True), tg.ones(4, requires_grad=True)
    saved = optim.Adam([weight, bias], lr=0.1)
    weight.grad, bias.grad = tg.ones(3, 4), tg.ones(4)
    saved.step()
    return weight, bias, saved.state_dict()


def _drop_step_of_first(sd: dict) -> None:
    del sd["state"][0]["step"]


def _bad_exp_avg_shape(sd: dict) -> None:
    sd["state"][0]["exp_avg"] = tg.zeros(5)


@pytest.mark.parametrize(
    "spoil, error, message",
    [
        pytest.param(lambda sd: sd.pop("state"), KeyError, r"keys .* got \['param_groups'\]", id="no-state"),
        pytest.param(lambda sd: sd.pop("param_groups"), KeyError, r"got \['state'\]", id="no-groups"),
        pytest.param(_drop_step_of_first, KeyError, "state of parameter 0 lacks 'step'", id="no-step"),
        pytest.param(
            _bad_exp_avg_shape, RuntimeError, r"'exp_avg' has shape \(5,\) but its parameter has shape "
            r"\(3, 4\)", id="state-shape",
        ),
    ],
)  # fmt: skip
def test_optimizer_load_state_dict_refuses_a_spoilt_state_dict_as_pytorch_and_keeps_its_state(
    spoil, error, message
):
    weight, bias, sd = _adam_state_dict()
    spoil(sd)
    fresh = optim.Adam([weight, bias], lr=0.2)
    with pytest.raises(error, match=message):
        fresh.load_state_dict(sd)
    with pytest.raises(ValueError):  # what we raised before
        fresh.load_state_dict(sd)
    assert fresh.param_groups[0]["lr"] == 0.2 and len(fresh.state) == 0


def test_optimizer_load_state_dict_of_another_optimizer_is_pytorchs_key_error_naming_the_missing_settings():
    weight = tg.ones(2, 2, requires_grad=True)
    sgd = optim.SGD([weight], lr=0.1, momentum=0.9)
    weight.grad = tg.ones(2, 2)
    sgd.step()
    adam = optim.Adam([weight], lr=0.2)
    with pytest.raises(KeyError, match="lacks betas, eps, which Adam needs"):
        adam.load_state_dict(sgd.state_dict())
    assert adam.param_groups[0]["lr"] == 0.2 and len(adam.state) == 0


@pytest.mark.parametrize("not_a_dict", [[1, 2], None, "state"])
def test_optimizer_load_state_dict_of_a_non_dict_is_a_type_error_naming_the_type(not_a_dict):
    adam = optim.Adam([tg.ones(2, requires_grad=True)])
    with pytest.raises(TypeError, match=f"is a dict, got {type(not_a_dict).__name__}"):
        adam.load_state_dict(not_a_dict)


def test_muon_ns_coefficients_that_are_not_numbers_are_a_type_error_at_step_as_pytorch():
    weight = tg.zeros(3, 4, requires_grad=True)
    muon = optim.Muon([weight], ns_coefficients="abc")
    weight.grad = tg.ones(3, 4)
    with pytest.raises(TypeError, match="ns_coefficients must be 3 numbers, got 'abc'"):
        muon.step()
    assert np.array_equal(weight.numpy(), np.zeros((3, 4), np.float32))


# -- round-9 layers: PyTorch's RuntimeError for dtypes and shapes (our ValueError/TypeError kept) ---


@pytest.mark.parametrize(
    "call, message",
    [
        pytest.param(
            lambda: nn.ConvTranspose3d(2, 3, 2)(tg.ones(1, 2, 3, 3, 3, dtype=tg.int64)),
            "conv_transpose3d: the input is int64 but the weight float32", id="conv-transpose3d-int",
        ),
        pytest.param(
            lambda: nn.ConvTranspose3d(2, 3, 2)(tg.ones(1, 2, 3, 3, 3, dtype=tg.float64)),
            "conv_transpose3d: the input is float64 but the weight float32", id="conv-transpose3d-float64",
        ),
        pytest.param(
            lambda: nn.Conv3d(2, 3, 2)(tg.ones(1, 2, 3, 3, 3, dtype=tg.int64)),
            "conv3d: the input is int64", id="conv3d-int",
        ),
        pytest.param(
            lambda: nn.Conv2d(2, 3, 2)(tg.ones(1, 2, 3, 3, dtype=tg.uint8)),
            "conv2d: the input is uint8", id="conv2d-uint8",
        ),
        pytest.param(
            lambda: nn.MaxUnpool3d(2)(tg.ones(1, 1, 2, 2, 2), tg.zeros(1, 1, 2, 2, 2)),
            "max_unpool3d: indices must be an integer Tensor", id="unpool-float-indices",
        ),
        pytest.param(
            lambda: nn.FractionalMaxPool2d(2, output_size=2)(tg.ones(1, 1, 4, 4, dtype=tg.int64)),
            "fractional_max_pool2d: the input must be floating point, got int64", id="fractional-int",
        ),
        pytest.param(
            lambda: nn.FractionalMaxPool3d(2, output_size=2, _random_samples=tg.rand(1, 1, 3).double())(
                tg.ones(1, 1, 5, 5, 5)
            ),
            "_random_samples is float64 but the input float32", id="fractional-samples-dtype",
        ),
        pytest.param(
            lambda: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [2, 5])(tg.ones(3, 8), tg.tensor([0.0, 1.0, 3.0])),
            "target must hold class indices, got float32", id="adaptive-softmax-float-target",
        ),
    ],
)  # fmt: skip
def test_round9_layers_refuse_wrong_dtypes_with_pytorchs_runtime_error_naming_the_dtypes(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()
    with pytest.raises(TypeError):  # what we raised before
        call()


@pytest.mark.parametrize(
    "call, message",
    [
        pytest.param(
            lambda: nn.MaxUnpool3d(2)(tg.ones(1, 1, 2, 2, 2), tg.zeros(1, 1, 2, 2, 1, dtype=tg.int64)),
            r"indices of shape \(1, 1, 2, 2, 1\) must have the shape of the input \(1, 1, 2, 2, 2\)",
            id="unpool-indices-shape",
        ),
        pytest.param(
            lambda: nn.Conv3d(4, 3, 2)(tg.ones(1, 2, 3, 3, 3)), "conv3d: input has 2 channels", id="conv3d",
        ),
        pytest.param(
            lambda: F.conv3d(tg.ones(1, 2, 3, 3, 3), tg.ones(3, 2, 2, 2, 2), bias=tg.ones(4)),
            r"conv3d: weight \(3, 2, 2, 2, 2\) expects a bias of shape \(3,\), got \(4,\)", id="conv3d-bias",
        ),
        pytest.param(
            lambda: F.conv_transpose3d(tg.ones(1, 2, 3, 3, 3), tg.ones(2, 3, 2, 2, 2), bias=tg.ones(4)),
            r"expects a bias of shape \(3,\), got \(4,\)", id="conv-transpose3d-bias",
        ),
        pytest.param(
            lambda: F.conv_transpose2d(tg.ones(1, 2, 3, 3), tg.ones(2, 3, 2, 2), bias=tg.ones(1)),
            r"expects a bias of shape \(3,\), got \(1,\)", id="conv-transpose2d-bias",
        ),
        pytest.param(
            lambda: nn.ConvTranspose3d(2, 3, 1, padding=2)(tg.ones(1, 2, 3, 3, 3)),
            r"input size per channel \(3, 3, 3\), the calculated output size \(-1, -1, -1\) is too small",
            id="conv-transpose3d-negative-output",
        ),
        pytest.param(
            lambda: nn.ConvTranspose2d(2, 3, 1, padding=1)(tg.ones(1, 2, 2, 2)),
            r"the calculated output size \(0, 0\) is too small", id="conv-transpose2d-empty-output",
        ),
    ],
)  # fmt: skip
def test_round9_layers_refuse_shapes_that_do_not_fit_with_pytorchs_runtime_error(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()
    with pytest.raises(ValueError):  # what we raised before
        call()


def test_conv_transpose_with_a_fitting_bias_and_padding_still_runs():
    out = F.conv_transpose3d(tg.ones(1, 2, 3, 3, 3), tg.ones(2, 3, 2, 2, 2), bias=tg.ones(3), padding=1)
    assert out.shape == (1, 3, 2, 2, 2)
    np.testing.assert_allclose(out.numpy(), np.full((1, 3, 2, 2, 2), 17.0, np.float32))


# -- loaders and the command line: the problem named, the user's files left alone -------------------


def _write_csv(path, rows: int = 12) -> str:
    values = np.arange(rows * 3, dtype=np.float64).reshape(rows, 3) / 7
    text = "price,size,label\n" + "".join(f"{a:.3f},{b:.3f},{i % 2}\n" for i, (a, b, _) in enumerate(values))
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("delimiter", [";;", "", 1])
def test_load_csv_names_a_delimiter_that_is_not_one_character(tmp_path, delimiter):
    path = _write_csv(tmp_path / "t.csv")
    with pytest.raises(TypeError, match=f"delimiter must be 'auto' or one character .*got {delimiter!r}"):
        tg.datasets.load_csv(path, delimiter=delimiter)


def test_load_csv_takes_one_ignored_column_by_name_not_the_letters_of_the_name(tmp_path):
    path = _write_csv(tmp_path / "t.csv")
    for ignore in ("price", 0, ["price"]):
        x, y = tg.datasets.load_csv(path, target="label", ignore=ignore, return_feature_names=True)[:2]
        assert x.shape == (12, 1) and y.tolist() == [0, 1] * 6
    with pytest.raises(TypeError, match="classes= is a list of class names, got the string '01'"):
        tg.datasets.load_csv(path, classes="01")


def test_load_csv_of_a_folder_says_it_is_a_folder(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a folder, not a CSV file"):
        tg.datasets.load_csv(tmp_path)


def test_a_keras_npz_with_an_object_array_is_refused_naming_the_file_without_running_a_pickle(tmp_path):
    path = tmp_path / "mnist.npz"
    images = np.zeros((2, 28, 28), np.uint8)
    np.savez(
        path,
        x_train=images,
        y_train=np.array([0, "a"], dtype=object),
        x_test=images,
        y_test=np.zeros(2, np.uint8),
    )
    with pytest.raises(ValueError, match=r"mnist\.npz: Object arrays .* \(pickled arrays are never loaded\)"):
        tg.datasets.load_mnist(tmp_path)


def test_cli_data_dir_that_is_a_file_says_so_and_leaves_it_alone(tmp_path, capsys):
    from tinygrad_adam.cli import main

    path = _write_csv(tmp_path / "t.csv")
    before = (tmp_path / "t.csv").read_bytes()
    with pytest.raises(SystemExit) as stop:
        main(["train", "--dataset", "mnist", "--data-dir", path, "--quiet"])
    assert stop.value.code == 2
    assert f"--data-dir {path}: a file, not a folder or an .npz" in capsys.readouterr().err
    assert (tmp_path / "t.csv").read_bytes() == before


@pytest.mark.parametrize(
    "call, old_error, message",
    [
        pytest.param(
            lambda: nn.CrossMapLRN2d(3)(tg.ones(1, 3, 4, 4, dtype=tg.int64)), TypeError,
            "CrossMapLRN2d: the input must be floating point, got int64", id="cross-map-lrn-int",
        ),
        pytest.param(
            lambda: F.rrelu(tg.ones(3), lower=0.5, upper=0.1, training=True), ValueError,
            r"rrelu: lower \(0.5\) must not exceed upper \(0.1\)", id="rrelu-bounds",
        ),
        pytest.param(
            lambda: F.prelu(tg.ones(2, 3), tg.ones(2)), ValueError,
            r"one per channel \(3 for an input of shape \(2, 3\).*got a weight of shape \(2,\)", id="prelu",
        ),
        pytest.param(
            lambda: F.pad(tg.ones(1, 1, 3), (-2, -2)), ValueError,
            "pad: cropping 2 and 2 from axis 2 of size 3 leaves nothing", id="pad-crops-everything",
        ),
        pytest.param(
            lambda: F.pad(tg.ones(1, 1, 3), (-2, -2), mode="reflect"), ValueError,
            "pad: cropping 2 and 2 from axis 2 of size 3 leaves nothing", id="reflect-pad-crops-everything",
        ),
        pytest.param(
            lambda: F.conv_transpose3d(tg.ones(1, 4, 2, 2, 2), tg.ones(4, 1, 2, 2, 2), groups=3), ValueError,
            "groups must be a positive int dividing 4, got 3", id="conv-transpose3d-groups",
        ),
        pytest.param(
            lambda: nn.LinearCrossEntropyLoss(-1, 5), ValueError,
            "in_features must be a non-negative integer, got -1", id="linear-cross-entropy-negative",
        ),
        pytest.param(
            lambda: nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs=[2, 5], div_value=-2.0), ValueError,
            "out_features must be a non-negative integer, got -4", id="adaptive-softmax-negative-div",
        ),
    ],
)  # fmt: skip
def test_more_layer_mistakes_are_pytorchs_runtime_error_with_the_value_named(call, old_error, message):
    with pytest.raises(RuntimeError, match=message):
        call()
    with pytest.raises(old_error):
        call()


def test_batch_sampler_drop_last_that_is_not_a_bool_is_pytorchs_value_error_too():
    with pytest.raises(ValueError, match="drop_last must be True or False, got 'no'"):
        tg.data.BatchSampler(tg.data.SequentialSampler(range(5)), 2, "no")
    with pytest.raises(TypeError):  # what we raised before
        tg.data.BatchSampler(tg.data.SequentialSampler(range(5)), 2, "no")


def test_weighted_sampling_of_more_samples_than_nonzero_weights_without_replacement_is_a_runtime_error():
    with pytest.raises(RuntimeError, match="cannot draw 3 samples without replacement from 2 nonzero"):
        tg.data.WeightedRandomSampler([1.0, 0.0, 2.0], 3, replacement=False)


# -- pointwise maths and namespace functions --------------------------------------------------------


@pytest.mark.parametrize(
    "call, old_error, message",
    [
        pytest.param(
            lambda: tg.round(tg.tensor([15, 25]), decimals=-1), TypeError,
            "round: decimals=-1 needs a floating-point tensor, got int64", id="round-int-decimals",
        ),
        pytest.param(
            lambda: tg.nanmean(tg.tensor([1, 2])), TypeError, "nanmean: input must be floating point, got",
            id="nanmean-int",
        ),
        pytest.param(
            lambda: tg.logcumsumexp(tg.tensor([1, 2]), 0), TypeError,
            "logcumsumexp: input must be floating point, got int64", id="logcumsumexp-int",
        ),
        pytest.param(
            lambda: tg.histc(tg.arange(5), bins=3), TypeError, "histc needs a floating-point tensor, got int",
            id="histc-int",
        ),
        pytest.param(
            lambda: tg.div(tg.ones(2), 2, rounding_mode="round"), ValueError,
            "rounding_mode must be None, 'trunc' or 'floor', got 'round'", id="div-rounding-mode",
        ),
    ],
)  # fmt: skip
def test_pointwise_mistakes_are_pytorchs_runtime_error_never_a_silent_result(call, old_error, message):
    with pytest.raises(RuntimeError, match=message):
        call()
    with pytest.raises(old_error):
        call()


def test_round_of_integers_without_decimals_is_the_integers_as_in_pytorch():
    assert tg.round(tg.tensor([15, -25])).numpy().tolist() == [15, -25]
    np.testing.assert_allclose(tg.round(tg.tensor([15.0, 26.0]), decimals=-1).numpy(), [20.0, 30.0])


@pytest.mark.parametrize(
    "call, old_error, message",
    [
        pytest.param(lambda: tg.stack([]), ValueError, "stack needs at least one tensor", id="stack-empty"),
        pytest.param(lambda: tg.hstack([]), ValueError, "hstack.*non-empty sequence", id="hstack-empty"),
        pytest.param(lambda: tg.ones(3).mT, ValueError, r"mT needs .* got shape \(3,\)", id="mT-1d"),
        pytest.param(lambda: tg.abs_(tg.tensor([True])), TypeError, "abs of a boolean tensor", id="abs-bool"),
        pytest.param(
            lambda: tg.sub(tg.tensor([True]), tg.tensor([False])), TypeError,
            "sub of two boolean tensors is not supported", id="sub-bool",
        ),
        pytest.param(
            lambda: tg.fill_(tg.zeros(3), tg.ones(2)), ValueError,
            r"the value must be a number or a one-element tensor, got shape \(2,\)", id="fill-two-values",
        ),
        pytest.param(
            lambda: tg.take(tg.ones(2, 3), tg.tensor([1.0])), TypeError, "take: index must be a tensor of",
            id="take-float-index",
        ),
        pytest.param(
            lambda: tg.quantile(tg.tensor([1, 2]), 0.5), TypeError, "quantile: input must be floating point",
            id="quantile-int",
        ),
        pytest.param(
            lambda: tg.repeat_interleave(tg.ones(2), tg.tensor([1, -1])), ValueError,
            "repeats must be non-negative, got -1", id="repeat-interleave-negative",
        ),
        pytest.param(
            lambda: tg.repeat_interleave(tg.ones(2), tg.tensor([1, 1, 1])), ValueError,
            "3 repeats for 2 entries along dim 0", id="repeat-interleave-counts",
        ),
        pytest.param(
            lambda: tg.cartesian_prod(tg.ones(2, 2)), ValueError, r"tensor 0 must be 1-D, got shape \(2, 2\)",
            id="cartesian-prod-2d",
        ),
        pytest.param(
            lambda: tg.bucketize(tg.tensor([1.5]), tg.ones(2, 2)), ValueError, "boundaries must be 1-D",
            id="bucketize-2d",
        ),
        pytest.param(
            lambda: tg.block_diag(tg.ones(2, 2, 2)), ValueError, "tensor 0 must have at most 2 dims",
            id="block-diag-3d",
        ),
        pytest.param(
            lambda: tg.meshgrid(tg.ones(2, 2), tg.ones(3), indexing="ij"), ValueError,
            "tensor 0 must be 0-d or 1-D", id="meshgrid-2d",
        ),
        pytest.param(
            lambda: tg.searchsorted(tg.ones(3), tg.ones(2), side="left", right=True), ValueError,
            "contradict each other", id="searchsorted-side-right",
        ),
        pytest.param(
            lambda: tg.einsum("ij,jk->iz", tg.ones(2, 3), tg.ones(3, 5)), ValueError, "the output 'iz'",
            id="einsum-unknown-output",
        ),
        pytest.param(
            lambda: F.dropout(tg.ones(3), p=1.5), ValueError, r"drop probability p must be .* got 1.5",
            id="dropout-p",
        ),
        pytest.param(
            lambda: F.embedding(tg.tensor([1]), tg.ones(3)), ValueError, r"a 2-D tensor .* got \(3,\)",
            id="embedding-1d-weight",
        ),
        pytest.param(lambda: F.celu(tg.ones(2), alpha=0.0), ValueError, "alpha must not be 0", id="celu"),
    ],
)  # fmt: skip
def test_namespace_mistakes_are_pytorchs_runtime_error_kind_with_the_problem_named(call, old_error, message):
    with pytest.raises(RuntimeError, match=message):
        call()
    with pytest.raises(old_error):
        call()


def test_in_place_div_takes_pytorchs_rounding_mode():
    floored = tg.tensor([5, -3])
    floored.div_(2, rounding_mode="floor")
    truncated = tg.tensor([5.0, -3.0])
    truncated.div_(2, rounding_mode="trunc")
    assert floored.numpy().tolist() == [2, -2] and floored.dtype == tg.int64
    assert truncated.numpy().tolist() == [2.0, -1.0]
    with pytest.raises(RuntimeError, match="rounding_mode must be None, 'trunc' or 'floor', got 'round'"):
        tg.ones(2).div_(2, rounding_mode="round")


def test_frac_of_integers_is_pytorchs_runtime_error_kind():
    with pytest.raises(RuntimeError, match="frac: input must be floating point, got int64"):
        tg.tensor([1]).frac()


@pytest.mark.parametrize("not_a_dict", [[1], None])
def test_scheduler_load_state_dict_of_a_non_dict_is_a_type_error_naming_the_type(not_a_dict):
    optimizer = optim.SGD([tg.ones(3, requires_grad=True)], lr=0.1)
    scheduler = optim.lr_scheduler.StepLR(optimizer, 2)
    with pytest.raises(TypeError, match=f"state dict is a dict, got {type(not_a_dict).__name__}"):
        scheduler.load_state_dict(not_a_dict)
    assert scheduler.step_size == 2
