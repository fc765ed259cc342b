"""Specifications of the core Tensor API under bad input: each error names the problem.

Each test feeds a constructor, a method or an operator something it cannot use (a string, None, a
float where a count belongs, nan for an integer, an index list of ragged length, a value of the
wrong shape) and says what must happen: an error of a sensible type whose message names the
argument, the shapes, the dtypes or the value, never a NumPy- or backend-internal message and
never a result where PyTorch refuses.
"""

import numpy as np
import pytest

import tinygrad_adam as tg


@pytest.fixture
def x() -> tg.Tensor:
    return tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


@pytest.fixture
def xi() -> tg.Tensor:
    return tg.tensor([[1, 2, 3], [4, 5, 6]])


# -- constructors -------------------------------------------------------------------------------


def test_nan_or_inf_data_for_an_integer_dtype_is_refused() -> None:
    with pytest.raises(ValueError, match="nan or inf.*int64"):
        tg.tensor([1.0, float("nan")], dtype=tg.int64)
    assert tg.tensor([float("nan")], dtype=tg.bool_).numpy().tolist() == [True]  # as PyTorch


def test_strings_with_a_dtype_name_the_dtype_not_a_numpy_parse_error() -> None:
    with pytest.raises(TypeError, match="unsupported dtype <U1"):
        tg.tensor(["a"], dtype=tg.float32)


def test_dtypes_wider_than_64_bits_are_refused() -> None:
    with pytest.raises(TypeError, match="unsupported dtype float128"):
        tg.tensor(np.ones(2, dtype=np.longdouble))
    with pytest.raises(TypeError, match="unsupported dtype float128"):
        tg.tensor([1.0]).astype(np.longdouble)


def test_requires_grad_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="requires_grad must be a bool, got 'yes'"):
        tg.tensor([1.0], requires_grad="yes")
    with pytest.raises(TypeError, match="requires_grad must be a bool"):
        tg.zeros(2, requires_grad="yes")
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        tg.tensor([1, 2]).requires_grad_()


def test_sizes_beyond_64_bits_name_the_size() -> None:
    with pytest.raises(ValueError, match="size 1180591620717411303424 .* too large"):
        tg.zeros(2**70)
    with pytest.raises(ValueError, match="too large"):
        tg.ones(6).reshape(2**70)


def test_like_constructors_need_a_tensor() -> None:
    with pytest.raises(TypeError, match="zeros_like: input must be a Tensor, got list"):
        tg.zeros_like([1.0, 2.0])
    with pytest.raises(TypeError, match="ones_like: input must be a Tensor, got NoneType"):
        tg.ones_like(None)
    for like in (tg.empty_like, tg.rand_like, tg.randn_like):
        with pytest.raises(TypeError, match="input must be a Tensor"):
            like((2, 3))
    with pytest.raises(TypeError, match="full_like: input must be a Tensor"):
        tg.full_like([1.0], 0.0)


def test_fill_values_must_be_numbers() -> None:
    with pytest.raises(TypeError, match="full: the value must be a number, got str"):
        tg.full((2,), "a")
    with pytest.raises(ValueError, match="full: .* one-element tensor, got shape \\(2,\\)"):
        tg.full((2,), tg.tensor([1.0, 2.0]))
    assert tg.full((2,), tg.tensor(3.0)).numpy().tolist() == [3.0, 3.0]
    with pytest.raises(OverflowError, match="too large"):
        tg.full((2,), 2**70)
    with pytest.raises(TypeError, match="new_full: the value must be a number"):
        tg.ones(2).new_full((2,), None)
    with pytest.raises(ValueError, match="new_full: sizes must be non-negative, got \\(-2,\\)"):
        tg.ones(2).new_full((-2,), 1.0)


