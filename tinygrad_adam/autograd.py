"""Reverse-mode automatic differentiation: the ``Function`` node, the backward engine, grad mode.

Every differentiable op is a ``Function`` (see ``ops.py``): ``forward`` computes an array from
arrays, ``backward`` maps the output's gradient to the inputs' gradients *using Tensor ops*, so
that with ``create_graph=True`` the gradients are themselves differentiable (Hessian-vector
products, Newton steps). The engine walks the graph iteratively, never recursively, so a chain of
100,000 ops backpropagates without touching Python's recursion limit.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .backend import Backend
    from .tensor import Tensor

_grad_enabled = True


def is_grad_enabled() -> bool:
    return _grad_enabled


class _GradMode(contextlib.ContextDecorator):
    """Context manager and decorator that sets whether ops record a graph."""

    enabled: bool

    def __new__(cls, function: Any = None) -> Any:
        # `@no_grad` without parentheses decorates too, as in PyTorch.
        instance = super().__new__(cls)
        return instance(function) if callable(function) else instance

    def _recreate_cm(self) -> _GradMode:
        # A fresh object per decorated call, so recursive or concurrent calls keep their own state.
        return type(self)()

    def __call__(self, function: Any) -> Any:
        if not inspect.isgeneratorfunction(function):
            return super().__call__(function)

        # A generator runs between next() calls, so the mode is set around each step of it (as in
        # PyTorch), not only around the call that creates it.
        @functools.wraps(function)
        def generator(*args: Any, **kwargs: Any) -> Any:
            steps = function(*args, **kwargs)
            sent = None
            while True:
                with self._recreate_cm():
                    try:
                        item = steps.send(sent)
                    except StopIteration as stop:
                        return stop.value
                sent = yield item

        return generator

    def __enter__(self) -> None:
        global _grad_enabled
        self._previous = _grad_enabled
        _grad_enabled = self.enabled

    def __exit__(self, *exc_info: Any) -> None:
        global _grad_enabled
        _grad_enabled = self._previous


class no_grad(_GradMode):
    """``with no_grad():`` or ``@no_grad()``: compute without building a graph (inference, updates)."""

    enabled = False


class inference_mode(no_grad):
    """``torch.inference_mode``'s spelling of ``no_grad``: compute without building a graph (here
    the two are one thing; PyTorch's extra bookkeeping savings have no counterpart)."""

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode):  # @inference_mode without parentheses
            return super().__new__(cls, mode)
        if not isinstance(mode, bool):
            raise TypeError(f"inference_mode(mode) needs a bool, got {type(mode).__name__}")
        return super().__new__(cls) if mode else _KeepGradMode()

    def __init__(self, mode: Any = True) -> None:
        pass


class _KeepGradMode(_GradMode):
    """``inference_mode(False)``: leaves grad mode as it is, as in PyTorch."""

    @property
    def enabled(self) -> bool:  # type: ignore[override]
        return _grad_enabled


class enable_grad(_GradMode):
    """Record a graph again inside a ``no_grad`` block."""

    enabled = True


class set_grad_enabled(_GradMode):
    """``set_grad_enabled(mode)``: switch graph recording on or off now; as a context manager, only
    inside the block (``with set_grad_enabled(is_training):``), as ``torch.set_grad_enabled``."""

    def __new__(cls, mode: bool) -> Any:
        return object.__new__(cls)

    def __init__(self, mode: bool) -> None:
        global _grad_enabled
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(mode) needs a bool, got {type(mode).__name__}")
        self.enabled, self._previous = mode, _grad_enabled
        _grad_enabled = mode

    def __enter__(self) -> None:  # the mode before the call was saved by __init__
        global _grad_enabled
        _grad_enabled = self.enabled

    def __call__(self, function: Any) -> Any:
        global _grad_enabled
        _grad_enabled = self._previous  # as a decorator it acts at each call, not at decoration
        return super().__call__(function)

    def _recreate_cm(self) -> _GradMode:
        return type(self)(self.enabled)


_tensor_class: Any = None  # tensor.Tensor, which imports this module: looked up once, on first use


def _load_tensor_class() -> Any:
    global _tensor_class
    from .tensor import Tensor

    _tensor_class = Tensor
    return Tensor


