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
    "vander": lambda x: LA.vander(x, N=4),
    "tensorinv": lambda a: LA.tensorinv(a, ind=2),
    "tensorsolve": lambda a, b: LA.tensorsolve(a, b),
    "norm_dtype": lambda a: LA.vector_norm(a.float(), dtype=tg.float64),
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
    integers = tg.tensor([[1, 2], [3, 4]])
    assert LA.matrix_power(integers, 3).numpy().tolist() == [[37, 54], [81, 118]]
    assert LA.matrix_power(integers, 0).dtype == tg.int64


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


SECOND_ORDER = {
    "inv": LA.inv,
    "det": LA.det,
    "slogdet": lambda x: LA.slogdet(x).logabsdet,
    "solve": lambda x: LA.solve(x, x[:, :1]),
    "cholesky": lambda x: LA.cholesky(x @ x.mT + 3.0),
    "eigh": lambda x: (lambda r: r.eigenvalues**2 + (r.eigenvectors**2).sum(0))(LA.eigh(x + x.mT)),
    "svd": lambda x: (lambda r: r.S**3 + (r.U**2).sum(0))(LA.svd(x)),
    "qr": lambda x: (lambda r: (r.Q**2).sum(0) + r.R.sum(0) ** 2)(LA.qr(x)),
    "pinv": lambda x: LA.pinv(x) ** 2,
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_second_derivatives_pass_gradcheck(name):
    a = tg.tensor(REF["inv/in0"][1])

    def gradient_of(function):
        def first(x):
            x = x.requires_grad_() if not x.requires_grad else x
            (g,) = tg.grad(function(x).sum(), [x], create_graph=True)
            return g

        return first

    assert tg.gradcheck(gradient_of(SECOND_ORDER[name]), [a], atol=1e-5, rtol=1e-4)


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
    with pytest.raises(ValueError, match="product of the first 2 dims"):
        LA.tensorinv(tg.ones(2, 3, 4, dtype=tg.float64))
    with pytest.raises(ValueError, match="one fewer"):
        LA.lstsq(square, tg.ones(2, 3, 1, dtype=tg.float64))
    with pytest.raises(ValueError, match="positive integer"):
        LA.vander(tg.ones(3), N=0)
    assert LA.matmul is tg.matmul


def test_qr_gradients_are_refused_where_torch_refuses_them():
    a = tg.tensor(REF["qr_tall/in0"], requires_grad=True)
    with pytest.raises(RuntimeError, match="mode='r'"):
        LA.qr(a, mode="r").R.sum().backward()
    with pytest.raises(RuntimeError, match="complete"):
        LA.qr(a, mode="complete").Q.sum().backward()


def test_cholesky_ex_reports_the_first_failing_minor_instead_of_raising():
    a = tg.tensor(REF["cholesky_ex/in"], requires_grad=True)
    L, info = LA.cholesky_ex(a)
    assert info.dtype == tg.int32 and info.numpy().tolist() == REF["cholesky_ex/info"].tolist()
    np.testing.assert_allclose(L[0].numpy(), REF["cholesky_ex/L0"], rtol=1e-12)
    L[0].sum().backward()  # the factor of a positive-definite matrix stays differentiable
    assert np.isfinite(a.grad.numpy()).all() and not a.grad.numpy()[1:].any()
    with pytest.raises(LA.LinAlgError, match="positive-definite"):
        LA.cholesky_ex(a, check_errors=True)
    assert LA.cholesky_ex(a[:1]).info.numpy().tolist() == [0]


def test_torch_svd_without_uv_gives_square_zero_matrices():
    U, S, V = tg.tensor(REF["qr_tall/in0"]).svd(compute_uv=False)
    assert U.shape == (4, 4) and V.shape == (3, 3) and not U.numpy().any() and not V.numpy().any()
    np.testing.assert_allclose(S.numpy(), np.linalg.svd(REF["qr_tall/in0"], compute_uv=False), rtol=1e-12)


def test_solve_takes_a_vector_right_hand_side_for_every_matrix_of_a_batch():
    a, b = REF["solve/in0"], REF["solve/in1"][0, :, 0]
    x = LA.solve(tg.tensor(a), tg.tensor(b))
    assert x.shape == (2, 3)
    np.testing.assert_allclose((a @ x.numpy()[..., None])[..., 0], np.broadcast_to(b, (2, 3)), atol=1e-12)
