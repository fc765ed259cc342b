"""PyTorch programs of round 7 (a VAE, a spatial transformer, ridge regression and a Gaussian
process through torch.linalg, weight/spectral-normalised and pruned layers, a CTC recogniser, conv
nets with strides, dilation, groups, ceil-mode pooling and transposed convolutions, a mixture
density network, policy gradients, Hessian-vector products) run unchanged with ``tinygrad_adam``
in place of ``torch`` and take PyTorch's steps from PyTorch's initial weights; the wrong inputs
each program tries raise PyTorch's error types. The programs and PyTorch's record of them are in
tests/fixtures/make_ported_programs_round7.py."""

from __future__ import annotations

import functools

import numpy as np
import ported_rounds
import pytest
from ported_rounds import load_round

import tinygrad_adam as tg

ported, RECORD = load_round("round7")
FLOAT64_PROGRAMS = {"ridge_regression", "gaussian_process", "curvature", "gaussian_fit", "rigid_alignment"}

recorded = functools.partial(ported_rounds.recorded, RECORD)  # (program, kind) -> arrays


@pytest.mark.parametrize("program", list(ported.programs()))
def test_pytorch_program_runs_unchanged_and_takes_pytorchs_steps(program: str) -> None:
    expected = recorded(program, "out")
    data = {**recorded(program, "data"), "init": recorded(program, "init")}
    result = ported.programs()[program](tg, data)
    assert sorted(result) == sorted(expected)
    tolerance = {"rtol": 1e-9, "atol": 1e-10} if program in FLOAT64_PROGRAMS else {"rtol": 1e-4, "atol": 1e-5}
    for name, value in sorted(result.items(), key=lambda item: item[0].startswith("errors.")):  # values first
        ours = np.asarray(value)
        assert ours.shape == expected[name].shape, name
        if name.startswith("errors."):
            kinds = [kind.__name__ for kind in ported.ERROR_KINDS]
            wanted = [kind for kind, flag in zip(kinds, expected[name], strict=True) if flag]
            raised = [kind for kind, flag in zip(kinds, ours, strict=True) if flag]
            # PyTorch's error types must be among ours (ours may also subclass another built-in);
            # where PyTorch raises nothing, neither may we.
            assert set(wanted) <= set(raised) and bool(wanted) == bool(raised), (
                f"{program}: {name}: {raised}, not {wanted}"
            )
        elif ours.dtype.kind in "iub":
            np.testing.assert_array_equal(ours, expected[name], err_msg=f"{program}: {name}")
        else:
            np.testing.assert_allclose(ours, expected[name], **tolerance, err_msg=f"{program}: {name}")


@pytest.mark.parametrize("offset", [0, 2, -1])
@pytest.mark.parametrize(("dim1", "dim2"), [(-2, -1), (0, 2), (3, 1)])
def test_diag_embed_puts_the_last_dim_on_the_offset_diagonal_over_dim1_dim2(
    offset: int, dim1: int, dim2: int
) -> None:
    values = np.arange(24.0).reshape(2, 3, 4)
    size = 4 + abs(offset)
    matrices = np.zeros((2, 3, size, size))
    for i in range(4):
        matrices[..., i + max(-offset, 0), i + max(offset, 0)] = values[..., i]
    expected = np.moveaxis(matrices, (-2, -1), (dim1 % 4, dim2 % 4))
    x = tg.tensor(values, requires_grad=True)
    embedded = tg.diag_embed(x, offset, dim1, dim2)
    np.testing.assert_array_equal(embedded.numpy(), expected)
    (embedded * embedded).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2 * values)
    with pytest.raises(ValueError, match="two different dims"):
        x.diag_embed(dim1=1, dim2=-3)