class Function:
    """One node of the graph: an op, the tensors it was applied to, and what backward needs.

    The engine's ops subclass it with ``forward(self, *arrays, **options) -> array`` and
    ``backward(self, grad: Tensor) -> tuple[Tensor | None, ...]`` (one entry per input).
    ``self.inputs`` holds the input tensors and ``self.output`` the result; ``saves_inputs`` /
    ``saves_output`` say whether backward reads their values, which is what the in-place check guards.
    ``self.edges`` holds each input's ``grad_fn`` as it was when the node was recorded: the graph's
    edges, which a later in-place change of an input (a new ``grad_fn`` for it) leaves as they were.

    A subclass with PyTorch's contract, ``@staticmethod forward(ctx, *args)`` and
    ``@staticmethod backward(ctx, *grad_outputs)`` on Tensors, is a custom op: see custom_function.py.
    """

    saves_inputs = True
    saves_output = False
    # A product (a·b, a @ b) reads each input only for the other's gradient: with the other a
    # constant, an in-place change of this input after the product leaves its backward right (PyTorch
    # saves no more than that either), so the in-place check lets it pass.
    reads_inputs_for_the_others = False
    _retained: Any = None  # a weak reference to the output, set by Tensor.retain_grad
    _output_version = 0  # the output's version when recorded (not 0 for an in-place op's node)
    _hooks: Any = None  # the output's gradient hooks (Tensor.register_hook): {id: (hook, _)}
    # A node whose gradient is a slice of its input's (GetItem) defines ``adds_into(self) -> bool``
    # (whether it can now) and ``add_into(total, grad)``, which adds ``grad`` into that slice of
    # ``total`` in place and returns the array holding the result (``total`` itself, but for a
    # backend that cannot write in place): the engine calls them instead of ``backward``, without
    # create_graph.
    adds_into: Any = None

    backend: Backend
    inputs: tuple[Tensor, ...]
    needs_input_grad: tuple[bool, ...]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if isinstance(inspect.getattr_static(cls, "forward"), staticmethod) or hasattr(cls, "setup_context"):
            from .custom_function import adopt_pytorch_contract

            adopt_pytorch_contract(cls)

    @classmethod
    def apply(cls, *inputs: Tensor, **options: Any) -> Tensor:
        """Run ``forward`` on the inputs' data and, if any input needs a gradient, record the node."""
        fn = cls()
        backend = fn.backend = inputs[0]._backend
        data = fn.forward(*[t._data for t in inputs], **options)
        out = (_tensor_class or _load_tensor_class())._wrap(data, backend)
        if _grad_enabled:
            needs = tuple([t._requires_grad for t in inputs])  # a list is built faster than a generator
            if True in needs:
                fn.inputs = inputs
                fn.edges = tuple([t.grad_fn for t in inputs])
                fn.needs_input_grad = needs
                fn.freed = False
                if cls.saves_inputs:
                    fn.saved_versions = tuple([t._version for t in inputs])
                if cls.saves_output:
                    fn._output_ref = weakref.ref(out)
                out._requires_grad = True
                out.grad_fn = fn
        return out

    @property
    def xp(self) -> Any:
        return self.backend.xp

    @property
    def output(self) -> Tensor:
        out = self._output_ref()
        if out is None or out._version != self._output_version:
            raise RuntimeError(
                f"{type(self).__name__}.backward needs its output, which was modified in place "
                "or freed; do not change tensors that backward still needs"
            )
        return out

    def forward(self, *arrays: Any, **options: Any) -> Any:
        raise NotImplementedError

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def _check_saved(fn: Function) -> None:
    if fn.freed:
        raise RuntimeError(
            f"trying to backward through the graph a second time ({type(fn).__name__}'s saved "
            "values were freed after the first backward); pass retain_graph=True to the first "
            "backward if you need to backward twice"
        )
    if fn.saves_inputs:
        for position, (tensor, version) in enumerate(zip(fn.inputs, fn.saved_versions)):
            if tensor._version != version and not (
                fn.reads_inputs_for_the_others
                and not any(needs for other, needs in enumerate(fn.needs_input_grad) if other != position)
            ):
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: input {position} of {type(fn).__name__} (shape {tensor.shape}) "
                    f"was modified in place after it was used (version {version} -> {tensor._version}), "
                    "directly or through a view sharing its memory (detach, reshape, slicing); "
                    "use an out-of-place op instead"
                )