def test_arange_checks_its_numbers_and_the_step_direction() -> None:
    with pytest.raises(TypeError, match="arange: end must be a number, got None"):
        tg.arange(None)
    with pytest.raises(TypeError, match="arange: end must be a number, got '5'"):
        tg.arange("5")
    with pytest.raises(ValueError, match="arange: end must be finite, got nan"):
        tg.arange(0, float("nan"))
    with pytest.raises(ValueError, match="arange: end must be finite, got inf"):
        tg.arange(float("inf"))
    with pytest.raises(ValueError, match="step must not be zero"):
        tg.arange(0, 5, 0)
    with pytest.raises(ValueError, match="step 1 leads away from end 0"):
        tg.arange(5, 0, 1)
    assert tg.arange(5, 0, -2).numpy().tolist() == [5, 3, 1]
    assert tg.arange(3, 3).shape == (0,)
    assert tg.arange(tg.tensor(3)).dtype == tg.int64  # a one-element tensor counts as its number


def test_counts_of_eye_linspace_randperm_are_non_negative_integers() -> None:
    with pytest.raises(TypeError, match="linspace: steps must be an integer, got 2.5"):
        tg.linspace(0, 1, 2.5)
    with pytest.raises(TypeError, match="linspace: steps must be an integer, got nan"):
        tg.linspace(0, 1, float("nan"))
    with pytest.raises(ValueError, match="linspace: steps must be non-negative, got -1"):
        tg.linspace(0, 1, -1)
    with pytest.raises(TypeError, match="linspace: end must be a number"):
        tg.linspace(0, "1", 3)
    with pytest.raises(TypeError, match="eye: n must be an integer, got 2.5"):
        tg.eye(2.5)
    with pytest.raises(ValueError, match="eye: m must be non-negative, got -1"):
        tg.eye(2, -1)
    with pytest.raises(TypeError, match="randperm: n must be an integer, got '3'"):
        tg.randperm("3")


def test_randint_bounds_are_integers_in_the_int64_range() -> None:
    with pytest.raises(TypeError, match="randint: low must be an integer, got 0.5"):
        tg.randint(0.5, 5, (3,))
    with pytest.raises(ValueError, match="randint: high .* beyond the int64 range"):
        tg.randint(0, 2**70, (3,))
    with pytest.raises(ValueError, match="high \\(0\\) must be greater than low \\(5\\)"):
        tg.randint(5, 0, (3,))


# -- operators and methods ------------------------------------------------------------------------


def test_integers_beyond_64_bits_in_arithmetic_are_an_overflow_that_names_them(xi: tg.Tensor) -> None:
    with pytest.raises(OverflowError, match="integer 1180591620717411303424 is too large"):
        xi + 2**70
    assert (tg.tensor([200], dtype=tg.uint8) + 100).numpy().tolist() == [44]  # wraps, as PyTorch


def test_bitwise_operators_refuse_floats_by_name(x: tg.Tensor, xi: tg.Tensor) -> None:
    with pytest.raises(TypeError, match="and needs boolean or integer tensors, got float32 and float32"):
        x & x
    with pytest.raises(TypeError, match="or needs boolean or integer tensors, got int64 and float32"):
        xi | x
    with pytest.raises(TypeError, match="xor needs boolean or integer"):
        (x > 2) ^ 1.5
    assert ((x > 2) & (x < 5)).numpy().tolist() == [[False, False, True], [True, False, False]]


def test_abs_relu_and_matmul_of_masks_are_refused_on_every_device(x: tg.Tensor) -> None:
    mask = x > 2
    with pytest.raises(TypeError, match="abs of a boolean tensor"):
        mask.abs()
    with pytest.raises(TypeError, match="relu of a boolean tensor"):
        mask.relu()
    with pytest.raises(TypeError, match="matmul of boolean tensors"):
        mask @ mask.T


def test_clip_bounds_must_be_numbers_or_tensors(x: tg.Tensor) -> None:
    with pytest.raises(TypeError, match="clip: min must be a number or a Tensor, got 'a'"):
        x.clip("a")
    with pytest.raises(TypeError, match="clip: max must be a number or a Tensor, got None|clip: max"):
        x.clip(0, [1])


