"""Fresh-eyes review of session 10's additions: each test pins a fix, against values PyTorch 2.13
gives (quoted in the test) or an identity the result must satisfy."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_adam as tg


def test_lu_of_matrices_with_no_pivots_is_empty_factors_as_pytorch() -> None:
    # torch.linalg.lu(torch.zeros(3, 0)): P = I₃, L (3, 0), U (0, 0); a (2, 0, 0) batch likewise.
    P, L, U = tg.linalg.lu(tg.zeros(3, 0))
    np.testing.assert_array_equal(P.numpy(), np.eye(3, dtype=np.float32))
    assert L.shape == (3, 0) and U.shape == (0, 0)
    P, L, U = tg.linalg.lu(tg.zeros(2, 0, 0))
    assert P.shape == (2, 0, 0) and L.shape == (2, 0, 0) and U.shape == (2, 0, 0)


def test_gammaincc_keeps_the_digits_of_a_small_upper_tail() -> None:
    # Q(1, x) = e⁻ˣ: PyTorch gives 1.9287e-22 at x = 50 (1 − (1 − Q) rounded it to 0).
    a = tg.tensor([1.0, 1.0, 5.0], dtype=tg.float64)
    x = tg.tensor([50.0, 700.0, 40.0], dtype=tg.float64)
    q = tg.special.gammaincc(a, x).numpy()
    np.testing.assert_allclose(q[:2], [math.exp(-50.0), math.exp(-700.0)], rtol=1e-12)
    closed_form = math.exp(-40.0) * sum(40.0**k / math.factorial(k) for k in range(5))  # Q(5, x), a whole
    np.testing.assert_allclose(q[2], closed_form, rtol=1e-12)


def test_a_list_of_large_float64_scalars_is_a_float64_tensor() -> None:
    # torch.tensor([torch.tensor(1e20, dtype=torch.float64), ...]) is float64; the check for Python
    # integers past int64 took the 0-d tensors' values for such integers.
    values = [tg.tensor(1e20, dtype=tg.float64), tg.tensor(1.0, dtype=tg.float64)]
    made = tg.tensor(values)
    assert made.dtype == tg.float64
    np.testing.assert_array_equal(made.numpy(), [1e20, 1.0])
    with pytest.raises(ValueError):  # Python integers past int64 are still refused, as PyTorch
        tg.tensor([1, 2**63])


def test_transpose_with_one_dim_is_pytorchs_type_error() -> None:
    x = tg.ones(2, 3)
    for dims in ((0,), (-2,)):  # -2 alone was taken for (-2, -1)
        with pytest.raises(TypeError, match="dim1"):
            x.transpose(*dims)
    assert x.transpose().shape == (3, 2)  # both left out: the last two, as before


def test_out_of_place_resize_keeps_the_number_of_elements_for_every_tensor() -> None:
    # PyTorch's Tensor.resize is autograd's Resize for every tensor: arange(6.).resize(2, 2) is its
    # RuntimeError with or without requires_grad (a copy of 4 elements came back here).
    x = tg.arange(6.0)
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="preserving the number of elements"):
        x.resize(2, 2)
    with pytest.warns(UserWarning):
        np.testing.assert_array_equal(x.resize(3, 2).numpy(), np.arange(6.0).reshape(3, 2))


def test_unique_along_a_dim_refuses_other_empty_dims_as_pytorch() -> None:
    # torch.zeros(3, 0).unique(dim=0): "There are 0 sized dimensions, and they aren't selected".
    for shape in ((3, 0), (0, 0)):
        with pytest.raises(RuntimeError):
            tg.zeros(*shape).unique(dim=0)
    assert tg.zeros(0, 3).unique(dim=0).shape == (0, 3)  # the selected dim may be empty


def test_drop_warning_names_the_target_when_rows_lack_a_label(tmp_path) -> None:
    # It named feature 'a' ("missing on 0 of them: ignore=['a'] keeps those rows"), which keeps none.
    path = tmp_path / "labels.csv"
    path.write_text("a,b,y\n1,2,\n3,4,\n5,6,1\n7,8,\n9,1,0\n")
    with pytest.warns(
        UserWarning, match=r"the target column 'y' \(index 2\) is missing on 3 of them"
    ) as caught:
        x, y = tg.datasets.load_csv(path, missing="drop")
    assert "ignore=" not in str(caught[0].message)
    np.testing.assert_array_equal(y, [1, 0])


def test_fit_reads_integer_labels_as_floats_for_every_spelling_of_the_binary_loss() -> None:
    # c279d6c cast them for BCEWithLogitsLoss() by its type's name: a subclass or the functional form
    # then raised the dtype error on 0/1 labels that fit trained on before.
    from tinygrad_adam.data import DataLoader, TensorDataset

    class WeightedLoss(tg.nn.BCEWithLogitsLoss):
        pass

    tg.manual_seed(0)
    x = tg.randn(8, 3)
    labels = (x[:, :1] > 0).astype(tg.int64)
    for loss in (WeightedLoss(), tg.nn.functional.binary_cross_entropy_with_logits):
        model = tg.nn.Linear(3, 1)
        optimizer = tg.optim.SGD(model.parameters(), lr=0.1)
        loader = DataLoader(TensorDataset(x, labels), batch_size=4)
        history = tg.fit(model, loss, optimizer, loader, epochs=1, verbose=False)
        assert np.isfinite(history.history["loss"][0])


def test_contiguous_in_channels_last_gives_what_is_contiguous_asks() -> None:
    # PyTorch: x.contiguous(memory_format=channels_last).is_contiguous(memory_format=channels_last) is
    # True (strides (24, 1, 8, 2)); since is_contiguous reads the strides, contiguous must lay them out.
    x = tg.arange(24.0).reshape(1, 2, 3, 4).requires_grad_()
    for made in (x.contiguous(memory_format=tg.channels_last), x.to(memory_format=tg.channels_last)):
        assert made.is_contiguous(memory_format=tg.channels_last) and not made.is_contiguous()
        assert made.stride()[1:] == (1, 8, 2)
        np.testing.assert_array_equal(made.detach().numpy(), x.detach().numpy())
    (x.contiguous(memory_format=tg.channels_last) * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((1, 2, 3, 4), 2.0))
    with pytest.raises(RuntimeError, match="rank 4"):
        tg.ones(2, 3).contiguous(memory_format=tg.channels_last)


def test_shape_changes_in_place_on_a_graph_tensor_are_recorded_as_pytorch() -> None:
    # logits.squeeze_(-1) after a model and y.t_() were refused on graph tensors; PyTorch records them.
    x = tg.ones(2, 3, requires_grad=True)
    y = x * tg.arange(6.0).reshape(2, 3)
    assert y.t_() is y and y.shape == (3, 2)
    (y * tg.arange(6.0).reshape(3, 2)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 2, 8], [3, 12, 25]])  # PyTorch's
    x = tg.ones(2, 1, requires_grad=True)
    logits = x * 2
    logits.squeeze_(-1).unsqueeze_(0).mul_(tg.tensor([[3.0, 4.0]]))
    logits.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[6], [8]])
    with pytest.raises(RuntimeError):  # a node that saved the tensor refuses, as PyTorch's Exp
        x = tg.ones(2, 3, requires_grad=True)
        y = x.exp()
        y.t_()
        y.sum().backward()
    with pytest.raises(RuntimeError):  # a leaf that requires grad, as PyTorch
        tg.ones(2, 3, requires_grad=True).t_()


def test_gammainc_of_integer_orders_and_a_fractional_number_does_not_truncate_it() -> None:
    # gammainc(tensor([1, 2]), 2.5) read 2.5 as int64 2, then refused "int64 and int64".
    from_number = tg.special.gammainc(tg.tensor([1, 2]), 2.5)
    from_tensor = tg.special.gammainc(tg.tensor([1.0, 2.0]), tg.tensor([2.5, 2.5]))
    np.testing.assert_allclose(from_number.numpy(), from_tensor.numpy(), rtol=1e-6)
    np.testing.assert_allclose(from_number.numpy()[0], 1 - math.exp(-2.5), rtol=1e-6)  # P(1, x) = 1 − e⁻ˣ
