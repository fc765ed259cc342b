"""Round 8 of bad inputs: each mistake below was tried on PyTorch 2.13 first; we raise the exception
type PyTorch raises (keeping the type we raised before, where it differs, so old ``except`` clauses
still catch it), with a message that names the problem, and never wrap or drop a value silently.
"""

import numpy as np
import pytest

import tinygrad_adam as tg

# -- Python numbers an integer dtype cannot hold: PyTorch's "cannot be converted ... without overflow"


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: tg.tensor([300], dtype=tg.int8), id="tensor"),
        pytest.param(lambda: tg.tensor([[1, 256]], dtype=tg.uint8), id="tensor-nested"),
        pytest.param(lambda: tg.tensor([2**63], dtype=tg.int64), id="tensor-int64"),
        pytest.param(lambda: tg.tensor([1.5e10], dtype=tg.int32), id="tensor-float"),
        pytest.param(lambda: tg.full((2,), 300, dtype=tg.int8), id="full"),
        pytest.param(lambda: tg.zeros(2, dtype=tg.int8).new_full((2,), 300), id="new_full"),
        pytest.param(lambda: tg.full_like(tg.zeros(2, dtype=tg.int8), 300), id="full_like"),
        pytest.param(lambda: tg.zeros(2, dtype=tg.int8).fill_(300), id="fill_"),
        pytest.param(lambda: tg.zeros(2, dtype=tg.int8).masked_fill(tg.ones(2) > 0, 300), id="masked_fill"),
    ],
)
def test_a_python_integer_an_integer_dtype_cannot_hold_raises_runtime_error_naming_value_and_dtype(make):
    with pytest.raises(
        RuntimeError, match=r"value \S+ cannot be converted to (type )?u?int\d+ without overflow"
    ):
        make()
    with pytest.raises(OverflowError):  # what NumPy raised for fill_ before
        make()


@pytest.mark.parametrize(
    "dtype, value", [(tg.int8, 300), (tg.int32, 2**40), (tg.uint8, 256), (tg.int8, -129)]
)
def test_setitem_of_a_number_an_integer_tensor_cannot_hold_raises_runtime_error_and_keeps_the_tensor(
    dtype, value
):
    x = tg.zeros(3, dtype=dtype)
    with pytest.raises(RuntimeError, match=f"__setitem__: value {value} cannot be converted to type {dtype}"):
        x[0] = value
    assert x.numpy().tolist() == [0, 0, 0]


def test_numbers_that_fit_still_convert_as_in_pytorch():
    assert tg.tensor([-1], dtype=tg.uint8).numpy().tolist() == [255]  # PyTorch lets -1 wrap for uint8
    assert tg.tensor(np.array([300]), dtype=tg.int8).numpy().tolist() == [44]  # arrays are cast, as there
    x = tg.zeros(2, dtype=tg.int8)
    x[0], x[1] = 127, -128
    assert x.numpy().tolist() == [127, -128]
    assert tg.full((1,), 255, dtype=tg.uint8).numpy().tolist() == [255]


# -- creation ----------------------------------------------------------------------------------


def test_ragged_nested_lists_raise_pytorchs_value_error_naming_the_lengths():
    for ragged in ([[1, 2], [3]], [[1.0, 2.0], [3.0, [4.0]]]):
        with pytest.raises(ValueError, match="ragged nested lists"):
            tg.tensor(ragged)
        with pytest.raises(TypeError):  # what we raised before
            tg.tensor(ragged)


