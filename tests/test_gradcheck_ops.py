"""Every op's gradient equals central finite differences in float64, over random broadcast shapes.

Shapes and values come from hypothesis; inputs are kept off the points where an op is not
differentiable (0 for abs/relu, the clip bounds, ties of max/min), where finite differences lie.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import tinygrad_adam as tg

small_shapes = array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
nonempty_shapes = array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)
broadcast_pairs = mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


@st.composite
def values(draw, shape, low=-2.0, high=2.0, min_magnitude=0.0):
    """float64 values in [low, high]; with ``min_magnitude``, |x| >= min_magnitude and random signs."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if min_magnitude:
        magnitude = rng.uniform(min_magnitude, high, shape)
        return np.asarray(magnitude * rng.choice([-1.0, 1.0], shape))
    return np.asarray(rng.uniform(low, high, shape))


@st.composite
def distinct_values(draw, shape):
    """float64 values whose pairwise gaps are at least 0.1, so max/min/maximum have no near-ties."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    size = int(np.prod(shape, dtype=np.int64))
    return np.asarray(rng.permutation(size) * 0.1 - size * 0.05 + 0.01).reshape(shape)


def check(fn, *arrays):
    assert tg.gradcheck(fn, [tg.tensor(a) for a in arrays])


def axes_of(shape):
    """An axis argument for ``shape``: None, one axis (maybe negative) or a tuple of axes."""
    ndim = len(shape)
    if ndim == 0:
        return st.none()
    single = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple)
    return st.one_of(st.none(), single, several)


# -- unary ops on safe domains -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fn", "domain"),
    [
        ("exp", lambda x: x.exp(), {}),
        ("log", lambda x: x.log(), {"low": 0.3, "high": 3.0}),
        ("sqrt", lambda x: x.sqrt(), {"low": 0.3, "high": 3.0}),
        ("tanh", lambda x: x.tanh(), {}),
        ("sigmoid", lambda x: x.sigmoid(), {"low": -6.0, "high": 6.0}),
        ("relu", lambda x: x.relu(), {"min_magnitude": 0.05}),
        ("abs", lambda x: x.abs(), {"min_magnitude": 0.05}),
        ("neg", lambda x: -x, {}),
        ("pos", lambda x: +x, {}),
        ("square", lambda x: x**2, {}),
        ("cube", lambda x: x**3, {}),
        ("reciprocal power", lambda x: x**-1, {"min_magnitude": 0.3}),
        ("fractional power", lambda x: x**0.5, {"low": 0.3, "high": 3.0}),
        ("scalar base power", lambda x: 2.0**x, {}),
        ("scalar minus", lambda x: 1.0 - x, {}),
        ("scalar over", lambda x: 2.0 / x, {"min_magnitude": 0.3}),
        ("std", lambda x: x.std() if x.size > 1 else x * 1, {}),
    ],
)
@given(data=st.data(), shape=small_shapes)
def test_unary_op_gradient_matches_finite_differences(name, fn, domain, data, shape):
    check(fn, data.draw(values(shape, **domain)))


@given(data=st.data(), shape=small_shapes)
def test_clip_gradient_matches_finite_differences_away_from_the_bounds(data, shape):
    x = data.draw(values(shape, min_magnitude=0.05, high=1.0))
    x = np.where(np.abs(np.abs(x) - 0.5) < 0.05, x * 0.5, x)  # keep off the bounds ±0.5
    check(lambda t: t.clip(-0.5, 0.5), x)
    check(lambda t: t.clip(min=-0.5), x)
    check(lambda t: t.clip(max=0.5), x)


# -- binary ops with broadcasting on both sides ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fn", "b_domain"),
    [
        ("add", lambda a, b: a + b, {}),
        ("sub", lambda a, b: a - b, {}),
        ("mul", lambda a, b: a * b, {}),
        ("div", lambda a, b: a / b, {"min_magnitude": 0.3}),
    ],
)
@given(data=st.data(), shapes=broadcast_pairs)
def test_binary_op_gradient_matches_finite_differences_with_broadcasting(name, fn, b_domain, data, shapes):
    (shape_a, shape_b), _ = shapes
    check(fn, data.draw(values(shape_a)), data.draw(values(shape_b, **b_domain)))


@given(data=st.data(), shapes=broadcast_pairs)
def test_pow_with_tensor_exponent_matches_finite_differences(data, shapes):
    (shape_a, shape_b), _ = shapes
    base = data.draw(values(shape_a, low=0.3, high=2.0))
    exponent = data.draw(values(shape_b, low=-2.0, high=2.0))
    check(lambda a, b: a**b, base, exponent)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
def test_pow_gradients_at_a_zero_base_are_zero_where_the_power_is_constant_as_in_pytorch():
    # d/da a^0 = 0 (not 0 * 0^-1 = nan); d/db 0^b = 0 for b >= 0 (not 0 * log 0 = nan or -inf).
    base = tg.tensor(np.array([0.0, 0.0, 0.0, 2.0]), requires_grad=True)
    exponent = tg.tensor(np.array([0.0, 1.0, 2.0, 3.0]), requires_grad=True)
    (base**exponent).sum().backward()
    np.testing.assert_array_equal(base.grad.numpy(), [0.0, 1.0, 0.0, 12.0])
    np.testing.assert_allclose(exponent.grad.numpy(), [0.0, 0.0, 0.0, 8 * np.log(2.0)], rtol=1e-15)
    x = tg.tensor(np.array([0.0, 1.5]), requires_grad=True)
    (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])


@pytest.mark.parametrize("name", ["maximum", "minimum"])
@given(data=st.data(), shapes=broadcast_pairs)
def test_maximum_and_minimum_gradients_match_finite_differences(name, data, shapes):
    (shape_a, shape_b), _ = shapes
    a, b = data.draw(values(shape_a)), data.draw(values(shape_b))
    assume(np.abs(a - b).min() > 1e-3)  # no (near-)ties, where the derivative jumps
    check(lambda x, y: getattr(x, name)(y), a, b)


# -- reductions --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sum", "mean", "var"])
@given(data=st.data(), shape=small_shapes, keepdims=st.booleans())
def test_reduction_gradient_matches_finite_differences(name, data, shape, keepdims):
    axis = data.draw(axes_of(shape))
    population = {"correction": 0} if name == "var" else {}  # defined for size-1 axes too
    check(lambda x: getattr(x, name)(axis=axis, keepdims=keepdims, **population), data.draw(values(shape)))


@given(data=st.data(), shape=nonempty_shapes)
def test_var_with_correction_matches_finite_differences(data, shape):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    if shape[axis] < 2:
        shape = shape[: axis % len(shape)] + (2,) + shape[axis % len(shape) + 1 :]
    check(lambda x: x.var(axis=axis, correction=1), data.draw(values(shape)))


@pytest.mark.parametrize("name", ["max", "min"])
@given(data=st.data(), shape=small_shapes, keepdims=st.booleans())
def test_max_and_min_gradients_match_finite_differences(name, data, shape, keepdims):
    axis = data.draw(axes_of(shape))
    check(lambda x: getattr(x, name)(axis=axis, keepdims=keepdims), data.draw(distinct_values(shape)))


def test_max_ties_share_the_gradient_equally():
    x = tg.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    y = tg.tensor([1.0, 2.0], requires_grad=True)
    y.maximum(tg.tensor([1.0, 0.0])).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [0.5, 1.0])


# -- shape ops ---------------------------------------------------------------------------------


@given(data=st.data(), shape=small_shapes)
def test_shape_op_gradients_match_finite_differences(data, shape):
    x = data.draw(values(shape))
    ndim = len(shape)
    order = tuple(data.draw(st.permutations(range(ndim))))
    check(lambda t: t.reshape(-1), x)
    check(lambda t: t.reshape(*reversed(shape)) * 1, x)
    check(lambda t: t.permute(*order) * 1, x)
    check(lambda t: t.T * 1, x)
    check(lambda t: t.transpose() * 1, x)
    check(lambda t: t.flatten() * 1, x)
    check(lambda t: t.unsqueeze(0).squeeze(0) * 1, x)
    check(lambda t: t.expand(2, *shape), x)


@given(data=st.data(), shapes=broadcast_pairs)
def test_expand_gradient_sums_over_broadcast_axes(data, shapes):
    (shape, _), target = shapes
    check(lambda t: t.expand(*target) * 1, data.draw(values(shape)))


# -- indexing ----------------------------------------------------------------------------------


@given(data=st.data(), shape=nonempty_shapes)
def test_basic_indexing_gradient_matches_finite_differences(data, shape):
    x = data.draw(values(shape))
    first = data.draw(st.integers(-shape[0], shape[0] - 1))
    start = data.draw(st.integers(0, shape[-1] - 1))
    step = data.draw(st.sampled_from([1, 2, -1]))
    check(lambda t: t[first], x)
    check(lambda t: t[..., start::step], x)
    start_row = first % shape[0]
    check(lambda t: t[None, start_row : start_row + 1, ...], x)


@given(data=st.data(), shape=nonempty_shapes)
def test_integer_array_indexing_gradient_matches_finite_differences(data, shape):
    x = data.draw(values(shape))
    rows = data.draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=5))
    cols = data.draw(st.lists(st.integers(-shape[-1], shape[-1] - 1), min_size=len(rows), max_size=len(rows)))
    check(lambda t: t[rows], x)  # repeated rows accumulate
    check(lambda t: t[tg.tensor(rows)], x)
    check(lambda t: t[..., cols], x)
    if len(shape) >= 2:
        check(lambda t: t[rows, ..., cols], x)


@given(data=st.data(), shape=nonempty_shapes)
def test_boolean_mask_gradient_matches_finite_differences(data, shape):
    x = data.draw(values(shape))
    mask = np.asarray(np.random.default_rng(data.draw(st.integers(0, 1000))).random(shape) > 0.5)
    check(lambda t: t[tg.tensor(mask)] * 1, x)


# -- joining and selecting ---------------------------------------------------------------------


@given(data=st.data(), shape=nonempty_shapes, count=st.integers(1, 3))
def test_concatenate_and_stack_gradients_match_finite_differences(data, shape, count):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    arrays = []
    for _ in range(count):
        own = list(shape)
        own[axis] = data.draw(st.integers(1, 3))
        arrays.append(data.draw(values(tuple(own))))
    check(lambda *ts: tg.concatenate(ts, axis=axis), *arrays)
    same = [data.draw(values(shape)) for _ in range(count)]
    stack_axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    check(lambda *ts: tg.stack(ts, axis=stack_axis), *same)


@given(data=st.data(), shapes=mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
def test_where_gradient_flows_to_both_branches_with_broadcasting(data, shapes):
    (shape_c, shape_a, shape_b), _ = shapes
    condition = tg.tensor(data.draw(values(shape_c)) > 0)
    check(lambda a, b: tg.where(condition, a, b), data.draw(values(shape_a)), data.draw(values(shape_b)))
    check(lambda a: tg.where(condition, a, 0.0), data.draw(values(shape_a)))


# -- softmax family ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@given(data=st.data(), shape=nonempty_shapes)
def test_softmax_family_gradient_matches_finite_differences(name, data, shape):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    check(lambda x: getattr(x, name)(axis=axis), data.draw(values(shape, low=-3.0, high=3.0)))


# -- matmul ------------------------------------------------------------------------------------


@st.composite
def matmul_shapes(draw):
    """Operand shapes for a @ b: 1-D vectors, matrices, and batches broadcast against each other."""
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    (batch_a, batch_b), _ = draw(mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3))
    shape_a = draw(st.sampled_from([(k,), (n, k), (*batch_a, n, k)]))
    shape_b = draw(st.sampled_from([(k,), (k, m), (*batch_b, k, m)]))
    return shape_a, shape_b


@given(data=st.data(), shapes=matmul_shapes())
def test_matmul_gradient_matches_finite_differences(data, shapes):
    shape_a, shape_b = shapes
    check(lambda a, b: a @ b, data.draw(values(shape_a)), data.draw(values(shape_b)))


# -- devices -------------------------------------------------------------------------------------


def test_gradient_through_a_device_copy_matches_finite_differences(other_device):
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    check(lambda t: (t.to(other_device).exp() * 2).to(t.device), x)
