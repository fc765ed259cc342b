"""Fresh-eyes review of session 9's additions: behaviours found differing from PyTorch 2.13, fixed."""

import subprocess
import sys
import types

import numpy as np
import pytest

import tinygrad_adam as tg


def test_the_package_namespace_holds_no_helper_modules_of_its_own_imports() -> None:
    """``tg.np``, ``tg.math``, ``tg.importlib`` and ``tg.Any`` are not PyTorch names: the package's
    own imports stay private, while PyTorch's constants and dtypes are still there."""
    for leaked in ("np", "math", "importlib", "Any", "annotations"):
        assert not hasattr(tg, leaked), leaked
    assert tg.pi == np.pi and tg.inf == np.inf and tg.newaxis is None and tg.dtype is np.dtype
    assert tg.float is tg.float32 and tg.long is tg.int64


def test_import_loads_neither_nn_optim_nor_numba() -> None:
    code = (
        "import sys, tinygrad_adam as tg\n"
        "print([m for m in ('tinygrad_adam.nn', 'tinygrad_adam.optim', 'numba') if m in sys.modules])"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
    public_modules = [
        name
        for name in dir(tg)
        if not name.startswith("_") and isinstance(getattr(tg, name), types.ModuleType)
    ]
    assert "np" not in public_modules and "math" not in public_modules


@pytest.mark.parametrize("join", ["hstack", "vstack", "dstack", "column_stack", "row_stack"])
def test_joining_nothing_is_pytorchs_runtime_error(join: str) -> None:
    with pytest.raises(RuntimeError, match="non-empty"):
        getattr(tg, join)([])
    with pytest.raises(ValueError, match="non-empty"):  # the kind it raised before, kept
        getattr(tg, join)(())


def test_a_negative_size_in_broadcast_shapes_is_pytorchs_value_error() -> None:
    with pytest.raises(ValueError, match="negative dimension"):
        tg.broadcast_shapes((-1,), (1,))
    with pytest.raises(RuntimeError, match="negative dimension"):  # the kind it raised before, kept
        tg.broadcast_shapes((2, -3))


@pytest.mark.parametrize("op", ["histogram", "histogramdd"])
def test_a_histogram_of_integers_is_pytorchs_not_implemented_error(op: str) -> None:
    integers = tg.arange(6).reshape(3, 2)
    with pytest.raises(NotImplementedError, match="floating-point"):
        getattr(tg, op)(integers)
    with pytest.raises(TypeError, match="floating-point"):  # the kind it raised before, kept
        getattr(tg, op)(integers)


@pytest.mark.parametrize("op", ["median", "nanmedian"])
def test_the_median_of_no_entries_is_nan_and_keeps_its_gradient_path(op: str) -> None:
    empty = tg.zeros(0, 3, requires_grad=True)
    result = getattr(empty, op)()
    assert result.shape == () and np.isnan(result.item())
    result.backward()
    assert empty.grad.shape == (0, 3)


@pytest.mark.parametrize("op", ["median", "nanmedian"])
def test_a_median_along_an_empty_dim_is_pytorchs_index_error(op: str) -> None:
    with pytest.raises(IndexError, match="reduction dim 1 to have non-zero size"):
        getattr(tg.zeros(2, 0), op)(1)
    values, indices = getattr(tg.zeros(2, 0), op)(0)  # reducing the non-empty dim: empty results
    assert values.shape == (0,) and indices.shape == (0,)


def test_median_and_nanmedian_differ_only_in_skipping_nan() -> None:
    x = tg.tensor([[1.0, float("nan"), 3.0, 0.5], [2.0, 4.0, 6.0, 8.0]])
    assert np.isnan(x.median().item()) and x.nanmedian().item() == 3.0
    median, nanmedian = x.median(1), x.nanmedian(1, keepdim=True)
    np.testing.assert_array_equal(median.values.numpy(), [np.nan, 4.0])
    np.testing.assert_array_equal(median.indices.numpy(), [1, 1])
    np.testing.assert_array_equal(nanmedian.values.numpy(), [[1.0], [4.0]])
    np.testing.assert_array_equal(nanmedian.indices.numpy(), [[0], [1]])


def test_finfo_resolution_is_exactly_ten_to_the_minus_precision() -> None:
    assert tg.finfo(tg.float16).resolution == 0.001
    assert tg.finfo(tg.float32).resolution == 1e-06
    assert tg.finfo(tg.float64).resolution == 1e-15


def test_where_with_only_a_condition_gives_the_indices_where_it_holds() -> None:
    mask = tg.tensor([[1.0, -2.0], [0.0, 3.0]]) > 0
    rows, columns = tg.where(mask)
    np.testing.assert_array_equal(rows.numpy(), [0, 1])
    np.testing.assert_array_equal(columns.numpy(), [0, 1])
    assert rows.dtype == tg.int64
    (empty,) = tg.where(tg.zeros(0) > 0)
    assert empty.shape == (0,)


def test_a_retained_gradient_is_filled_by_grad_and_backward_with_inputs_too() -> None:
    """PyTorch fills ``h.grad`` of a ``retain_grad()`` tensor on the way, whatever the pass asks for,
    and a retained tensor asked for as an input gets its gradient once, not twice."""
    x, w = tg.ones(2, 3, requires_grad=True), tg.ones(3, 1, requires_grad=True)
    h = x @ w
    h.retain_grad()
    y = (h * 2).sum()
    tg.autograd.grad(y, [h], retain_graph=True)
    np.testing.assert_array_equal(h.grad.numpy(), [[2.0], [2.0]])
    tg.autograd.grad(y, [x], retain_graph=True)
    np.testing.assert_array_equal(h.grad.numpy(), [[4.0], [4.0]])
    y.backward(inputs=[h], retain_graph=True)
    np.testing.assert_array_equal(h.grad.numpy(), [[6.0], [6.0]])
    y.backward(inputs=[w])
    np.testing.assert_array_equal(h.grad.numpy(), [[8.0], [8.0]])
    np.testing.assert_array_equal(w.grad.numpy(), [[4.0], [4.0], [4.0]])
    assert x.grad is None


def test_as_tensor_and_asarray_share_a_numpy_arrays_memory_on_the_cpu_as_pytorch() -> None:
    array = np.arange(3.0)
    shared, asked_shared = tg.as_tensor(array, device="cpu"), tg.asarray(array, device="cpu", copy=False)
    copied, converted = tg.asarray(array, device="cpu", copy=True), tg.as_tensor(array, dtype=tg.float32)
    array[0] = 7.0
    assert shared.numpy()[0] == 7.0 and asked_shared.numpy()[0] == 7.0
    assert copied.numpy()[0] == 0.0 and converted.numpy()[0] == 0.0
    with pytest.raises(ValueError, match="copy=False"):
        tg.asarray(array, dtype=tg.float32, copy=False)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_functional_softmaxes_take_pytorchs_dtype_argument(name: str) -> None:
    x = tg.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 0.0]], requires_grad=True)
    function = getattr(tg.nn.functional, name)
    widened = function(x, 1, dtype=tg.float64)
    assert widened.dtype == tg.float64
    np.testing.assert_allclose(widened.numpy(), function(x.double(), 1).numpy())
    assert function(x, -1, 3, tg.float64).dtype == tg.float64  # positionally, after _stacklevel
    widened.sum().backward()
    assert x.grad.dtype == tg.float32