def _topological_order(roots: Sequence[Function]) -> list[Function]:
    """Functions reachable from ``roots``, each before the functions that produced its inputs."""
    order: list[Function] = []
    visited: set[Function] = set()  # Functions hash by identity
    for root in roots:
        if root in visited:
            continue
        visited.add(root)
        stack: list[tuple[Function, int]] = [(root, 0)]
        while stack:
            fn, position = stack.pop()
            if fn.freed:
                _check_saved(fn)
            edges = fn.edges
            while position < len(edges):
                child = edges[position]
                position += 1
                if child is not None and child not in visited:
                    visited.add(child)
                    stack.append((fn, position))
                    stack.append((child, 0))
                    break
            else:
                order.append(fn)
    order.reverse()
    return order


def _on_paths_to(order: list[Function], wanted_fns: dict, leaf_ids: set[int]) -> list[Function]:
    """The functions of ``order`` from which a requested input is reached: PyTorch's engine runs only
    these for ``grad``/``backward(inputs=)``, so hooks off those paths (a module's input hook when only
    its weight is asked for) stay silent, and no work goes into gradients nobody asked for."""
    needed: set[Function] = set()
    for fn in reversed(order):  # each function after those that produced its inputs
        if fn in wanted_fns or any(
            id(t) in leaf_ids if edge is None else edge in needed for t, edge in zip(fn.inputs, fn.edges)
        ):
            needed.add(fn)
    return [fn for fn in order if fn in needed]


_anomaly_enabled = False
# Set by the first hook registered on a leaf tensor (Tensor.register_hook and
# register_post_accumulate_grad_hook): until then backward does not look for any.
leaf_hooks_registered = False


def is_anomaly_enabled() -> bool:
    """Whether backward checks every gradient it computes for NaN (``set_detect_anomaly``)."""
    return _anomaly_enabled


class set_detect_anomaly:  # noqa: N801 (PyTorch's spelling)
    """Turn anomaly detection on or off, as ``torch.autograd.set_detect_anomaly``: a call sets it
    now; used as a context manager it restores the previous mode on exit. When on, a backward node
    whose gradient holds NaN raises RuntimeError naming the node; when off it costs nothing."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        global _anomaly_enabled
        self.previous = _anomaly_enabled
        _anomaly_enabled = bool(mode) and bool(check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc_info: Any) -> None:
        global _anomaly_enabled
        _anomaly_enabled = self.previous


class detect_anomaly(contextlib.ContextDecorator):  # noqa: N801 (PyTorch's spelling)
    """A context manager (or decorator) with anomaly detection on inside, as
    ``torch.autograd.detect_anomaly``."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> None:
        global _anomaly_enabled
        self.previous = _anomaly_enabled
        _anomaly_enabled = bool(self.check_nan)

    def __exit__(self, *exc_info: Any) -> None:
        global _anomaly_enabled
        _anomaly_enabled = self.previous


def _check_anomaly(fn: Function, input_grads: Sequence[Tensor | None]) -> None:
    """PyTorch's anomaly check: the first gradient ``fn.backward`` returned with NaN in it is an error."""
    for position, value in enumerate(input_grads):
        if value is None or value.dtype.kind not in "fc":
            continue
        xp = value._backend.xp
        if bool(value._backend.to_numpy(xp.any(xp.isnan(value._data)))):
            raise RuntimeError(
                f"Function '{type(fn).__name__}Backward0' returned nan values in its {position}th output."
            )


