"""``torch.autograd.functional``: Jacobians, Hessians and vector products of a whole function,
built on ``tg.grad`` (reverse mode; ``jvp`` by the double-vjp trick). Reached as
``tg.autograd.functional`` or ``from tinygrad_adam.autograd.functional import jacobian``.

Return structures are PyTorch's: a Tensor where the function has one input (output), a tuple where
it has several; a Jacobian block has shape ``output.shape + input.shape``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .autograd import enable_grad, grad

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def _as_tuple(value: Any, name: str, function: str) -> tuple[bool, tuple[Any, ...]]:
    from .tensor import Tensor

    is_tuple = isinstance(value, (tuple, list))
    items = tuple(value) if is_tuple else (value,)
    for item in items:
        if not isinstance(item, Tensor):
            raise TypeError(
                f"{function}: {name} must be a Tensor or a tuple of Tensors, got {type(item).__name__}"
            )
    return is_tuple, items


def _grad_ready(inputs: tuple[Any, ...], create_graph: bool) -> tuple[Any, ...]:
    """Inputs the function is differentiated at: new leaves, or (create_graph) the caller's own
    tensors where they require grad, so the result stays differentiable with respect to them."""
    return tuple(x if create_graph and x.requires_grad else x.detach().requires_grad_(True) for x in inputs)


def _unpack(is_tuple: bool, items: tuple[Any, ...]) -> Any:
    return items if is_tuple else items[0]


def _grads(
    outputs: tuple, inputs: tuple, grad_outputs: tuple, create_graph: bool, strict: bool, what: str
) -> tuple:
    """``grad`` with unused inputs as zeros (or an error under ``strict``), keeping the graph."""
    from .tensor import zeros_like

    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    found: tuple = (None,) * len(inputs)
    if pairs:
        found = grad(
            [o for o, _ in pairs],
            list(inputs),
            [g for _, g in pairs],
            retain_graph=True,
            create_graph=create_graph,
            allow_unused=True,
        )
    result = []
    for position, (value, x) in enumerate(zip(found, inputs)):
        if value is None:
            if strict:
                raise RuntimeError(f"{what}: the output is independent of input {position} (strict=True)")
            value = zeros_like(x)
        result.append(value)
    return tuple(result)


def _check_v(v: Any, like: tuple, name: str, function: str) -> tuple:
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise RuntimeError(
                f"{function}: v may be omitted only when the {name} is a single one-element tensor"
            )
        from .tensor import ones_like

        return (ones_like(like[0]),)
    _, vs = _as_tuple(v, "v", function)
    if len(vs) != len(like):
        raise RuntimeError(f"{function}: v has {len(vs)} tensors but the {name} has {len(like)}")
    for position, (item, ref) in enumerate(zip(vs, like)):
        if tuple(item.shape) != tuple(ref.shape):
            raise RuntimeError(
                f"{function}: v[{position}] has shape {tuple(item.shape)}, "
                f"the {name} has shape {tuple(ref.shape)}"
            )
    return vs


def _outputs(func: Callable, inputs: tuple, function: str) -> tuple[bool, tuple]:
    with enable_grad():
        out = func(*inputs)
    return _as_tuple(out, "the function's output", function)


def _finish(values: tuple, create_graph: bool) -> tuple:
    return values if create_graph else tuple(value.detach() for value in values)


def vjp(
    func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple:
    """``(func(inputs), v^T J)``: the vector-Jacobian product, one backward pass."""
    in_tuple, xs = _as_tuple(inputs, "inputs", "vjp")
    xs = _grad_ready(xs, create_graph)
    out_tuple, outs = _outputs(func, xs, "vjp")
    vs = _check_v(v, outs, "output", "vjp")
    with enable_grad():
        result = _grads(outs, xs, vs, create_graph, strict, "vjp")
    return _unpack(out_tuple, _finish(outs, create_graph)), _unpack(in_tuple, _finish(result, create_graph))


def jvp(
    func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple:
    """``(func(inputs), J v)``: the Jacobian-vector product by the double-vjp trick: ``u -> J^T u``
    is linear in ``u``, so differentiating it with respect to ``u`` along ``v`` gives ``J v``."""
    from .tensor import zeros_like

    in_tuple, xs = _as_tuple(inputs, "inputs", "jvp")
    xs = _grad_ready(xs, create_graph)
    vs = _check_v(v, xs, "input", "jvp")
    out_tuple, outs = _outputs(func, xs, "jvp")
    with enable_grad():
        dummies = tuple(zeros_like(o).requires_grad_(True) for o in outs)
        back = _grads(outs, xs, dummies, True, strict, "jvp")
        live = [(b, w) for b, w in zip(back, vs) if b.requires_grad]
        found: tuple = (None,) * len(outs)
        if live:
            found = grad(
                [b for b, _ in live],
                list(dummies),
                [w for _, w in live],
                retain_graph=True,
                create_graph=create_graph,
                allow_unused=True,
            )
    result = tuple(zeros_like(o) if value is None else value for value, o in zip(found, outs))
    return _unpack(out_tuple, _finish(outs, create_graph)), _unpack(out_tuple, _finish(result, create_graph))


def jacobian(
    func: Callable,
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of ``func`` at ``inputs``, one reverse pass per output element; block ``[i][j]``
    has shape ``outputs[i].shape + inputs[j].shape``. ``vectorize`` is accepted for PyTorch's
    signature and changes nothing here."""
    from .tensor import stack, zeros

    if strategy != "reverse-mode":
        raise NotImplementedError(f"jacobian: only strategy='reverse-mode' is supported, got {strategy!r}")
    in_tuple, xs = _as_tuple(inputs, "inputs", "jacobian")
    xs = _grad_ready(xs, create_graph)
    out_tuple, outs = _outputs(func, xs, "jacobian")
    blocks = []
    with enable_grad():
        for out in outs:
            flat = out.reshape(-1)
            rows: list[list] = [[] for _ in xs]
            for element in range(flat.numel()):
                if out.requires_grad:
                    row = _grads((flat[element],), xs, (None,), create_graph, strict, "jacobian")
                else:
                    if strict:
                        raise RuntimeError("jacobian: the output is independent of the inputs (strict=True)")
                    row = tuple(zeros(x.shape, dtype=x.dtype, device=x.device) for x in xs)
                for k, value in enumerate(row):
                    rows[k].append(value)
            block = []
            for k, x in enumerate(xs):
                if rows[k]:
                    value = stack(rows[k]).reshape(tuple(out.shape) + tuple(x.shape))
                else:
                    value = zeros(tuple(out.shape) + tuple(x.shape), dtype=x.dtype, device=x.device)
                block.append(value if create_graph else value.detach())
            blocks.append(_unpack(in_tuple, tuple(block)))
    return _unpack(out_tuple, tuple(blocks))