@pytest.mark.parametrize(
    "make, message",
    [
        pytest.param(lambda: tg.zeros(-1), r"sizes must be non-negative, got \(-1,\)", id="zeros"),
        pytest.param(lambda: tg.empty(2, -3), r"sizes must be non-negative, got \(2, -3\)", id="empty"),
        pytest.param(lambda: tg.randn(-2), r"got \(-2,\)", id="randn"),
        pytest.param(
            lambda: tg.ones(2).new_full((-1,), 0.0), "new_full: sizes must be non-negative", id="new_full"
        ),
        pytest.param(lambda: tg.arange(0, 5, 0), "step must not be zero", id="arange"),
        pytest.param(
            lambda: tg.randint(5, 3, (2,)), r"high \(3\) must be greater than low \(5\)", id="randint"
        ),
        pytest.param(lambda: tg.normal(0.0, -1.0, size=(2,)), "std must be >= 0, got -1.0", id="normal"),
        pytest.param(lambda: tg.ones(3).normal_(0.0, -1.0), "normal_: std must be >= 0", id="normal_"),
        pytest.param(
            lambda: tg.ones(3).uniform_(1.0, 0.0), r"needs a <= b, got a=1.0 > b=0.0", id="uniform_"
        ),
        pytest.param(lambda: tg.bernoulli(tg.tensor([1.5])), r"must lie in \[0, 1\]", id="bernoulli"),
        pytest.param(
            lambda: tg.multinomial(tg.tensor([-1.0, 1.0]), 1), "non-negative", id="multinomial-negative"
        ),
        pytest.param(lambda: tg.multinomial(tg.tensor([0.0, 0.0]), 1), "sums to 0", id="multinomial-zero"),
        pytest.param(
            lambda: tg.multinomial(tg.tensor([1.0, 1.0]), 3),
            "cannot draw 3 distinct",
            id="multinomial-3-of-2",
        ),
    ],
)
def test_out_of_range_creation_arguments_raise_pytorchs_runtime_error_naming_the_value(make, message):
    with pytest.raises(RuntimeError, match=message):
        make()
    with pytest.raises(ValueError):  # what we raised before
        make()


# -- shapes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrong, message",
    [
        pytest.param(lambda: tg.zeros(6).reshape(4, 2), r"shape \(6,\) into shape \(4, 2\)", id="reshape"),
        pytest.param(lambda: tg.zeros(6).view(-1, -1), "at most one -1", id="view-two-minus-ones"),
        pytest.param(
            lambda: tg.zeros(2, 3).expand(4, 3), r"cannot expand shape \(2, 3\) to \(4, 3\)", id="expand"
        ),
        pytest.param(lambda: tg.zeros(2, 3).expand(3), "to fewer dimensions", id="expand-fewer"),
        pytest.param(lambda: tg.cat([tg.zeros(2, 3), tg.zeros(2, 4)]), r"\(2, 3\) and \(2, 4\)", id="cat"),
        pytest.param(lambda: tg.stack([tg.zeros(2), tg.zeros(3)]), r"got \(2,\) and \(3,\)", id="stack"),
        pytest.param(
            lambda: tg.ones(1).add_(tg.ones(3)), r"add_: a result of shape \(3,\) does not fit", id="add_"
        ),
        pytest.param(
            lambda: tg.ones(3).copy_(tg.ones(2)), r"cannot expand shape \(2,\) to \(3,\)", id="copy_"
        ),
        pytest.param(lambda: tg.mm(tg.ones(2, 2, 2), tg.ones(2, 2)), r"mm needs two matrices", id="mm"),
        pytest.param(lambda: tg.bmm(tg.ones(2, 2, 2), tg.ones(3, 2, 2)), r"one batch size", id="bmm"),
        pytest.param(lambda: tg.dot(tg.ones(3), tg.ones(2)), r"\(3,\) and \(2,\)", id="dot"),
        pytest.param(lambda: tg.outer(tg.ones(2, 2), tg.ones(2)), r"outer needs two 1-D", id="outer"),
        pytest.param(lambda: tg.linalg.cross(tg.ones(2), tg.ones(2)), "must have size 3", id="cross"),
    ],
)
def test_shapes_that_do_not_fit_raise_pytorchs_runtime_error_naming_the_shapes(wrong, message):
    with pytest.raises(RuntimeError, match=message):
        wrong()
    with pytest.raises(ValueError):  # what we raised before
        wrong()