def test_keepdim_must_be_a_bool(x: tg.Tensor) -> None:
    with pytest.raises(TypeError, match="sum: keepdim must be a bool, got 'yes'"):
        x.sum(0, keepdim="yes")
    assert x.sum(0, keepdim=np.True_).shape == (1, 3)


def test_an_empty_dim_list_reduces_every_axis_as_pytorch(x: tg.Tensor) -> None:
    assert x.mean(dim=[]).item() == pytest.approx(3.5)
    assert x.sum(dim=()).item() == 21.0


def test_mean_refuses_an_integer_dtype(x: tg.Tensor) -> None:
    with pytest.raises(TypeError, match="mean: dtype must be a floating-point dtype, got int64"):
        x.mean(dtype=tg.int64)


def test_expand_minus_one_only_keeps_an_existing_size() -> None:
    with pytest.raises(ValueError, match=r"cannot expand shape \(3,\) to \(-1, 3\)"):
        tg.ones(3).expand(-1, 3)
    with pytest.raises(ValueError, match="sizes must be non-negative"):
        tg.ones(2, 3).expand(-2, 3)
    assert tg.ones(1, 3).expand(2, -1).shape == (2, 3)


def test_integer_arguments_of_spellings_refuse_floats(x: tg.Tensor) -> None:
    with pytest.raises(TypeError, match="narrow: start must be an integer, got 0.5"):
        x.narrow(1, 0.5, 1)
    with pytest.raises(TypeError, match="tril: diagonal must be an integer, got 0.5"):
        x.tril(0.5)
    with pytest.raises(TypeError, match="diag: diagonal must be an integer, got 0.5"):
        x.diag(0.5)
    with pytest.raises(TypeError, match="round: decimals must be an integer, got 0.5"):
        x.round(0.5)


def test_products_take_lists_and_refuse_other_objects_by_name() -> None:
    v = tg.tensor([1.0, 2.0, 3.0])
    assert v.dot([1.0, 1.0, 1.0]).item() == 6.0
    assert v.outer([1.0, 2.0]).shape == (3, 2)
    with pytest.raises(TypeError, match="dot: the other operand must be a Tensor, got str"):
        v.dot("abc")
    with pytest.raises(TypeError, match="mm: the other operand must be a Tensor, got NoneType"):
        tg.ones(2, 2).mm(None)


def test_einsum_needs_a_string_equation() -> None:
    with pytest.raises(TypeError, match="einsum: the equation must be a string"):
        tg.einsum(5, tg.ones(2))


def test_allclose_names_shapes_that_do_not_broadcast(x: tg.Tensor) -> None:
    with pytest.raises(ValueError, match=r"allclose: shapes \(2, 3\) and \(4,\) cannot be broadcast"):
        tg.allclose(x, tg.ones(4))


# -- in-place changes and indexing ------------------------------------------------------------------


def test_fill_takes_one_number_and_no_nan_for_integers(x: tg.Tensor, xi: tg.Tensor) -> None:
    with pytest.raises(TypeError, match="fill_: the value must be a number, got str"):
        x.clone().fill_("a")
    with pytest.raises(TypeError, match="fill_: the value must be a number, got NoneType"):
        x.clone().fill_(None)
    with pytest.raises(ValueError, match=r"fill_: .* one-element tensor, got shape \(2,\)"):
        x.clone().fill_(tg.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="fill_: nan cannot be converted to the integer dtype int64"):
        xi.clone().fill_(float("nan"))
    assert x.clone().fill_(tg.tensor(7.0)).numpy().max() == 7.0