def run_backward(
    outputs: Sequence[Tensor],
    grad_outputs: Sequence[Tensor],
    inputs: Sequence[Tensor] | None,
    retain_graph: bool,
    create_graph: bool,
) -> list[Tensor | None] | None:
    """Propagate ``grad_outputs`` back from ``outputs``.

    With ``inputs=None`` gradients are accumulated into every reachable leaf's ``.grad``
    (``Tensor.backward``); otherwise they are returned for ``inputs`` only (``grad``).
    """
    global _grad_enabled
    fn_grads: dict[Function, Tensor] = {}
    leaf_grads: dict[int, tuple[Tensor, Tensor]] = {}
    # Sums this pass made and alone holds (by id), so later terms are added into them in place;
    # a sum leaves the set when it is handed on. Without create_graph only: a graph needs new tensors.
    owned: set[int] = set()

    # A tensor's gradient is kept by the node that made it (``edge``: its grad_fn when a consumer
    # was recorded), a leaf's by the leaf itself.
    def current(tensor: Tensor, edge: Function | None) -> Tensor | None:
        if edge is not None:
            return fn_grads.get(edge)
        entry = leaf_grads.get(id(tensor))
        return None if entry is None else entry[1]

    def store(tensor: Tensor, edge: Function | None, total: Tensor) -> None:
        if edge is not None:
            fn_grads[edge] = total
        else:
            leaf_grads[id(tensor)] = (tensor, total)

    def add_grad(tensor: Tensor, edge: Function | None, grad: Tensor) -> None:
        if edge is None and not tensor._requires_grad:
            return
        previous = current(tensor, edge)
        if previous is None:
            store(tensor, edge, grad)
        # (a multi-output node's OutputGrads has no _data: it is merged by +, below)
        elif id(previous) in owned and hasattr(previous, "_data") and (
            previous._data.shape == grad._data.shape and previous._data.dtype == grad._data.dtype
        ):
            previous._data += grad._data
        else:
            total = previous + grad
            if not create_graph:
                owned.add(id(total))
            store(tensor, edge, total)

    def add_grad_at(tensor: Tensor, edge: Function | None, fn: Function, grad: Tensor) -> None:
        """Add the gradient of ``fn``'s slice of ``tensor`` into the sum for all of ``tensor``:
        work in proportion to the slice, where a zero-padded whole per slice would cost a loop over
        a sequence's time steps (``x[:, t]``) time quadratic in its length."""
        if edge is None and not tensor._requires_grad:
            return
        total = current(tensor, edge)
        if total is None or id(total) not in owned or total._data.dtype != grad._data.dtype:
            backend = tensor._backend
            zeros = backend.xp.zeros(tensor.shape, dtype=grad._data.dtype, **backend.creation_kwargs)
            new = (_tensor_class or _load_tensor_class())._wrap(zeros, backend)
            if total is not None:
                new._data += total._data
            owned.add(id(new))
            store(tensor, edge, new)
            total = new
        total._data = fn.add_into(total._data, grad._data)  # (a new array only off in-place backends)

    wanted_fns: dict[Function, list[int]] = {}
    if inputs is not None:
        for position, tensor in enumerate(inputs):
            if tensor.grad_fn is not None:
                wanted_fns.setdefault(tensor.grad_fn, []).append(position)
    captured: list[Tensor | None] = [None] * (len(inputs) if inputs is not None else 0)

    processed: list[Function] = []
    previous_mode = _grad_enabled
    _grad_enabled = create_graph
    try:
        roots = []
        for output, grad in zip(outputs, grad_outputs):
            add_grad(output, output.grad_fn, grad)
            if output.grad_fn is not None:
                roots.append(output.grad_fn)
        order = _topological_order(roots)
        if inputs is not None:
            order = _on_paths_to(order, wanted_fns, {id(t) for t in inputs if t.grad_fn is None})
        for fn in order:
            grad = fn_grads.pop(fn, None)
            if grad is None:
                continue
            owned.discard(id(grad))  # handed on: backward may pass it along or keep it
            if fn._hooks:  # Tensor.register_hook on this node's output, before anyone reads the gradient
                grad = run_grad_hooks(fn._hooks, grad)
            if wanted_fns:
                for position in wanted_fns.get(fn, ()):
                    captured[position] = grad
            retained = fn._retained
            if retained is not None and retained() is not None:  # retain_grad(): with grad() too, as PyTorch
                holder = retained()
                holder.grad = grad if holder.grad is None else holder.grad + grad
            _check_saved(fn)
            if fn.adds_into is not None and not create_graph and fn.adds_into():
                add_grad_at(fn.inputs[0], fn.edges[0], fn, grad)
                if not retain_graph:
                    processed.append(fn)
                continue
            input_grads = fn.backward(grad)
            if _anomaly_enabled:
                _check_anomaly(fn, input_grads)
            for tensor, edge, needs, input_grad in zip(fn.inputs, fn.edges, fn.needs_input_grad, input_grads):
                if needs and input_grad is not None:
                    add_grad(tensor, edge, input_grad)
            if not retain_graph:
                processed.append(fn)
    finally:
        _grad_enabled = previous_mode
        # Drop inputs and saved arrays so their memory goes; done at the end because later
        # nodes may still read outputs that only these nodes keep alive.
        for fn in processed:
            fn.__dict__.clear()
            fn.freed = True
            fn.inputs = fn.edges = ()

    if leaf_hooks_registered:  # a leaf's hooks see the sum of its gradients from this pass
        for key, (tensor, grad) in leaf_grads.items():
            hooks = getattr(tensor, "_grad_hooks", None)
            if hooks:
                leaf_grads[key] = (tensor, run_grad_hooks(hooks, grad))
    if inputs is not None:
        for position, tensor in enumerate(inputs):
            if tensor.grad_fn is None and id(tensor) in leaf_grads:
                captured[position] = leaf_grads[id(tensor)][1]
        return captured
    store_grads([(tensor, grad) for tensor, grad in leaf_grads.values()], grad_outputs, create_graph)
    return None


