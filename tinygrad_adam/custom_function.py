"""Custom differentiable operations written as in PyTorch: ``tg.autograd.Function`` subclasses with
static ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` on Tensors.

The engine's own ops (``ops.py``) subclass the same ``Function`` with instance methods on raw
arrays. ``Function.__init_subclass__`` hands a subclass whose ``forward`` is a ``staticmethod`` (or
that defines ``setup_context``) to ``adopt_pytorch_contract`` below, so the ops' fast ``apply`` is
untouched. ``MyOp.apply(...)`` runs ``forward`` with grad recording off and records one node, an
instance of ``MyOpBackward``, whose ``backward`` calls the user's with the ``ctx`` forward filled
in. A forward that returns several tensors records that node once plus one small ``OutputOf`` node
per output, which routes that output's gradient to it, so the engine needs no multi-output nodes.
"""

from __future__ import annotations

import inspect
import weakref
from typing import Any

from . import autograd
from .autograd import Function, no_grad
from .tensor import Tensor, _view_of, sum_to


class FunctionCtx:
    """The ``ctx`` of a custom Function: what forward leaves for backward.

    Besides the methods below it takes any attribute (``ctx.constant = 3``), as in PyTorch.
    ``needs_input_grad`` holds one bool per forward argument (False for non-Tensors).
    """

    needs_input_grad: tuple[bool, ...]

    def __init__(self) -> None:
        self._to_save: tuple[Tensor | None, ...] = ()
        self._saved: tuple[tuple[Tensor, int, int | None] | None, ...] = ()
        self._non_differentiable: set[int] = set()
        self._materialize_grads = True
        self._node: Any = None  # a weak reference to the recorded node (none when nothing recorded)
        self._function_name = "Function"

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep ``tensors`` (inputs, outputs or intermediates, or None) for backward."""
        for position, tensor in enumerate(tensors):
            if tensor is not None and not isinstance(tensor, Tensor):
                raise TypeError(
                    f"save_for_backward takes Tensors or None; argument {position} is a "
                    f"{type(tensor).__name__} (keep other values as attributes: ctx.name = value)"
                )
        self._to_save = tensors

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """The tensors given to ``save_for_backward``; raises if one was changed in place since."""
        unpacked: list[Tensor | None] = []
        for position, entry in enumerate(self._saved):
            if entry is None:
                unpacked.append(None)
                continue
            tensor, version, output_index = entry
            if tensor._version != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: saved tensor {position} of {self._function_name} (shape "
                    f"{tensor.shape}) was modified in place after forward saved it (version {version} "
                    f"-> {tensor._version}), directly or through a view sharing its memory; use an "
                    "out-of-place op instead"
                )
            unpacked.append(
                tensor if output_index is None else self._output_for_backward(tensor, output_index)
            )
        return tuple(unpacked)

    def _output_for_backward(self, raw: Tensor, index: int) -> Tensor:
        """A saved output as backward sees it: its values, differentiable through this node (so a
        backward written with the output, like exp's, has a second derivative), made afresh here
        because holding the output itself would tie the node to it in a reference cycle."""
        tensor = _view_of(Tensor._wrap(raw._data, raw._backend), raw)
        node = self._node() if self._node is not None else None
        if node is not None and node.differentiable[index]:
            tensor.grad_fn = node if node.single_output else OutputOf(node, index)
            tensor._requires_grad = True
        return tensor

    def mark_non_differentiable(self, *outputs: Tensor) -> None:
        """Outputs that get no gradient (indices, masks): they do not require grad."""
        self._non_differentiable.update(id(t) for t in outputs)

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward gets None (not zeros) for outputs that received no gradient."""
        self._materialize_grads = bool(value)

    def mark_dirty(self, *tensors: Tensor) -> None:
        raise NotImplementedError(
            "custom Functions that change their inputs in place (ctx.mark_dirty) are not supported; "
            "return a new tensor from forward instead"
        )


class CustomFunctionNode(Function):
    """The node a custom Function records; ``<Name>Backward`` subclasses it with ``function`` set."""

    function: Any  # the user's Function subclass
    saves_inputs = False  # ctx.saved_tensors checks the versions of what was saved, when unpacked

    ctx: FunctionCtx
    argument_is_tensor: tuple[bool, ...]
    output_shapes: tuple[Any, ...]  # (shape, native dtype, backend) per output, for zero gradients
    differentiable: tuple[bool, ...]
    single_output: bool

    def backward(self, grad: Any) -> tuple[Tensor | None, ...]:
        ctx = self.ctx
        if self.single_output:
            grad_outputs: tuple[Tensor | None, ...] = (grad,)
        else:
            grad_outputs = tuple(grad.by_output.get(index) for index in range(len(self.output_shapes)))
            if ctx._materialize_grads:
                grad_outputs = tuple(
                    _zeros(*self.output_shapes[index]) if g is None else g
                    for index, g in enumerate(grad_outputs)
                )
        result = self.function.backward(ctx, *grad_outputs)
        return self._input_grads(result)

    def _input_grads(self, result: Any) -> tuple[Tensor | None, ...]:
        """The user's gradients, checked (count, type, shape, dtype, device), for the tensor inputs."""
        name = type(self).__name__
        grads = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        expected = len(self.argument_is_tensor)
        if len(grads) > expected and all(g is None for g in grads[expected:]):
            grads = grads[:expected]  # trailing Nones are allowed, as in PyTorch
        if len(grads) != expected:
            raise RuntimeError(
                f"function {name} returned an incorrect number of gradients (expected {expected}, "
                f"got {len(grads)}): one per argument of forward, None for non-Tensor arguments"
            )
        input_grads: list[Tensor | None] = []
        inputs = iter(self.inputs)
        for position, (is_tensor, g) in enumerate(zip(self.argument_is_tensor, grads)):
            if not is_tensor:
                if g is not None:
                    raise RuntimeError(
                        f"function {name} returned a gradient for argument {position} of forward, "
                        "which is not a Tensor; return None in its place"
                    )
                continue
            tensor = next(inputs)
            if g is not None and tensor.requires_grad:
                g = _checked_grad(name, position, tensor, g)
            input_grads.append(g)
        return tuple(input_grads)


def _checked_grad(name: str, position: int, tensor: Tensor, g: Any) -> Tensor:
    if not isinstance(g, Tensor):
        raise TypeError(
            f"function {name} returned a {type(g).__name__} as the gradient of argument {position}; "
            "return a Tensor or None"
        )
    if g.shape != tensor.shape:
        if not _broadcasts_to(tensor.shape, g.shape):
            raise RuntimeError(
                f"function {name} returned an invalid gradient for argument {position}: shape "
                f"{g.shape}, but the argument has shape {tensor.shape}"
            )
        g = sum_to(g, tensor.shape)  # a gradient of the broadcast input, summed down as in PyTorch
    if g.dtype != tensor.dtype:
        raise TypeError(
            f"function {name} returned a {g.dtype} gradient for argument {position}, which is "
            f"{tensor.dtype}; cast it in backward (.to({tensor.dtype}))"
        )
    if g._backend is not tensor._backend:
        raise RuntimeError(
            f"function {name} returned a gradient on {g.device} for argument {position}, which is "
            f"on {tensor.device}"
        )
    return g


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    if len(shape) > len(target):
        return False
    return all(n == m or n == 1 for n, m in zip(shape[::-1], target[::-1]))


def _zeros(shape: tuple[int, ...], native_dtype: Any, backend: Any) -> Tensor:
    return Tensor._wrap(backend.xp.zeros(shape, dtype=native_dtype, **backend.creation_kwargs), backend)


class OutputGrads:
    """The gradients reaching a multi-output node, by output index; ``+`` merges two of them (the
    engine sums what reaches a node)."""

    def __init__(self, by_output: dict[int, Tensor]) -> None:
        self.by_output = by_output

    def __add__(self, other: OutputGrads) -> OutputGrads:
        merged = dict(self.by_output)
        for index, g in other.by_output.items():
            merged[index] = g if index not in merged else merged[index] + g
        return OutputGrads(merged)


class OutputOf(Function):
    """Output ``index`` of a multi-output custom node: passes that output's gradient to the node,
    through an empty stand-in tensor (the node's one engine-level output)."""

    saves_inputs = False

    def __init__(self, node: CustomFunctionNode, index: int) -> None:
        stand_in = Tensor._wrap(node.backend.xp.zeros((0,), **node.backend.creation_kwargs), node.backend)
        stand_in._requires_grad = True
        stand_in.grad_fn = node
        self.backend = node.backend
        self.index = index
        self.inputs = (stand_in,)
        self.edges = (node,)
        self.needs_input_grad = (True,)
        self.freed = False

    def backward(self, grad: Tensor) -> tuple[OutputGrads]:
        return (OutputGrads({self.index: grad}),)

    def __repr__(self) -> str:
        return f"<OutputOf {type(self.inputs[0].grad_fn).__name__ if self.inputs else ''}[{self.index}]>"


def adopt_pytorch_contract(cls: type) -> None:
    """Give ``cls`` (a Function subclass with a static forward) PyTorch's ``apply`` and a node class."""
    uses_setup_context = getattr(cls, "setup_context", None) is not None
    for method in ("forward", "backward") + (("setup_context",) if uses_setup_context else ()):
        if not isinstance(inspect.getattr_static(cls, method), staticmethod):
            raise TypeError(
                f"{cls.__name__}.{method} must be a @staticmethod, as in torch.autograd.Function "
                "(forward(ctx, *args) and backward(ctx, *grad_outputs) on Tensors)"
            )
    backward_name = f"{cls.__name__}Backward"
    cls._backward_cls = type(
        backward_name, (CustomFunctionNode,), {"function": cls, "__module__": cls.__module__}
    )
    cls._uses_setup_context = uses_setup_context
    cls.apply = classmethod(_apply)


def _apply(cls: Any, *args: Any, **kwargs: Any) -> Any:
    """``MyOp.apply(*args)``: run ``forward`` without recording, then record one node for it."""
    keyword_only: dict[str, Any] = {}
    if kwargs:
        args, keyword_only = _bind(cls, args, kwargs)
    ctx = FunctionCtx()
    ctx._function_name = f"{cls.__name__}.forward"
    tensor_inputs = tuple([a for a in args if isinstance(a, Tensor)])
    record = autograd.is_grad_enabled() and any(t.requires_grad for t in tensor_inputs)
    ctx.needs_input_grad = tuple([record and isinstance(a, Tensor) and a.requires_grad for a in args])
    with no_grad():
        if cls._uses_setup_context:
            output = cls.forward(*args, **keyword_only)
            cls.setup_context(ctx, args, output)
        else:
            output = cls.forward(ctx, *args, **keyword_only)

    single_output = isinstance(output, Tensor)
    if not single_output and not isinstance(output, tuple):
        raise TypeError(
            f"{cls.__name__}.forward must return a Tensor or a tuple, got {type(output).__name__}"
        )
    raw_outputs = (output,) if single_output else output
    # Fresh tensors sharing the outputs' memory and versions: a forward that returns an input (or
    # any tensor it did not create) must not have that tensor's grad_fn overwritten.
    outputs = tuple(
        _view_of(Tensor._wrap(raw._data, raw._backend), raw) if isinstance(raw, Tensor) else raw
        for raw in raw_outputs
    )
    if record:
        differentiable = tuple(
            isinstance(raw, Tensor) and raw.dtype.kind in "fc" and id(raw) not in ctx._non_differentiable
            for raw in raw_outputs
        )
        if True in differentiable:
            _record(cls, ctx, args, tensor_inputs, raw_outputs, outputs, differentiable, single_output)
    return outputs[0] if single_output else outputs


def _bind(cls: Any, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """Keyword arguments in forward's positions (its gradients are one per position)."""
    signature = inspect.signature(cls.forward)
    leading = () if cls._uses_setup_context else (None,)  # the ctx slot
    bound = signature.bind(*leading, *args, **kwargs)
    bound.apply_defaults()
    for name, value in bound.kwargs.items():
        if isinstance(value, Tensor) and value.requires_grad:
            raise TypeError(
                f"{cls.__name__}.forward: keyword-only argument {name!r} is a Tensor that requires grad; "
                "make it a positional parameter so backward can return its gradient"
            )
    return bound.args[len(leading) :], bound.kwargs


def _record(
    cls: Any,
    ctx: FunctionCtx,
    args: tuple,
    tensor_inputs: tuple[Tensor, ...],
    raw_outputs: tuple,
    outputs: tuple,
    differentiable: tuple[bool, ...],
    single_output: bool,
) -> None:
    node = cls._backward_cls()
    node.backend = tensor_inputs[0]._backend
    node.inputs = tensor_inputs
    node.edges = tuple([t.grad_fn for t in tensor_inputs])
    node.needs_input_grad = tuple([t.requires_grad for t in tensor_inputs])
    node.freed = False
    node.ctx = ctx
    node.argument_is_tensor = tuple([isinstance(a, Tensor) for a in args])
    node.single_output = single_output
    node.differentiable = differentiable
    node.output_shapes = tuple(
        (raw.shape, raw._data.dtype, raw._backend) if isinstance(raw, Tensor) else None for raw in raw_outputs
    )
    ctx._node = weakref.ref(node)
    for index, (output, is_differentiable) in enumerate(zip(outputs, differentiable)):
        if is_differentiable:
            output._requires_grad = True
            output.grad_fn = node if single_output else OutputOf(node, index)
    # Saved inputs and intermediates are held as they are; a saved output is held as forward's own
    # tensor (no grad_fn, so no cycle) and handed to backward differentiable again (_output_for_backward).
    input_ids = {id(t) for t in tensor_inputs}
    output_index = {id(raw): index for index, raw in enumerate(raw_outputs) if id(raw) not in input_ids}
    ctx._saved = tuple(None if t is None else (t, t._version, output_index.get(id(t))) for t in ctx._to_save)
    ctx._to_save = ()
