"""``tg.utils.checkpoint.checkpoint``: activation checkpointing, as ``torch.utils.checkpoint``.

``checkpoint(function, *args)`` returns what ``function(*args)`` returns but keeps none of its
intermediate activations: backward runs ``function`` again (with the random state it first saw, so
dropout draws the same mask) and differentiates that recomputation. Memory falls from one segment's
activations per segment to one segment's in all, for one more forward per segment (Chen et al.,
"Training Deep Nets with Sublinear Memory Cost", 2016).

The first run records the graph only long enough to find the leaves it reaches (parameters and the
inputs), then drops it; one node stands for the whole call, with those leaves as its inputs, so
their gradients come out of backward as any op's do (``.backward()``, ``tg.autograd.grad``, hooks).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .. import autograd, rng
from ..autograd import Function
from ..tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential"]


def _detached_like(value: Any) -> Any:
    """A fresh leaf with ``value``'s data and requires_grad (the boundary of the recomputed graph)."""
    if not isinstance(value, Tensor):
        return value
    leaf = value.detach()
    leaf.requires_grad_(value.requires_grad)
    return leaf


def _leaves(outputs: Sequence[Tensor]) -> list[Tensor]:
    """The tensors requiring grad without a grad_fn (parameters, inputs) that ``outputs`` depend on."""
    found: dict[int, Tensor] = {}
    seen: set[int] = set()
    stack = [out.grad_fn for out in outputs if out.grad_fn is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for tensor, edge in zip(getattr(node, "inputs", ()), getattr(node, "edges", ())):
            if edge is not None:
                stack.append(edge)
            elif tensor.requires_grad:
                found.setdefault(id(tensor), tensor)
    return list(found.values())


class _Recomputation:
    """What backward needs to run ``function`` again: the call, the detached inputs, the RNG state."""

    def __init__(
        self, function: Callable[..., Any], args: tuple, kwargs: dict, preserve_rng_state: bool
    ) -> None:
        self.function, self.args, self.kwargs = function, args, kwargs
        self.rng_state = rng.get_rng_state() if preserve_rng_state else None
        # Backward recomputes from these very tensors: one changed in place since gives wrong gradients.
        self.versions = [(t, t._version) for t in (*args, *kwargs.values()) if isinstance(t, Tensor)]
        self.outputs: Any = None
        self.other_leaves: tuple[Tensor, ...] = ()

    def run(self, detached: bool = True) -> tuple[Any, tuple, dict]:
        """``function`` with grad recording on, on fresh leaves like the inputs (or, for a gradient
        that must itself be differentiable, on the inputs themselves): (result, args, kwargs)."""
        args = tuple(_detached_like(a) for a in self.args) if detached else self.args
        kwargs = {name: _detached_like(v) for name, v in self.kwargs.items()} if detached else self.kwargs
        with autograd.enable_grad():
            return self.function(*args, **kwargs), args, kwargs


def _tensors_in(value: Any, found: list[Tensor]) -> Callable[[Iterator[Tensor]], Any]:
    """Append the tensors inside ``value`` (a Tensor, or tuples, lists and dicts nested in any way,
    other values anywhere) to ``found`` in order; return a function that builds ``value`` again with
    the next tensors of an iterator in their places and every other value kept as it is."""
    if isinstance(value, Tensor):
        found.append(value)
        return lambda tensors: next(tensors)
    if isinstance(value, dict):
        built = {key: _tensors_in(item, found) for key, item in value.items()}
        return lambda tensors: _same_kind(value, {key: build(tensors) for key, build in built.items()})
    if isinstance(value, (tuple, list)):
        built_items = [_tensors_in(item, found) for item in value]
        return lambda tensors: _same_kind(value, [build(tensors) for build in built_items])
    return lambda tensors: value


def _same_kind(container: Any, items: Any) -> Any:
    """``items`` in a container of ``container``'s type (a namedtuple, an OrderedDict), else the plain one."""
    kind = type(container)
    if isinstance(container, tuple) and hasattr(container, "_fields"):
        return kind(*items)
    try:
        return kind(items)
    except TypeError:  # a subclass with another constructor (defaultdict): the plain container
        plain = dict if isinstance(container, dict) else list if isinstance(container, list) else tuple
        return plain(items)


class _Checkpoint(Function):
    """One node for a checkpointed call: its inputs are the leaves the call reached."""

    @staticmethod
    def forward(ctx: Any, recomputation: _Recomputation, *leaves: Tensor) -> Any:
        ctx.recomputation = recomputation
        first = recomputation.outputs
        outputs = tuple(o.detach() for o in first)
        ctx.mark_non_differentiable(*[out for out, o in zip(outputs, first) if not o.requires_grad])
        recomputation.outputs = None  # the first run's graph goes; backward builds its own
        return outputs

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Tensor) -> tuple[Tensor | None, ...]:
        recomputation: _Recomputation = ctx.recomputation
        for position, (tensor, version) in enumerate(recomputation.versions):
            if tensor._version != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: tensor argument {position} of the checkpointed function (shape "
                    f"{tensor.shape}) was changed in place after the checkpoint (version {version} -> "
                    f"{tensor._version}); backward would recompute from the new values"
                )
        create_graph = autograd.is_grad_enabled()  # backward(create_graph=True) records its own graph
        state = None
        if recomputation.rng_state is not None:
            state = rng.get_rng_state()
            rng.set_rng_state(recomputation.rng_state)
        try:
            result, args, kwargs = recomputation.run(detached=not create_graph)
        finally:
            if state is not None:
                rng.set_rng_state(state)
        outputs: list[Tensor] = []
        _tensors_in(result, outputs)
        if len(outputs) != len(grad_outputs):
            raise RuntimeError(
                f"checkpoint: the recomputation returned {len(outputs)} tensors, the first run "
                f"{len(grad_outputs)}: the function must compute the same thing both times"
            )
        # The node's inputs, in order: the tensor arguments, then the other leaves of the first run;
        # the other leaves are the same objects in the recomputed graph (parameters).
        fresh = [t for t in (*args, *kwargs.values()) if isinstance(t, Tensor) and t.requires_grad]
        targets = fresh + list(recomputation.other_leaves)
        pairs = [(out, g) for out, g in zip(outputs, grad_outputs, strict=True) if out.requires_grad]
        pairs = [(out, g) for out, g in pairs if g is not None]
        if not pairs:
            return (None,) * (1 + len(targets))
        # A tensor passed twice (checkpoint(f, x, x) with create_graph) is one target: its whole
        # gradient goes to its first position, so the node does not count it twice.
        unique = list({id(t): t for t in targets}.values())
        grads = autograd.grad(
            [out for out, _ in pairs],
            unique,
            [g for _, g in pairs],
            allow_unused=True,
            create_graph=create_graph,
        )
        by_id = {id(t): g for t, g in zip(unique, grads)}
        first = [by_id.pop(id(t), None) for t in targets]
        return (None, *first)  # none for the recomputation argument