def test_masked_fill_value_must_be_a_number(x: tg.Tensor, xi: tg.Tensor) -> None:
    with pytest.raises(TypeError, match="masked_fill: the value must be a number, got NoneType"):
        x.masked_fill(x > 2, None)
    with pytest.raises(TypeError, match="masked_fill: the value must be a number, got str"):
        x.masked_fill(x > 2, "a")
    with pytest.raises(OverflowError, match="masked_fill: the integer .* too large"):
        xi.masked_fill(xi > 2, 2**70)


def test_setitem_names_nan_for_integers_and_a_value_that_does_not_fit(x: tg.Tensor, xi: tg.Tensor) -> None:
    target = xi.clone()
    with pytest.raises(ValueError, match="__setitem__: nan cannot be converted to the integer dtype"):
        target[0] = float("nan")
    target[0] = 2.7  # a finite float into integers truncates, as in PyTorch
    assert target.numpy()[0].tolist() == [2, 2, 2]
    with pytest.raises(ValueError, match=r"__setitem__: a value of shape \(4,\) does not fit .* \(2, 3\)"):
        x.clone()[0] = tg.ones(4)


def test_a_ragged_index_list_is_an_index_error(x: tg.Tensor) -> None:
    with pytest.raises(IndexError, match="index list must not be ragged"):
        x[([[0, 1], [0]],)]  # one ragged list for one dimension
    # A list of lists is one index per dimension, as PyTorch reads it (with its warning): x[[0, 1], [0]].
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        assert x[[[0, 1], [0]]].shape == (2,)


def test_out_of_bounds_indices_name_the_index_and_the_size(x: tg.Tensor) -> None:
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 2"):
        x[tg.tensor([0, 5])]
    with pytest.raises(IndexError, match="index 7 is out of bounds for axis 1 with size 3"):
        x.index_select(1, tg.tensor([7]))
    with pytest.raises(IndexError, match="must be integer or boolean, not float32"):
        x[tg.tensor([0.0])]


# -- autograd ---------------------------------------------------------------------------------------------


def test_backward_inputs_and_grad_outputs_must_be_tensors() -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="backward: inputs must be a Tensor or a sequence of Tensors"):
        (w * 2).sum().backward(inputs=["w"])
    with pytest.raises(TypeError, match="grad: outputs must be a Tensor or a sequence of Tensors"):
        tg.grad("loss", [w])


def test_retain_grad_needs_a_tensor_that_requires_grad() -> None:
    with pytest.raises(RuntimeError, match="retain_grad on a tensor that has requires_grad=False"):
        tg.ones(2).retain_grad()


def test_gradcheck_names_a_bad_function_eps_or_output() -> None:
    a = tg.tensor([1.0, 2.0], dtype=tg.float64)
    with pytest.raises(TypeError, match="gradcheck: fn must be a function of the input tensors, got int"):
        tg.gradcheck(5, [a])
    with pytest.raises(ValueError, match="gradcheck: eps must be a positive number, got -1"):
        tg.gradcheck(lambda t: t.sum(), [a], eps=-1)
    with pytest.raises(TypeError, match="gradcheck: fn must return a floating-point Tensor, got float"):
        tg.gradcheck(lambda t: 1.0, [a])
    assert tg.gradcheck(lambda t: (t * t).sum(), a)  # one tensor as well as a list


# -- round two: *_as, random refills, NumPy memory, byte order ------------------------------------------


def test_as_spellings_need_a_tensor(x: tg.Tensor) -> None:
    with pytest.raises(TypeError, match="expand_as: other must be a Tensor, got list"):
        x.expand_as([1, 2])
    with pytest.raises(TypeError, match="type_as: other must be a Tensor, got NoneType"):
        x.type_as(None)
    with pytest.raises(TypeError, match="view_as: other must be a Tensor, got str"):
        x.view_as("a")