def test_setitem_of_a_value_that_does_not_broadcast_raises_runtime_error_and_keeps_the_tensor():
    x = tg.zeros(2, 3)
    with pytest.raises(RuntimeError, match=r"a value of shape \(2,\) does not fit .* shape \(2, 3\)"):
        x[0] = tg.ones(2)
    assert x.numpy().tolist() == [[0.0] * 3] * 2


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param(lambda x: x.sum(dim=(0, 0)), id="sum"),
        pytest.param(lambda x: x.mean(dim=(1, -1)), id="mean-negative-alias"),
        pytest.param(lambda x: x.amax(dim=(0, 0)), id="amax"),
        pytest.param(lambda x: x.std(dim=(0, 0)), id="std"),
        pytest.param(lambda x: tg.logsumexp(x, dim=(0, 0)), id="logsumexp"),
        pytest.param(lambda x: tg.linalg.vector_norm(x, dim=(0, 0)), id="vector_norm"),
        pytest.param(lambda x: x.flip(0, 0), id="flip"),
        pytest.param(lambda x: x.permute(0, 0), id="permute"),
    ],
)
def test_a_dim_named_twice_raises_pytorchs_runtime_error_naming_the_dims(wrong):
    with pytest.raises(RuntimeError, match=r"more than once|name each dim once"):
        wrong(tg.zeros(2, 3))


@pytest.mark.parametrize(
    "wrong, message",
    [
        pytest.param(lambda x: x.split(0), "split_size must be positive", id="split-zero"),
        pytest.param(
            lambda x: x.split([1, 2]), r"sizes \[1, 2\] must be non-negative and add up to 4", id="split-sum"
        ),
        pytest.param(lambda x: x.chunk(0), "chunks must be positive, got 0", id="chunk"),
        pytest.param(
            lambda x: x.narrow(0, 0, -1), "narrow: length must be non-negative, got -1", id="narrow"
        ),
        pytest.param(lambda x: x.topk(5), "k=5 is out of range for dim -1 of length 4", id="topk"),
        pytest.param(
            lambda x: x.reshape(2, 2).repeat(2), "give at least one size per dimension", id="repeat"
        ),
        pytest.param(
            lambda x: x.reshape(1, 2, 2).flatten(2, 1), "start_dim 2 comes after end_dim 1", id="flatten"
        ),
        pytest.param(lambda x: x.reshape(1, 2, 2).t(), "at most 2 dimensions", id="t"),
        pytest.param(lambda x: x.tril(), r"tril needs a matrix .* shape \(4,\)", id="tril"),
        pytest.param(lambda x: x.clamp(), "at least one of min and max", id="clamp"),
        pytest.param(lambda x: x.item(), r"one element, this one has shape \(4,\)", id="item"),
        pytest.param(lambda x: bool(x), r"truth value of a tensor of shape \(4,\) is ambiguous", id="bool"),
    ],
)
def test_sizes_and_counts_out_of_range_raise_pytorchs_runtime_error_naming_them(wrong, message):
    x = tg.zeros(4)
    with pytest.raises(RuntimeError, match=message):
        wrong(x)
    with pytest.raises(ValueError):  # what we raised before
        wrong(x)


# -- amp ---------------------------------------------------------------------------------------


def test_autocast_with_an_unknown_device_type_raises_runtime_error_naming_it():
    with pytest.raises(RuntimeError, match="unknown device type 'tpu'"):
        tg.autocast("tpu")
    with tg.autocast("cuda:0", enabled=False), tg.autocast("mps", enabled=False):  # PyTorch's names pass
        pass


@pytest.mark.parametrize("flag", ["enabled", "cache_enabled"])
def test_autocast_with_a_flag_that_is_not_a_bool_raises_type_error_naming_it(flag):
    with pytest.raises(TypeError, match=f"autocast: {flag} must be a bool, got str 'yes'"):
        tg.autocast("cpu", **{flag: "yes"})


