"""The log-gamma family (tg.lgamma, tg.digamma, tg.polygamma(1, ·), tg.special.gammaln/digamma)
against PyTorch 2.13 (tests/fixtures/gamma_reference.npz, made by
tests/fixtures/make_gamma_reference.py): values, poles, float32, first and second derivatives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg

REFERENCE = np.load(Path(__file__).parent / "fixtures" / "gamma_reference.npz")


def points(requires_grad: bool = False) -> tg.Tensor:
    return tg.tensor(REFERENCE["points"], requires_grad=requires_grad)


@pytest.mark.parametrize(
    ("name", "function"),
    [
        ("lgamma", tg.lgamma),
        ("lgamma", lambda x: x.lgamma()),
        ("lgamma", tg.special.gammaln),
        ("digamma", tg.digamma),
        ("digamma", lambda x: x.digamma()),
        ("digamma", tg.special.digamma),
        ("digamma", tg.special.psi),
        ("digamma", lambda x: tg.polygamma(0, x)),
        ("trigamma", lambda x: tg.polygamma(1, x)),
        ("trigamma", lambda x: x.polygamma(1)),
    ],
)
def test_log_gamma_family_matches_pytorch_in_float64(name: str, function) -> None:
    # PyTorch's trigamma is itself only good to ~5e-10 (ψ₁(½) = π²/2 is 3e-10 off there): see the
    # exact-value test below for ours.
    rtol = 1e-9 if name == "trigamma" else 1e-12
    np.testing.assert_allclose(function(points()).numpy(), REFERENCE[name], rtol=rtol, atol=1e-13)


def test_log_gamma_family_hits_closed_forms_to_machine_precision() -> None:
    euler = 0.57721566490153286061
    x = tg.tensor([0.5, 1.0, 2.0, 4.0], dtype=tg.float64)
    np.testing.assert_allclose(
        tg.lgamma(x).numpy(), [0.5 * np.log(np.pi), 0, 0, np.log(6.0)], rtol=1e-14, atol=1e-15
    )
    expected_digamma = [-euler - 2 * np.log(2), -euler, 1 - euler, 1 + 1 / 2 + 1 / 3 - euler]
    np.testing.assert_allclose(tg.digamma(x).numpy(), expected_digamma, rtol=1e-14)
    zeta2 = np.pi**2 / 6
    expected_trigamma = [np.pi**2 / 2, zeta2, zeta2 - 1, zeta2 - 1 - 1 / 4 - 1 / 9]
    np.testing.assert_allclose(tg.polygamma(1, x).numpy(), expected_trigamma, rtol=1e-14)


def test_poles_and_infinities_give_pytorchs_values() -> None:
    poles = tg.tensor(REFERENCE["poles"])
    np.testing.assert_array_equal(tg.lgamma(poles).numpy(), REFERENCE["poles_lgamma"])
    np.testing.assert_array_equal(tg.digamma(poles).numpy(), REFERENCE["poles_digamma"])
    at_zero_and_inf = tg.polygamma(1, tg.tensor([0.0, np.inf], dtype=tg.float64)).numpy()
    np.testing.assert_array_equal(at_zero_and_inf, REFERENCE["trigamma_at_zero_and_inf"])
    assert np.isposinf(tg.polygamma(1, tg.tensor([-1.0, -4.0], dtype=tg.float64)).numpy()).all()


def test_float32_stays_float32_and_matches_pytorch() -> None:
    x = tg.tensor(REFERENCE["points32"])
    for name, out in (
        ("lgamma32", tg.lgamma(x)),
        ("digamma32", tg.digamma(x)),
        ("trigamma32", tg.polygamma(1, x)),
    ):
        assert out.dtype == tg.float32
        np.testing.assert_allclose(out.numpy(), REFERENCE[name], rtol=2e-5, atol=2e-6)


def test_integer_input_is_computed_in_the_default_float_dtype() -> None:
    out = tg.lgamma(tg.tensor([1, 2, 5]))
    assert out.dtype == tg.float32
    np.testing.assert_allclose(out.numpy(), [0.0, 0.0, np.log(24.0)], atol=1e-6)


def test_gradient_of_lgamma_is_digamma_and_its_second_derivative_is_trigamma() -> None:
    x = points(requires_grad=True)
    (first,) = tg.grad(tg.lgamma(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(first.numpy(), REFERENCE["lgamma_grad"], rtol=1e-12, atol=1e-13)
    (second,) = tg.grad(first.sum(), x)
    np.testing.assert_allclose(second.numpy(), REFERENCE["lgamma_grad2"], rtol=1e-9, atol=1e-13)


def test_gradient_of_digamma_is_trigamma() -> None:
    x = points(requires_grad=True)
    tg.digamma(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), REFERENCE["digamma_grad"], rtol=1e-9, atol=1e-13)


def test_lgamma_gradient_passes_gradcheck() -> None:
    x = tg.tensor([0.3, 1.7, 4.2, -0.6, -2.5], dtype=tg.float64, requires_grad=True)
    assert tg.gradcheck(lambda t: tg.lgamma(t) * tg.digamma(t), (x,))


def test_lgamma_recovers_log_factorials() -> None:
    n = np.arange(1, 60, dtype=np.float64)
    log_factorials = np.cumsum(np.log(np.maximum(n - 1, 1)))
    np.testing.assert_allclose(tg.lgamma(tg.tensor(n)).numpy(), log_factorials, rtol=1e-13, atol=1e-14)


def test_polygamma_refuses_negative_orders() -> None:
    x = tg.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="negative"):
        tg.polygamma(-1, x)
    with pytest.raises(RuntimeError, match="non-integer"):
        tg.polygamma(1.5, x)


def test_non_tensor_input_is_refused() -> None:
    with pytest.raises(TypeError, match="must be a Tensor"):
        tg.lgamma([1.0, 2.0])


def test_multivariate_log_gamma_and_its_gradient_match_pytorch() -> None:
    a = tg.tensor(REFERENCE["multigammaln_points"], requires_grad=True)
    out = tg.special.multigammaln(a, 3)
    np.testing.assert_allclose(out.numpy(), REFERENCE["multigammaln_p3"], rtol=1e-12)
    np.testing.assert_allclose(a.mvlgamma(3).numpy(), REFERENCE["multigammaln_p3"], rtol=1e-12)
    tg.mvlgamma(a, 3).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), REFERENCE["multigammaln_p3_grad"], rtol=1e-12)
    np.testing.assert_allclose(tg.special.multigammaln(a, 1).numpy(), tg.lgamma(a).numpy())
    with pytest.raises(RuntimeError, match="greater than or equal to 1"):
        tg.special.multigammaln(a, 0)


def test_in_place_spellings_replace_the_values() -> None:
    x = tg.tensor(REFERENCE["points"])
    np.testing.assert_allclose(x.clone().lgamma_().numpy(), REFERENCE["lgamma"], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(x.clone().digamma_().numpy(), REFERENCE["digamma"], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(x.clone().polygamma_(1).numpy(), REFERENCE["trigamma"], rtol=1e-9)
