"""tg.linalg's decompositions, inverses and solves as torch.linalg's: values and gradients against
torch 2.13 (tests/fixtures/make_linalg_reference.py), gradcheck in float64, and bad inputs."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import linalg as LA

REF = np.load(Path(__file__).parent / "fixtures" / "linalg_reference.npz")


def weights(shape: tuple[int, ...]) -> np.ndarray:
    """The output weights of the fixture script's loss."""
    size = int(np.prod(shape, dtype=np.int64))
    return np.cos(np.arange(size, dtype=np.float64)).reshape(shape)


CASES = {
    "inv": lambda a: LA.inv(a),
    "det": lambda a: LA.det(a),
    "det_singular": lambda a: LA.det(a),
    "slogdet": lambda a: LA.slogdet(a).logabsdet,
    "logdet": lambda a: tg.logdet(a),
    "solve": lambda a, b: LA.solve(a, b),
    "solve_vector_batch": lambda a, b: LA.solve(a, b),
    "solve_broadcast": lambda a, b: LA.solve(a, b),
    "solve_right": lambda a, b: LA.solve(a, b, left=False),
    "cholesky": lambda a: LA.cholesky(a),
    "cholesky_upper": lambda a: LA.cholesky(a, upper=True),
    "qr_tall": lambda a: tuple(LA.qr(a)),
    "qr_wide": lambda a: tuple(LA.qr(a)),
    "qr_square_batch": lambda a: tuple(LA.qr(a)),
    "eigh": lambda a: (lambda r: (r.eigenvalues, r.eigenvectors**2))(LA.eigh(a)),
    "eigh_upper": lambda a: (lambda r: (r.eigenvalues, r.eigenvectors**2))(LA.eigh(a, UPLO="U")),
    "eigvalsh": lambda a: LA.eigvalsh(a),
    "svd_tall": lambda a: (lambda r: (r.U**2, r.S, r.Vh**2))(LA.svd(a, full_matrices=False)),
    "svd_wide": lambda a: (lambda r: (r.U**2, r.S, r.Vh**2))(LA.svd(a, full_matrices=False)),
    "svd_batch": lambda a: (lambda r: (r.U**2, r.S, r.Vh**2))(LA.svd(a)),
    "svdvals": lambda a: LA.svdvals(a),
    "pinv_tall": lambda a: LA.pinv(a),
    "pinv_wide": lambda a: LA.pinv(a),
    "pinv_hermitian": lambda a: LA.pinv(a, hermitian=True),
    "norm_nuc": lambda a: LA.matrix_norm(a, "nuc"),
    "norm_2": lambda a: LA.matrix_norm(a, 2),
    "norm_minus2": lambda a: LA.matrix_norm(a, -2),
    "norm_1": lambda a: LA.matrix_norm(a, 1),
    "norm_inf": lambda a: LA.matrix_norm(a, math.inf),
    "norm_minus1_keepdim": lambda a: LA.matrix_norm(a, -1, dim=(0, 2), keepdim=True),
    "norm_2_of_2d": lambda a: LA.norm(a, 2),
    "cond": lambda a: LA.cond(a),
    "cond_1": lambda a: LA.cond(a, 1),
    "matrix_power_3": lambda a: LA.matrix_power(a, 3),
    "matrix_power_minus2": lambda a: a.matrix_power(-2),
    "matrix_exp": lambda a: LA.matrix_exp(a),
    "matrix_exp_large": lambda a: tg.matrix_exp(a),
    "lstsq": lambda a, b: LA.lstsq(a, b).solution,
    "cholesky_solve": lambda b, l: tg.cholesky_solve(b, l),
    "cholesky_inverse": lambda l: l.cholesky_inverse(),
    "multi_dot": lambda a, b, c: LA.multi_dot([a, b, c]),
    "solve_triangular": lambda a, b: LA.solve_triangular(a, b, upper=True),
    "diagonal": lambda a: LA.diagonal(a, offset=1),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_torch(name):
    count = sum(1 for key in REF.files if key.startswith(f"{name}/in"))
    leaves = [tg.tensor(REF[f"{name}/in{i}"], requires_grad=True) for i in range(count)]
    outputs = CASES[name](*leaves)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    loss = None
    for j, out in enumerate(outputs):
        assert out.dtype == tg.float64
        np.testing.assert_allclose(
            out.numpy(), REF[f"{name}/out{j}"], rtol=1e-7, atol=1e-9, err_msg=f"out{j}"
        )
        term = (out * tg.tensor(weights(out.shape))).sum()
        loss = term if loss is None else loss + term
    grads = tg.grad(loss, leaves)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(
            g.numpy(), REF[f"{name}/grad{i}"], rtol=1e-6, atol=1e-8, err_msg=f"grad{i}"
        )


def test_float32_stays_float32():
    a = tg.tensor(REF["float32/in"])
    for result, expected in [(LA.inv(a), "inv"), (LA.svdvals(a), "svdvals"), (LA.det(a), "det")]:
        assert result.dtype == tg.float32
        np.testing.assert_allclose(result.numpy(), REF[f"float32/{expected}"], rtol=1e-4, atol=1e-5)
    spd = a @ a.mT + 3 * tg.eye(3)
    for out in (
        LA.cholesky(spd),
        *LA.eigh(spd),
        *LA.qr(a),
        *LA.svd(a),
        LA.pinv(a),
        LA.matrix_exp(a),
        LA.slogdet(a)[1],
    ):
        assert out.dtype == tg.float32


def test_torch_svd_returns_v_and_lstsq_reports_residuals_and_rank():
    tall = tg.tensor(REF["qr_tall/in0"])
    U, S, V = tall.svd()
    np.testing.assert_allclose((V * V).numpy(), REF["torch_svd_V_squared"], rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(((U * S) @ V.mT).numpy(), tall.numpy(), atol=1e-12)
    result = LA.lstsq(tall, tg.tensor(REF["lstsq/in1"]), driver="gelsd")
    np.testing.assert_allclose(result.residuals.numpy(), REF["lstsq_residuals"], rtol=1e-7)
    np.testing.assert_allclose(result.singular_values.numpy(), REF["lstsq_singular_values"], rtol=1e-10)
    assert result.rank.numpy().tolist() == REF["lstsq_rank"].tolist()
    assert LA.lstsq(tall, tg.tensor(REF["lstsq/in1"])).residuals.shape == REF["lstsq_default_residuals"].shape
    stacked = tg.stack([tg.tensor(REF["det_singular/in0"]), tg.tensor(REF["inv/in0"][0])])
    assert LA.matrix_rank(stacked).numpy().tolist() == REF["matrix_rank"].tolist()


def test_decompositions_reconstruct_their_input():
    a = tg.tensor(REF["solve/in0"])
    U, S, Vh = LA.svd(a)
    np.testing.assert_allclose(((U * S.unsqueeze(-2)) @ Vh).numpy(), a.numpy(), atol=1e-12)
    Q, R = LA.qr(tg.tensor(REF["qr_tall/in0"]), mode="complete")
    assert Q.shape == (4, 4) and R.shape == (4, 3)
    np.testing.assert_allclose((Q @ R).numpy(), REF["qr_tall/in0"], atol=1e-12)
    assert LA.qr(a, mode="r").Q.shape == (0,)
    spd = tg.tensor(REF["cholesky/in0"])
    L = tg.cholesky(spd)
    np.testing.assert_allclose((L @ L.mT).numpy(), spd.numpy(), atol=1e-12)
    np.testing.assert_allclose(spd.det().numpy(), np.exp(spd.logdet().numpy()), rtol=1e-10)
    np.testing.assert_allclose(
        (spd.inverse() @ spd).numpy(), np.broadcast_to(np.eye(3), (2, 3, 3)), atol=1e-12
    )
    np.testing.assert_allclose(LA.matrix_power(a, 0).numpy(), np.broadcast_to(np.eye(3), (2, 3, 3)))


def test_norm_with_two_dims_or_a_matrix_is_a_matrix_norm():
    x = REF["norm_2/in0"]
    np.testing.assert_allclose(
        LA.norm(tg.tensor(x), "nuc", dim=(1, 2)).numpy(), np.linalg.norm(x, "nuc", axis=(1, 2))
    )
    np.testing.assert_allclose(LA.norm(tg.tensor(x[0]), -math.inf).numpy(), np.linalg.norm(x[0], -np.inf))
    np.testing.assert_allclose(LA.vecdot(tg.tensor(x), tg.tensor(x)).numpy(), (x * x).sum(-1))
    np.testing.assert_allclose(tg.tensor(x).diagonal(0, 1, 2).numpy(), np.diagonal(x, 0, 1, 2))


@pytest.mark.parametrize(
    "function",
    [
        lambda a: LA.inv(a),
        lambda a: LA.det(a),
        lambda a: LA.solve(a, a[..., :1] * 2 + 1),
        lambda a: LA.cholesky(a @ a.mT + 3 * tg.eye(3, dtype=tg.float64)),
        lambda a: (lambda r: tg.cat([r.Q.reshape(-1), r.R.reshape(-1)]))(LA.qr(a[..., :2])),
        lambda a: (lambda r: r.eigenvectors**2 + r.eigenvalues)(LA.eigh(a + a.mT)),
        lambda a: (lambda r: r.U**2 + r.S + r.Vh**2)(LA.svd(a)),
        lambda a: LA.pinv(a[..., :2, :]),
        lambda a: LA.matrix_exp(a),
    ],
    ids=["inv", "det", "solve", "cholesky", "qr", "eigh", "svd", "pinv", "matrix_exp"],
)
def test_gradients_pass_gradcheck_in_float64(function):
    a = tg.tensor(REF["inv/in0"][0])
    assert tg.gradcheck(function, [a])


def test_second_derivatives_of_inverse_det_and_solve_pass_gradcheck():
    a = tg.tensor(REF["inv/in0"][1])

    def gradient_of(function):
        def first(x):
            x = x.requires_grad_() if not x.requires_grad else x
            (g,) = tg.grad(function(x).sum(), [x], create_graph=True)
            return g

        return first

    for function in (LA.inv, LA.det, lambda x: LA.solve(x, x[:, :1]), lambda x: LA.cholesky(x @ x.mT + 3.0)):
        assert tg.gradcheck(gradient_of(function), [a])


def test_det_of_a_singular_matrix_has_the_cofactor_gradient():
    a = tg.tensor(REF["det_singular/in0"], requires_grad=True)
    LA.det(a).backward()
    cofactors = np.array([[14.0, -1.0, -4.0], [-7.0, 0.5, 2.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(a.grad.numpy(), cofactors, atol=1e-10)


def test_eigvalsh_with_repeated_eigenvalues_has_a_finite_gradient():
    a = tg.tensor(np.eye(3) * 2.0, requires_grad=True)
    LA.eigvalsh(a).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.eye(3), atol=1e-12)
    b = tg.tensor(np.eye(3), requires_grad=True)
    LA.svdvals(b).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), np.eye(3), atol=1e-12)


def test_singular_matrices_raise_linalg_error():
    singular = tg.tensor(REF["det_singular/in0"])
    with pytest.raises(LA.LinAlgError, match="singular"):
        LA.inv(singular)
    with pytest.raises(RuntimeError, match="singular"):
        LA.solve(singular, tg.ones(3, dtype=tg.float64))
    with pytest.raises(LA.LinAlgError, match="positive-definite"):
        LA.cholesky(tg.tensor(-np.eye(3)))
    assert LA.det(singular).item() == pytest.approx(0.0, abs=1e-12)


def test_bad_shapes_dtypes_and_arguments_say_what_is_wrong():
    square = tg.tensor(np.eye(3))
    with pytest.raises(ValueError, match=r"square matrices, but they are 2 by 3"):
        LA.inv(tg.ones(2, 3, dtype=tg.float64))
    with pytest.raises(RuntimeError, match="square"):
        LA.det(tg.ones(2, 3, dtype=tg.float64))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        LA.svd(tg.ones(3, dtype=tg.float64))
    with pytest.raises(TypeError, match="float32 or float64.*int64"):
        LA.inv(tg.tensor([[1, 2], [3, 4]]))
    with pytest.raises(TypeError, match="dtype mismatch"):
        LA.solve(square, tg.ones(3, 1))
    with pytest.raises(ValueError, match="do not broadcast"):
        LA.solve(tg.tensor(np.ones((2, 3, 3))), tg.tensor(np.ones((4, 3, 1))))
    with pytest.raises(ValueError, match="need.* 3 rows"):
        LA.solve(square, tg.tensor(np.ones((2, 1))))
    with pytest.raises(ValueError, match="UPLO"):
        LA.eigh(square, UPLO="X")
    with pytest.raises(ValueError, match="mode"):
        LA.qr(square, mode="economic")
    with pytest.raises(ValueError, match="not a matrix norm"):
        LA.matrix_norm(square, 3)
    with pytest.raises(TypeError, match="integer"):
        LA.matrix_power(square, 1.5)
    with pytest.raises(ValueError, match="1-D or 2-D"):
        LA.multi_dot([square, tg.ones(2, 3, 3, dtype=tg.float64)])
    with pytest.raises(TypeError, match="must be a Tensor"):
        LA.inv(np.eye(3))


def test_qr_gradients_are_refused_where_torch_refuses_them():
    a = tg.tensor(REF["qr_tall/in0"], requires_grad=True)
    with pytest.raises(RuntimeError, match="mode='r'"):
        LA.qr(a, mode="r").R.sum().backward()
    with pytest.raises(RuntimeError, match="complete"):
        LA.qr(a, mode="complete").Q.sum().backward()