# -- special functions -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["erf", "erfc", "ndtr"])
def test_special_functions_of_an_integer_tensor_compute_in_float32_as_pytorch(name):
    function = getattr(tg.special, name)
    assert function(tg.tensor([0, 1])).dtype == tg.float32
    np.testing.assert_allclose(function(tg.tensor([0, 1])).numpy(), function(tg.tensor([0.0, 1.0])).numpy())
    with pytest.raises(TypeError, match=f"special.{name}: input must be a Tensor, got list"):
        function([0.0])


def test_a_non_integer_order_of_polygamma_or_multigammaln_raises_type_error_naming_it():
    with pytest.raises(TypeError, match="polygamma.*non-integer n, got float 1.5"):
        tg.special.polygamma(1.5, tg.ones(1))
    with pytest.raises(TypeError, match="multigammaln: p must be an integer, got float 2.5"):
        tg.special.multigammaln(tg.full((1,), 3.0), 2.5)
    with pytest.raises(RuntimeError, match="negative"):  # still what it was
        tg.special.polygamma(-1, tg.ones(1))
    expected = tg.special.polygamma(1, tg.ones(1)).numpy()
    np.testing.assert_allclose(tg.special.polygamma(tg.tensor(1), tg.ones(1)).numpy(), expected)  # a 0-d n


def test_a_logit_eps_that_is_not_a_number_raises_type_error_naming_it():
    with pytest.raises(TypeError, match="logit: eps must be a number or None, got str 'a'"):
        tg.special.logit(tg.full((1,), 0.5), eps="a")


# -- distributions -----------------------------------------------------------------------------


def test_one_hot_categorical_log_prob_of_a_vector_that_is_not_one_hot_raises_value_error():
    distribution = tg.distributions.OneHotCategorical(probs=tg.tensor([0.25, 0.75]))
    for not_one_hot in ([1.0, 1.0], [0.0, 0.0], [0.5, 0.5]):
        with pytest.raises(ValueError, match=r"support \(OneHot\(\)\)"):
            distribution.log_prob(tg.tensor(not_one_hot))
    assert distribution.log_prob(tg.tensor([0.0, 1.0])).item() == pytest.approx(np.log(0.75))
    unchecked = tg.distributions.OneHotCategorical(probs=tg.tensor([0.25, 0.75]), validate_args=False)
    unchecked.log_prob(tg.tensor([1.0, 1.0]))


def test_one_hot_categorical_enumerates_its_support_as_pytorch():
    distribution = tg.distributions.OneHotCategorical(probs=tg.tensor([[0.2, 0.8], [0.5, 0.5], [0.1, 0.9]]))
    support = distribution.enumerate_support()
    assert support.shape == (2, 3, 2) and distribution.enumerate_support(expand=False).shape == (2, 1, 2)
    np.testing.assert_allclose(
        distribution.log_prob(support).exp().sum(0).numpy(), [1.0, 1.0, 1.0], rtol=1e-6
    )


# -- linear algebra ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param(lambda: tg.linalg.diagonal(tg.ones(2, 2), dim1=0, dim2=5), id="linalg.diagonal"),
        pytest.param(lambda: tg.ones(2, 2).diagonal(0, 0, -3), id="Tensor.diagonal"),
        pytest.param(lambda: tg.diag_embed(tg.ones(2), dim1=0, dim2=4), id="diag_embed"),
    ],
)
def test_a_diagonal_dim_out_of_range_raises_index_error_naming_it(wrong):
    with pytest.raises(IndexError, match="out of range"):
        wrong()


def test_a_diagonal_over_one_dim_twice_still_raises_runtime_error():
    with pytest.raises(RuntimeError, match="two different dims"):
        tg.ones(2, 3).diagonal(0, 0, 0)


# -- datasets ----------------------------------------------------------------------------------


def test_a_cifar_pickle_with_ragged_labels_is_a_value_error_naming_the_file(tmp_path):
    import pickle

    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {b"data": np.zeros((2, 3072), np.uint8), b"labels": [0, [1]]}
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    with pytest.raises(ValueError, match=r"data_batch_1: 'labels' must be 2 integers .* got object"):
        tg.datasets.load_cifar10(tmp_path)