def _scalar_function(func: Callable, function: str) -> Callable:
    def checked(*inputs: Any) -> Any:
        out = func(*inputs)
        _, outs = _as_tuple(out, "the function's output", function)
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError(f"{function}: the function must return a single one-element Tensor")
        return outs[0]

    return checked


def hessian(
    func: Callable,
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of a scalar ``func``: the Jacobian of its gradient; block ``[i][j]`` has shape
    ``inputs[i].shape + inputs[j].shape``."""
    in_tuple, xs = _as_tuple(inputs, "inputs", "hessian")
    scalar = _scalar_function(func, "hessian")

    def gradient(*points: Any) -> tuple:
        return _grads((scalar(*points),), points, (None,), True, strict, "hessian")

    result = jacobian(
        gradient, xs, create_graph=create_graph, strict=strict, strategy=outer_jacobian_strategy
    )
    return result if in_tuple else result[0][0]


def vhp(
    func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple:
    """``(func(inputs), v^T H)`` for a scalar ``func``: a backward pass through its gradient."""
    in_tuple, xs = _as_tuple(inputs, "inputs", "vhp")
    xs = _grad_ready(xs, create_graph)
    vs = _check_v(v, xs, "input", "vhp")
    scalar = _scalar_function(func, "vhp")
    with enable_grad():
        out = scalar(*xs)
        first = _grads((out,), xs, (None,), True, strict, "vhp")
        result = _grads(first, xs, vs, create_graph, strict, "vhp")
    out = out if create_graph else out.detach()
    return out, _unpack(in_tuple, _finish(result, create_graph))


def hvp(
    func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple:
    """``(func(inputs), H v)`` for a scalar ``func``; the Hessian of a twice-differentiable function
    is symmetric, so this is ``vhp``'s product."""
    try:
        return vhp(func, inputs, v, create_graph, strict)
    except RuntimeError as error:
        raise RuntimeError(str(error).replace("vhp", "hvp")) from None