def run_grad_hooks(hooks: dict, grad: Tensor) -> Tensor:
    """Pass ``grad`` through the hooks of ``Tensor.register_hook`` in order; a hook that returns a
    tensor replaces the gradient, which must keep its shape, dtype and device (as in PyTorch)."""
    for hook, _ in list(hooks.values()):
        result = hook(grad)
        if result is None:
            continue
        name = getattr(hook, "__name__", type(hook).__name__)
        if not isinstance(result, (_tensor_class or _load_tensor_class())):
            raise TypeError(f"hook '{name}' returned a {type(result).__name__}; return a Tensor or None")
        for what, got, expected in (
            ("size", result.shape, grad.shape),
            ("type", result.dtype, grad.dtype),
            ("device", result.device, grad.device),
        ):
            if got != expected:
                raise RuntimeError(
                    f"hook '{name}' has changed the {what} of value: expected {expected}, got {got}"
                )
        grad = result
    return grad


def store_grads(pairs: list[tuple[Tensor, Tensor]], seeds: Sequence[Tensor], create_graph: bool) -> None:
    """Add each gradient into its tensor's ``.grad``, as PyTorch's AccumulateGrad: the first one is
    stored, later ones are added in place (a ``g = x.grad`` kept by the caller sees them), except
    under ``create_graph``, where the sum must stay a graph. Each ``.grad`` gets memory of its own:
    an array that backward handed to two leaves (``a + b``), or a seed the caller passed in, is
    copied, so changing one gradient in place (``a.grad.data.add_(1)``) never changes another."""
    given = {id(seed._data) for seed in seeds}
    for tensor, grad in pairs:
        existing = tensor.grad
        if create_graph:
            tensor.grad = grad if existing is None else existing + grad
        elif (
            existing is not None
            and not existing._requires_grad
            and existing.shape == grad.shape
            and existing._data.dtype == grad._data.dtype
            and existing._backend is grad._backend
            and existing._backend.writable(existing._data)
        ):
            existing._data += grad._data  # in place, as PyTorch accumulates
            existing._version += 1
        else:
            grad = _detached(grad)
            if id(grad._data) in given or not grad._backend.writable(grad._data):  # shared, or a broadcast
                grad._data = grad._backend.xp.asarray(grad._data, copy=True)
            given.add(id(grad._data))
            tensor.grad = grad if existing is None else existing + grad
        hooks = getattr(tensor, "_post_accumulate_grad_hooks", None) if leaf_hooks_registered else None
        if hooks:  # Tensor.register_post_accumulate_grad_hook: called with the tensor, .grad now final
            for hook, _ in list(hooks.values()):
                hook(tensor)


def _tensors(value: Any, name: str, function: str, tensor_class: type) -> list[Tensor]:
    """``value`` (a Tensor or an iterable of them, such as ``model.parameters()``) as a list, or a
    TypeError naming what is not one."""
    if isinstance(value, tensor_class):
        return [value]
    items = None if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") else list(value)
    if items is None or not all(isinstance(item, tensor_class) for item in items):
        raise TypeError(f"{function}: {name} must be a Tensor or a sequence of Tensors, got {value!r}")
    return items