# -- functions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrong, message",
    [
        pytest.param(
            lambda: tg.logspace(0, 1, -1), "logspace: steps must be non-negative, got -1", id="logspace"
        ),
        pytest.param(lambda: tg.triu_indices(-1, 3), "row must be non-negative, got -1", id="triu_indices"),
        pytest.param(lambda: tg.einsum("ij,jk->ik", tg.ones(2, 2)), "names 2 operand", id="einsum-operands"),
        pytest.param(
            lambda: tg.einsum("ij,jk->ik", tg.ones(2, 3), tg.ones(2, 2)),
            "axis 'j' has length 3",
            id="einsum-sizes",
        ),
        pytest.param(
            lambda: tg.tensordot(tg.ones(2, 3), tg.ones(2, 3), dims=([1], [0])),
            "contracted dims",
            id="tensordot",
        ),
        pytest.param(
            lambda: tg.cdist(tg.ones(2, 3), tg.ones(2, 4)), "same number of columns", id="cdist-columns"
        ),
        pytest.param(lambda: tg.cdist(tg.ones(2, 3), tg.ones(2, 3), p=-1), "non-negative p", id="cdist-p"),
        pytest.param(lambda: tg.meshgrid(tg.ones(2), indexing="bogus"), "got 'bogus'", id="meshgrid"),
        pytest.param(
            lambda: tg.searchsorted(tg.ones(3), tg.ones(2), side="middle"), "got 'middle'", id="searchsorted"
        ),
        pytest.param(lambda: tg.histc(tg.ones(3), bins=0), "bins must be > 0, got 0", id="histc-bins"),
        pytest.param(
            lambda: tg.histc(tg.ones(3), bins=3, min=2, max=1), r"max \(1\) must be larger", id="histc-range"
        ),
        pytest.param(lambda: tg.diff(tg.ones(3), n=-1), "order n must be non-negative, got -1", id="diff"),
        pytest.param(lambda: tg.quantile(tg.ones(3), 1.5), r"q must be in \[0, 1\], got 1.5", id="quantile"),
        pytest.param(lambda: tg.trace(tg.ones(2, 2, 2)), r"shape \(2, 2, 2\)", id="trace"),
        pytest.param(
            lambda: tg.diag(tg.ones(2, 2, 2)), r"1-D or 2-D tensor, got shape \(2, 2, 2\)", id="diag"
        ),
        pytest.param(
            lambda: tg.roll(tg.ones(3, 3), shifts=(1, 2), dims=(0,)), "2 shifts for 1 dims", id="roll"
        ),
        pytest.param(
            lambda: tg.baddbmm(tg.ones(2, 2, 2), tg.ones(2, 2, 3), tg.ones(2, 2, 2)),
            "do not multiply",
            id="baddbmm",
        ),
        pytest.param(
            lambda: tg.zeros(3).scatter_reduce(0, tg.tensor([0]), tg.ones(1), reduce="bogus"),
            "got 'bogus'",
            id="scatter_reduce",
        ),
        pytest.param(
            lambda: tg.isclose(tg.ones(2), tg.ones(2), rtol=-1), "rtol must be greater than", id="isclose"
        ),
        pytest.param(
            lambda: tg.allclose(tg.ones(2), tg.ones(2), atol=-1), "atol must be greater than", id="allclose"
        ),
    ],
)
def test_function_arguments_pytorch_refuses_raise_its_runtime_error_naming_them(wrong, message):
    with pytest.raises(RuntimeError, match=message):
        wrong()
    with pytest.raises(ValueError):  # what we raised before
        wrong()


def test_allclose_of_float32_and_float64_raises_runtime_error_as_isclose_does():
    for compare in (tg.allclose, tg.isclose):
        with pytest.raises(RuntimeError, match="both tensors need one dtype, got float32 and float64"):
            compare(tg.ones(2), tg.ones(2, dtype=tg.float64))
        with pytest.raises(TypeError):
            compare(tg.ones(2), tg.ones(2, dtype=tg.float64))
    assert tg.allclose(tg.ones(2), 1.0) and tg.allclose(
        tg.ones(2, dtype=tg.float64), tg.ones(2, dtype=tg.float64)
    )