def checkpoint(
    function: Callable[..., Any],
    *args: Any,
    use_reentrant: bool | None = None,
    preserve_rng_state: bool = True,
    **kwargs: Any,
) -> Any:
    """``function(*args, **kwargs)`` without keeping its activations; backward recomputes them.

    ``use_reentrant=True`` (PyTorch's old default, used when it is not given, with a warning) takes
    no keyword arguments and records nothing unless a Tensor argument requires grad;
    ``use_reentrant=False`` (recommended) also records when only the parameters inside do.
    """
    if not callable(function):
        raise TypeError(f"checkpoint: function must be callable, got {type(function).__name__}")
    if use_reentrant is None:
        warnings.warn(
            "tg.utils.checkpoint: the use_reentrant parameter should be passed explicitly; "
            "use_reentrant=False is recommended (True is used now, as in PyTorch)",
            UserWarning,
            stacklevel=2,
        )
        use_reentrant = True
    if use_reentrant and kwargs:
        raise ValueError(f"Unexpected keyword arguments: {', '.join(kwargs)} (use_reentrant=True takes none)")
    if not autograd.is_grad_enabled():
        return function(*args, **kwargs)
    recomputation = _Recomputation(function, args, kwargs, preserve_rng_state)
    result, fresh_args, fresh_kwargs = recomputation.run()
    # Any output as PyTorch's: a Tensor, or tensors among other values in tuples, lists and dicts.
    outputs: list[Tensor] = []
    rebuild = _tensors_in(result, outputs)
    fresh = [t for t in (*fresh_args, *fresh_kwargs.values()) if isinstance(t, Tensor) and t.requires_grad]
    originals = [t for t in (*args, *kwargs.values()) if isinstance(t, Tensor) and t.requires_grad]
    if use_reentrant and not originals:
        warnings.warn(
            "None of the inputs have requires_grad=True. Gradients will be None", UserWarning, stacklevel=2
        )
        outputs = [o.detach() for o in outputs]
    elif outputs:
        # The leaves the first run reached besides the arguments: the parameters inside ``function``.
        fresh_ids = {id(t) for t in fresh}
        reached = _leaves(outputs)
        recomputation.other_leaves = tuple(t for t in reached if id(t) not in fresh_ids)
        recomputation.outputs = tuple(outputs)
        outputs = _Checkpoint.apply(recomputation, *originals, *recomputation.other_leaves)
    return rebuild(iter(outputs))


def checkpoint_sequential(
    functions: Any, segments: int, input: Tensor, use_reentrant: bool | None = None, **kwargs: Any
) -> Tensor:
    """Run a Sequential (or a list of modules) in ``segments`` pieces, checkpointing all but the last."""
    modules = list(functions.children()) if hasattr(functions, "children") else list(functions)
    if not isinstance(segments, int) or not 1 <= segments <= max(len(modules), 1):
        raise ValueError(
            f"checkpoint_sequential: segments must be between 1 and {len(modules)}, got {segments!r}"
        )
    size = len(modules) // segments

    def run_segment(start: int, end: int) -> Callable[[Tensor], Tensor]:
        def forward(x: Tensor) -> Tensor:
            for module in modules[start : end + 1]:
                x = module(x)
            return x

        return forward

    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run_segment(start, end), input, use_reentrant=use_reentrant, **kwargs)
    return run_segment(end + 1, len(modules) - 1)(input)