def _detached(gradient: Tensor) -> Tensor:
    """``gradient`` cut from the graph as a tensor of its own, not a view of an intermediate one
    (cheaper than ``detach``, and a gradient's in-place changes count against no other tensor)."""
    return (_tensor_class or _load_tensor_class())._wrap(gradient._data, gradient._backend)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence[Tensor] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Gradients of ``outputs`` with respect to ``inputs``, returned rather than accumulated.

    With ``create_graph=True`` the returned gradients are differentiable, so ``grad`` can be
    applied again (Hessian-vector products, second derivatives).
    """
    from .tensor import Tensor, _initial_grad

    outputs = _tensors(outputs, "outputs", "grad", Tensor)
    inputs = _tensors(inputs, "inputs", "grad", Tensor)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty: name the tensors to differentiate")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    for tensor in inputs:
        if not tensor.requires_grad:
            raise RuntimeError(f"an input of shape {tensor.shape} does not require grad")
    seeds = [_initial_grad(out, g) for out, g in zip(outputs, grad_outputs)]
    if retain_graph is None:
        retain_graph = create_graph
    result = run_backward(outputs, seeds, inputs, retain_graph, create_graph)
    assert result is not None
    for position, value in enumerate(result):
        if value is None and not allow_unused:
            raise RuntimeError(
                f"input {position} (shape {inputs[position].shape}) was not used to compute the "
                "outputs; pass allow_unused=True to get None for it"
            )
        if value is not None and not create_graph:
            result[position] = _detached(value)
    return tuple(result)


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Tensor | Sequence[Tensor] | None = None,
) -> None:
    """``torch.autograd.backward``: accumulate the gradients of several outputs at once into the
    leaves' ``.grad`` (one backward pass, so shared parts of the graph are walked once).

    ``grad_tensors`` holds one seed per tensor (None for a scalar, as in ``Tensor.backward``).
    """
    from .tensor import Tensor, _initial_grad

    tensors = _tensors(tensors, "tensors", "backward", Tensor)
    if grad_tensors is None:
        grad_tensors = [None] * len(tensors)
    elif isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors]
    if len(grad_tensors) != len(tensors):
        raise ValueError(f"backward: {len(tensors)} tensors but {len(grad_tensors)} grad_tensors")
    for position, tensor in enumerate(tensors):
        if not tensor.requires_grad:
            raise RuntimeError(
                f"backward: tensor {position} (shape {tensor.shape}) does not require grad: no input of "
                "it has requires_grad=True (or it was computed under no_grad)"
            )
    seeds = [_initial_grad(tensor, seed) for tensor, seed in zip(tensors, grad_tensors)]
    accumulate(tensors, seeds, retain_graph, create_graph, inputs)


def accumulate(
    tensors: list[Tensor],
    seeds: list[Tensor],
    retain_graph: bool | None,
    create_graph: bool,
    inputs: Tensor | Sequence[Tensor] | None,
) -> None:
    """One backward pass from ``tensors`` (each with its seed gradient) that adds into every
    leaf's ``.grad``, or only into the ``.grad`` of ``inputs`` (leaves or not) when given: the
    work of ``Tensor.backward`` and ``backward``."""
    for name, flag in (("retain_graph", retain_graph), ("create_graph", create_graph)):
        if flag is not None and not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"backward: {name} must be a bool, got {flag!r}")
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is None:
        run_backward(tensors, seeds, None, retain_graph, create_graph)
        return
    inputs = _tensors(inputs, "inputs", "backward", _tensor_class or _load_tensor_class())
    if not inputs:
        raise RuntimeError(
            "`inputs` argument to `backward()` cannot be empty: leave it out to fill every leaf's .grad"
        )
    for tensor in inputs:
        if not tensor.requires_grad:
            raise RuntimeError(f"backward: an input of shape {tensor.shape} does not require grad")
    found = run_backward(tensors, seeds, inputs, retain_graph, create_graph)
    assert found is not None
    # (a non-leaf input that retains its grad has it already, from the pass itself)
    pairs = [(t, value) for t, value in zip(inputs, found) if value is not None and not t.retains_grad]
    store_grads(pairs, seeds, create_graph)


def __getattr__(name: str) -> Any:
    # torch.autograd.gradcheck's spelling, loaded on first use (gradcheck imports this module).
    if name == "gradcheck":
        from .gradcheck import gradcheck

        return gradcheck
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# torch.autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp): an attribute of this module and,
# registered in sys.modules, importable as ``tinygrad_adam.autograd.functional`` too.
import sys as _sys  # noqa: E402

from . import autograd_functional as functional  # noqa: E402

_sys.modules[__name__ + ".functional"] = functional