# -- dtype names and the graph drawing ---------------------------------------------------------


def test_type_takes_pytorchs_tensor_type_names_and_names_an_unknown_one():
    assert tg.ones(2).type("torch.DoubleTensor").dtype == tg.float64
    assert tg.ones(2).type("torch.LongTensor").dtype == tg.int64
    assert tg.ones(2).type("torch.ByteTensor").dtype == tg.uint8
    with pytest.raises(TypeError, match="invalid type 'torch.FloatyTensor'"):
        tg.ones(2).type("torch.FloatyTensor")


@pytest.mark.parametrize(
    "arguments, message",
    [
        pytest.param({"names": [1]}, "names must be a dict of name -> Tensor, got list", id="names-list"),
        pytest.param(
            {"names": {"x": [1.0]}}, "names must map str names to Tensors, got 'x': list", id="names-value"
        ),
        pytest.param({"title": 5}, "title must be a str, got int", id="title"),
    ],
)
def test_to_dot_with_names_or_a_title_of_the_wrong_type_raises_type_error_naming_it(arguments, message):
    x = tg.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match=message):
        tg.viz.to_dot((x * 2).sum(), **arguments)


@pytest.mark.parametrize("flag", ["copy", "non_blocking"])
def test_to_with_a_flag_that_is_not_a_bool_raises_type_error_naming_it(flag):
    with pytest.raises(TypeError, match=f"to: {flag} must be a bool, got str 'yes'"):
        tg.ones(2).to(tg.float64, **{flag: "yes"})
    assert tg.ones(2).to(tg.float64, **{flag: True}).dtype == tg.float64


# -- devices (the strict backend stands in for a second device) --------------------------------


def test_assigning_a_grad_from_another_device_names_both_devices_not_the_dtypes(recwarn):
    weight = tg.ones(2, device="cpu", requires_grad=True)
    with pytest.raises(RuntimeError, match="a gradient on strict:0 to a tensor on cpu"):
        weight.grad = tg.ones(2, device="strict")
    assert weight.grad is None and not [w for w in recwarn if "array_api_strict" in str(w.message)]


def test_allclose_of_tensors_on_two_devices_raises_runtime_error_naming_them():
    with pytest.raises(
        RuntimeError, match=r"allclose: tensors are on different devices \(strict:0 and cpu\)"
    ):
        tg.allclose(tg.ones(2, device="strict"), tg.ones(2, device="cpu"))
    assert tg.allclose(tg.ones(2, device="strict"), 1.0)  # a number joins the tensor's device


# -- dtype mismatches PyTorch refuses with RuntimeError (still TypeErrors here) ------------------


def test_where_and_masked_fill_with_an_integer_mask_raise_runtime_error_naming_the_dtype():
    x = tg.ones((2, 2))
    with pytest.raises(RuntimeError, match="boolean tensor, not int64") as caught:
        x.masked_fill(tg.tensor([[1, 0], [0, 1]]), 0.0)
    assert isinstance(caught.value, TypeError)
    with pytest.raises(RuntimeError, match="boolean tensor, not int64"):
        tg.where(tg.tensor([1, 0]), x[0], x[1])


def test_matmul_and_linear_of_float32_with_float64_raise_runtime_error_naming_both():
    x = tg.ones((2, 2))
    with pytest.raises(RuntimeError, match="float32 vs float64") as caught:
        x @ x.double()
    assert isinstance(caught.value, TypeError)
    with pytest.raises(RuntimeError, match="float32 vs float64"):
        tg.nn.functional.linear(x, x.double())


def test_loading_a_folder_raises_is_a_directory_error_as_saving_one_does(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a folder"):
        tg.load(tmp_path)
    with pytest.raises(IsADirectoryError, match="is a folder"):
        tg.save({"w": tg.ones(2)}, tmp_path)