def test_random_refills_check_their_parameters(x: tg.Tensor) -> None:
    with pytest.raises(ValueError, match="normal_: std must be >= 0, got -1.0"):
        x.clone().normal_(std=-1.0)
    with pytest.raises(TypeError, match="normal_: mean must be a number, got 'a'"):
        x.clone().normal_(mean="a")
    with pytest.raises(ValueError, match=r"uniform_: the range \[a, b\) needs a <= b, got a=1.0 > b=0.0"):
        x.clone().uniform_(1.0, 0.0)
    with pytest.raises(ValueError, match="uniform_: b must be finite, got nan"):
        x.clone().uniform_(0.0, float("nan"))


def test_in_place_ops_on_a_from_numpy_tensor_change_the_array_too() -> None:
    array = np.zeros(3, dtype=np.float32)
    t = tg.from_numpy(array)
    t.add_(1)
    t.mul_(3)
    t[0] = 7
    assert array.tolist() == [7.0, 3.0, 3.0]
    assert t.numpy().tolist() == [7.0, 3.0, 3.0]


def test_a_read_only_array_refuses_writes_by_name() -> None:
    array = np.zeros(3, dtype=np.float32)
    array.flags.writeable = False
    t = tg.from_numpy(array)
    with pytest.raises(RuntimeError, match="read-only"):
        t.add_(1)
    with pytest.raises(RuntimeError, match="__setitem__: this tensor's memory is read-only"):
        t[0] = 1.0
    copy = tg.tensor(array)  # a copy is writable
    copy += 1
    assert array.tolist() == [0.0, 0.0, 0.0]


def test_big_endian_data_is_copied_in_native_order_and_from_numpy_refuses_it() -> None:
    data = np.arange(3, dtype=">f4")
    t = tg.tensor(data)
    assert t.dtype == tg.float32
    assert (t + tg.ones(3)).numpy().tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match=r"from_numpy: the array's byte order \(>f4\)"):
        tg.from_numpy(data)


def test_squeeze_and_max_check_dims_and_keepdim(x: tg.Tensor) -> None:
    with pytest.raises(ValueError, match=r"squeeze: dims \(0, 0\) name an axis more than once"):
        x.squeeze((0, 0))
    with pytest.raises(TypeError, match="max: keepdim must be a bool, got 'y'"):
        x.max(0, keepdim="y")


def test_lerp_takes_a_mask_weight_as_zero_or_one(x: tg.Tensor) -> None:
    end = x + 10
    assert x.lerp(end, tg.tensor(True)).numpy().tolist() == end.numpy().tolist()
    assert x.lerp(end, tg.tensor(False)).numpy().tolist() == x.numpy().tolist()


def test_switch_arguments_must_be_bools(x: tg.Tensor) -> None:
    with pytest.raises(TypeError, match="argsort: descending must be a bool, got 'yes'"):
        x.sort(descending="yes")
    with pytest.raises(TypeError, match="topk: largest must be a bool, got 'no'"):
        x.topk(1, largest="no")
    with pytest.raises(TypeError, match="nonzero: as_tuple must be a bool"):
        x.nonzero(as_tuple="yes")
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="backward: retain_graph must be a bool, got 'x'"):
        (w * 2).sum().backward(retain_graph="x")


def test_python_integers_beyond_int64_are_an_overflow_not_a_uint64_or_a_ragged_list() -> None:
    with pytest.raises(OverflowError, match="above the int64 maximum"):
        tg.tensor(2**63)
    with pytest.raises(OverflowError, match="beyond 64 bits"):
        tg.tensor([1, 2**64])
    with pytest.raises(OverflowError, match="beyond 64 bits"):
        tg.tensor(-(2**63) - 1)
    assert tg.tensor(2**63, dtype=np.uint64).item() == 2**63  # asked for explicitly


def test_a_mask_assignment_with_the_wrong_count_names_the_shapes(x: tg.Tensor) -> None:
    target = x.clone()
    with pytest.raises(ValueError, match=r"__setitem__: a value of shape \(2,\) does not fit"):
        target[target > 2] = tg.tensor([9.0, 8.0])
