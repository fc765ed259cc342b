"""``Module``, the base of every layer: it registers parameters, sub-modules and buffers by name.

Names follow PyTorch: ``named_parameters()`` yields ``"0.weight"``, ``"encoder.1.bias"`` in the
order the attributes were assigned, so optimizers, ``state_dict()`` and checkpoints agree on it.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from ..autograd import no_grad
from ..backend import get_backend
from ..tensor import DType, Tensor, _resolve_dtype, check_memory_format


class Parameter(Tensor):
    """A tensor that a ``Module`` treats as a learnable weight: a leaf that requires grad.

    ``Parameter(tensor)`` shares the tensor's data (no copy), as ``torch.nn.Parameter`` does.
    """

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True) -> None:
        if isinstance(data, Tensor):
            self._data, self._backend = data._data, data._backend
            self.grad, self.grad_fn, self._version = None, None, 0
            self._requires_grad = False
        else:
            super().__init__(data)
        if self.dtype.kind != "f":
            raise TypeError(f"a Parameter must be floating point, got {self.dtype}")
        self.requires_grad_(requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class _BufferMeta(type):
    """``isinstance(t, Buffer)`` also holds for the plain Tensor a module registered from a Buffer,
    as PyTorch's flag on the tensor makes it."""

    def __instancecheck__(cls, instance: Any) -> bool:
        if cls is Buffer and isinstance(instance, Tensor):
            marked = _registered_buffers.get(id(instance))
            if marked is not None and marked[0]() is instance:
                return True
        return type.__instancecheck__(cls, instance)


# id -> (the plain tensor a Buffer became, its persistence)
_registered_buffers: dict[int, tuple[weakref.ref, bool]] = {}


def _as_registered_buffer(buffer: Buffer) -> Tensor:
    """The plain Tensor a module keeps for ``buffer``: its data and ``requires_grad``, still a Buffer
    to ``isinstance`` (with the same persistence where assigned to another module)."""
    plain = Tensor._wrap(buffer._data, buffer._backend).requires_grad_(buffer.requires_grad)
    key = id(plain)
    forget = lambda _: _registered_buffers.pop(key, None)  # noqa: E731
    _registered_buffers[key] = (weakref.ref(plain, forget), buffer.persistent)
    return plain


def _persistence(buffer: Tensor) -> bool:
    """A Buffer's ``persistent``, or that of the Buffer a registered plain tensor came from."""
    return buffer.persistent if type(buffer) is Buffer else _registered_buffers[id(buffer)][1]


class Buffer(Tensor, metaclass=_BufferMeta):
    """``torch.nn.Buffer``: a tensor that a ``Module`` attribute assignment registers as a buffer
    (``persistent`` ones are part of ``state_dict()``), where a plain Tensor stays a plain attribute.
    ``Buffer(tensor)`` shares the tensor's data and keeps its ``requires_grad``, as PyTorch's does;
    once registered the module holds a plain Tensor on that data (PyTorch's Buffer is a Tensor)."""

    __slots__ = ("persistent",)

    def __init__(self, data: Tensor | None = None, *, persistent: bool = True) -> None:
        if data is None:
            data = Tensor([])
        if not isinstance(data, Tensor):
            raise TypeError(f"Buffer: data must be a Tensor or None, got {type(data).__name__}")
        self._data, self._backend = data._data, data._backend
        self.grad, self.grad_fn, self._version, self._requires_grad = None, None, 0, False
        self.requires_grad_(data.requires_grad)
        self.persistent = bool(persistent)

    def __reduce__(self) -> tuple:
        # As a Tensor's (by value), with the persistence kept.
        data = Tensor(self.numpy(), device=self.device)
        return (_rebuild_buffer, (data, self.requires_grad, self.persistent))


def _rebuild_buffer(data: Tensor, requires_grad: bool, persistent: bool) -> Buffer:
    return Buffer(data.requires_grad_(requires_grad), persistent=persistent)


class RemovableHandle:
    """What ``register_forward_hook`` and ``register_forward_pre_hook`` return: ``remove()`` (or
    leaving a ``with`` block) takes the hook away again."""

    _next_id = 0

    def __init__(
        self, hooks: OrderedDict, hook: Callable[..., Any], with_kwargs: bool, prepend: bool
    ) -> None:
        if not callable(hook):
            raise TypeError(f"a hook must be callable, got {type(hook).__name__}")
        RemovableHandle._next_id += 1
        self.id = RemovableHandle._next_id
        self._hooks = hooks
        hooks[self.id] = (hook, with_kwargs)
        if prepend:
            hooks.move_to_end(self.id, last=False)

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` found missing from, or extra in, the state."""

    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        # As PyTorch's, so that a notebook cell ending in load_state_dict(...) shows the same line.
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"


class Module:
    """Base class of layers and models: subclasses set attributes in ``__init__`` and define ``forward``.

    Assigning a ``Parameter`` or a ``Module`` to an attribute registers it under that name; tensors
    that are state but not learnable (running statistics, class weights) are registered with
    ``register_buffer``.
    """

    training: bool
    # Backward hooks, made per module on the first registration (empty here: most modules have none).
    _backward_hooks: Any = ()
    _backward_pre_hooks: Any = ()

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._forward_pre_hooks or self._forward_hooks or self._backward_hooks or self._backward_pre_hooks:
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    # -- forward hooks -----------------------------------------------------------------------
    def register_forward_pre_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, args)`` before each ``forward``; a result other than None replaces the
        positional arguments (a non-tuple becomes a 1-tuple). With ``with_kwargs``:
        ``hook(module, args, kwargs)`` returning None or ``(args, kwargs)``. As in PyTorch."""
        return RemovableHandle(self._forward_pre_hooks, hook, with_kwargs, prepend)

    def register_forward_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, args, output)`` (``hook(module, args, kwargs, output)`` with
        ``with_kwargs``) after each ``forward``; a result other than None replaces the output."""
        return RemovableHandle(self._forward_hooks, hook, with_kwargs, prepend)

    def register_full_backward_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` in backward, once the gradients with
        respect to the module's positional inputs are known (None for non-tensors and inputs that
        need none); a tuple it returns replaces ``grad_input``. As in PyTorch (see backward_hooks.py)."""
        return RemovableHandle(self._own_hooks("_backward_hooks"), hook, False, prepend)

    def register_full_backward_pre_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` in backward, before the module's own gradients are
        computed; a tuple it returns replaces ``grad_output``."""
        return RemovableHandle(self._own_hooks("_backward_pre_hooks"), hook, False, prepend)

    def register_backward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """PyTorch's deprecated spelling; here it registers a full backward hook, whose
        ``grad_input`` is with respect to the module's inputs (PyTorch's old hook saw only its last op's)."""
        return self.register_full_backward_hook(hook)

    def _own_hooks(self, name: str) -> OrderedDict:
        hooks = self.__dict__.get(name)
        if hooks is None:
            hooks = OrderedDict()
            object.__setattr__(self, name, hooks)
        return hooks

    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        for hook, with_kwargs in list(self._forward_pre_hooks.values()):
            if with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(
                            "a forward pre-hook registered with with_kwargs=True must return None or "
                            f"(args, kwargs), got {type(result).__name__}"
                        )
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        backward_hook = None
        if self._backward_hooks or self._backward_pre_hooks:
            from .backward_hooks import BackwardHook

            backward_hook = BackwardHook(
                self,
                [hook for hook, _ in self._backward_hooks.values()] if self._backward_hooks else [],
                [hook for hook, _ in self._backward_pre_hooks.values()] if self._backward_pre_hooks else [],
            )
            args = backward_hook.setup_input_hook(args)
        output = self.forward(*args, **kwargs)
        for hook, with_kwargs in list(self._forward_hooks.values()):
            result = hook(self, args, kwargs, output) if with_kwargs else hook(self, args, output)
            if result is not None:
                output = result
        if backward_hook is not None:
            output = backward_hook.setup_output_hook(output)
        return output

    # -- registration ------------------------------------------------------------------------
    # Registered objects live both in their registry (for the traversals below) and in the
    # instance __dict__, so that reading `self.weight` in forward costs a plain attribute lookup.
    def __setattr__(self, name: str, value: Any) -> None:
        state = self.__dict__
        parameters, buffers, modules = state.get("_parameters"), state.get("_buffers"), state.get("_modules")
        if parameters is None:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() has run: call super().__init__() first"
            )
        if isinstance(value, Parameter):
            self._forget(name, keep=parameters)
            parameters[name] = value
        elif isinstance(value, Module):
            self._forget(name, keep=modules)
            modules[name] = value
        elif name in parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} to parameter {name!r} "
                    "(a Parameter or None is expected)"
                )
            parameters[name] = None
        elif name in modules:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} to sub-module {name!r}")
            modules[name] = None
        elif isinstance(value, Buffer):
            self.register_buffer(name, value, _persistence(value))
            return
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign {type(value).__name__} to buffer {name!r}")
            buffers[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._forget(name)
        object.__delattr__(self, name)

    def _forget(self, name: str, keep: dict | None = None) -> None:
        """Drop ``name`` from the registries but ``keep``, where a new value will take its old place
        (so replacing a layer keeps the order of ``parameters()`` and ``state_dict()``, as in PyTorch)."""
        for registry in (self._parameters, self._buffers, self._modules):
            if registry is not keep:
                registry.pop(name, None)
        self._non_persistent_buffers.discard(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or ``None``, a declared but absent parameter such as ``bias=False``)."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter({name!r}) needs a Parameter or None, got {type(param).__name__}"
            )
        self._check_new_name(name, self._parameters)
        self._forget(name, keep=self._parameters)
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register non-learnable state; persistent buffers are part of ``state_dict()``."""
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer({name!r}) needs a Tensor or None, got {type(tensor).__name__}")
        self._check_new_name(name, self._buffers)
        self._forget(name, keep=self._buffers)
        if type(tensor) is Buffer:  # kept as a plain Tensor, as PyTorch's Buffer is one
            tensor = _as_registered_buffer(tensor)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers.add(name)
        object.__setattr__(self, name, tensor)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module({name!r}) needs a Module, got {type(module).__name__}")
        self._check_new_name(name, self._modules)
        self._forget(name, keep=self._modules)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    def register_module(self, name: str, module: Module | None) -> None:
        """``add_module``'s other name, as in PyTorch."""
        self.add_module(name, module)

    def _check_new_name(self, name: str, registry: dict) -> None:
        """As PyTorch: a name must be a non-empty string without '.' (a KeyError otherwise, a
        TypeError for a non-string), and not an attribute that ``registry`` does not hold already."""
        if not isinstance(name, str):
            raise TypeError(f"a module member's name must be a string, got {type(name).__name__}")
        if not name or "." in name:
            raise KeyError(f"invalid name {name!r}: a non-empty string without '.' is needed")
        if name not in registry and hasattr(self, name):
            raise KeyError(f"attribute {name!r} already exists: pick another name")

    def get_submodule(self, target: str) -> Module:
        """The sub-module at the dotted path ``target`` ("" is this module), as in PyTorch."""
        module = self
        for part in target.split(".") if target else ():
            child = module._modules.get(part)
            if child is None:
                owner = type(module).__name__
                raise AttributeError(f"{owner} has no sub-module {part!r} (looking up {target!r})")
            module = child
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at the dotted path ``target`` (e.g. ``"0.weight"``), as in PyTorch."""
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        param = module._parameters.get(name)
        if param is None:
            raise AttributeError(f"{type(module).__name__} has no parameter {name!r} (looking up {target!r})")
        return param

    # -- traversal ---------------------------------------------------------------------------
    def named_modules(
        self, prefix: str = "", *, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and every sub-module, depth first, each once (each time it is reached with
        ``remove_duplicate=False``), with dotted names."""
        seen: set[int] = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate and id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [
                (f"{name}.{n}" if name else n, m) for n, m in module._modules.items() if m is not None
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for name, module in self._modules.items():
            if module is not None:
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        seen: set[int] = set()
        modules = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        for module_name, module in modules:
            for name, member in getattr(module, registry).items():
                if member is None or (remove_duplicate and id(member) in seen):
                    continue
                seen.add(id(member))  # a shared (tied) tensor is listed once, under its first name
                yield (f"{module_name}.{name}" if module_name else name), member

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """``(dotted name, parameter)`` in registration order; tied parameters appear once (under each
        of their names with ``remove_duplicate=False``)."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)  # type: ignore[misc]

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    # -- modes and gradients -----------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode here and in every sub-module (Dropout acts only in training)."""
        if not isinstance(mode, bool):  # a ValueError, as PyTorch raises
            kind = type(mode).__name__
            raise ValueError(f"train(mode): training mode is expected to be boolean, got {kind}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode, ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (``False``) or unfreeze every parameter."""
        if not isinstance(requires_grad, bool):
            raise TypeError(f"requires_grad_(requires_grad) needs a bool, got {type(requires_grad).__name__}")
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop the parameters' gradients (``None``), or with ``set_to_none=False`` zero them."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:  # new zeros: a gradient's memory may be shared (another parameter's, a view)
                param.grad = Tensor._wrap(param._backend.xp.zeros_like(param.grad._data), param._backend)

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every sub-module, then on this one (as ``torch.nn.Module.apply``); returns
        ``self``. The usual use is a custom initialisation: ``model.apply(init_weights)``."""
        if not callable(fn):
            raise TypeError(f"apply(fn) needs a callable, got {type(fn).__name__}")
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- device and dtype --------------------------------------------------------------------
    def to(
        self,
        device: str | DType | None = None,
        dtype: DType | None = None,
        non_blocking: bool = False,
        memory_format: Any = None,
    ) -> Module:
        """Move (and/or cast) every parameter and buffer in place; returns ``self``.

        The same ``Parameter`` objects are kept, with new data, so an optimizer built before the
        move still holds them. Only floating-point tensors are cast, as in PyTorch, and as there
        a dtype may come first: ``model.to(tg.float64)``. ``non_blocking`` is accepted as in
        PyTorch and changes nothing: every copy here completes before ``to`` returns; so is
        ``memory_format`` (``tg.channels_last``), as values never depend on the layout.
        """
        del non_blocking
        check_memory_format(memory_format, "Module.to")
        if device is not None and not isinstance(device, str):
            device, dtype = None, device
        backend = get_backend(device) if device is not None else None
        dtype = _resolve_dtype(dtype)
        if dtype is not None and dtype.kind != "f":
            raise TypeError(f"Module.to(dtype=...) needs a floating-point dtype, got {dtype}")
        with no_grad():
            for tensor in [*self.parameters(), *self.buffers()]:
                _move_in_place(tensor, backend, dtype)
                if tensor.grad is not None:
                    _move_in_place(tensor.grad, backend, dtype)
        return self

    def float(self) -> Module:
        return self.to(dtype=np.float32)

    def double(self) -> Module:
        return self.to(dtype=np.float64)

    def half(self) -> Module:
        return self.to(dtype=np.float16)

    def cpu(self) -> Module:
        return self.to("cpu")

    # -- saving and loading ------------------------------------------------------------------
    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> OrderedDict[str, Tensor]:
        """Every parameter and persistent buffer by dotted name, in registration order.

        Values are detached copies: a snapshot that later training does not change, whichever way
        an optimizer writes its parameters (PyTorch hands out aliases instead). ``keep_vars=True``
        gives the parameter objects themselves.
        """
        state: OrderedDict[str, Tensor] = OrderedDict()
        # Every path to a module, so a shared one is saved under each of its names, as in PyTorch;
        # the prefix is put in front as given (``prefix="model."`` gives ``"model.0.weight"``).
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            dot, module = stack.pop()
            children = [(f"{dot}{n}.", m) for n, m in module._modules.items() if m is not None]
            stack.extend(reversed(children))
            members = [*module._parameters.items()]
            members += [(n, b) for n, b in module._buffers.items() if n not in module._non_persistent_buffers]
            for name, tensor in members:
                if tensor is not None:
                    state[dot + name] = tensor if keep_vars else _copy(tensor)
        return state

    def load_state_dict(
        self, state_dict: dict[str, Any], strict: bool = True, assign: bool = False
    ) -> IncompatibleKeys:
        """Copy ``state_dict`` (Tensors or NumPy arrays) into the parameters and buffers, in place.

        Each value goes onto its parameter's device and is cast to its dtype, as PyTorch's
        ``param.copy_(input_param)`` does (a float64 state loads into a float32 model; a float
        ``num_batches_tracked`` into an int64 buffer). A shape mismatch, or a value that is not a
        Tensor or NumPy array, always raises ``RuntimeError``; with ``strict=True`` (the default) so
        do missing and unexpected keys. All problems are named in one message, and a load that fails
        changes nothing. Returns the missing and unexpected keys.

        ``assign=True`` (PyTorch's) makes the state's tensors themselves the module's parameters and
        buffers instead of copying into them: no copy, so their dtype and device are the state's (a
        NumPy array goes onto the old tensor's device); a parameter stays a ``Parameter`` keeping the
        old one's ``requires_grad``. Rebuild optimizers afterwards: they still hold the old tensors.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict expects a mapping of names to tensors (from state_dict()), "
                f"got {type(state_dict).__name__}"
            )
        state_dict = self._run_load_state_dict_pre_hooks(state_dict, strict)
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        problems = []
        if strict:
            problems += [f"missing key {k!r}" for k in missing]
            problems += [f"unexpected key {k!r}" for k in unexpected]
        arrays = {}
        for name, target in own.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            if isinstance(value, Tensor):
                shape, dtype = value.shape, value.dtype
            elif isinstance(value, (np.ndarray, np.generic)):
                shape, dtype = tuple(np.shape(value)), np.asarray(value).dtype
            else:
                problems.append(f"{name!r}: expected a Tensor or NumPy array, got {type(value).__name__}")
                continue
            if shape != target.shape:
                problems.append(f"{name!r}: shape {shape} in the state, {target.shape} in the model")
            elif assign and isinstance(target, Parameter) and dtype.kind != "f":
                problems.append(f"{name!r}: dtype {dtype} in the state cannot be a Parameter (not a float)")
            else:
                arrays[name] = value
        if problems:
            hint = ""
            if not arrays and any(isinstance(state_dict.get(k), Mapping) for k in ("model", "state_dict")):
                key = "model" if isinstance(state_dict.get("model"), Mapping) else "state_dict"
                hint = (
                    f"\n(this looks like a whole training checkpoint: load its {key!r} entry, "
                    f"model.load_state_dict(checkpoint[{key!r}]), or use tg.train.load_training_state)"
                )
            raise RuntimeError(
                f"error(s) loading state_dict into {type(self).__name__}:\n  " + "\n  ".join(problems) + hint
            )
        if assign:
            self._assign_state(own, arrays)
            return IncompatibleKeys(missing, unexpected)
        with no_grad():
            for name, value in arrays.items():
                target = own[name]
                backend = target._backend
                if isinstance(value, Tensor) and value._backend is backend:
                    data = value._data
                else:
                    data = backend.asarray(value.numpy() if isinstance(value, Tensor) else np.asarray(value))
                if data.dtype != target._data.dtype:  # PyTorch's param.copy_(input_param) casts
                    data = backend.xp.astype(data, target._data.dtype)
                target._data = backend.copy_like(data, target._data)  # a copy, in the target's layout
                target._version += 1
        return IncompatibleKeys(missing, unexpected)

    def register_load_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` before ``load_state_dict`` reads this module's entries (those
        starting with ``prefix``); it may rename or convert them in ``state_dict`` (a copy of the
        one given) and add messages to ``error_msgs``, which then fail the load. As PyTorch."""
        hooks = self.__dict__.setdefault("_load_state_dict_pre_hooks", OrderedDict())
        return RemovableHandle(hooks, hook, False, False)

    def _run_load_state_dict_pre_hooks(
        self, state_dict: Mapping[str, Any], strict: bool
    ) -> Mapping[str, Any]:
        """``state_dict`` as the load pre-hooks of this module and its sub-modules leave it."""
        stack: list[tuple[str, Module]] = [("", self)]
        found = []
        while stack:  # every path to a module, as state_dict() walks them
            dot, module = stack.pop()
            stack.extend(reversed([(f"{dot}{n}.", m) for n, m in module._modules.items() if m is not None]))
            found += [
                (dot, module, hook)
                for hook, _ in module.__dict__.get("_load_state_dict_pre_hooks", {}).values()
            ]
        if not found:
            return state_dict
        state_dict, errors = OrderedDict(state_dict), []
        for prefix, module, hook in found:
            hook(module, state_dict, prefix, {}, strict, [], [], errors)
        if errors:
            raise RuntimeError(
                f"error(s) loading state_dict into {type(self).__name__}:\n  " + "\n  ".join(errors)
            )
        return state_dict

    def _assign_state(self, own: dict[str, Tensor], arrays: dict[str, Any]) -> None:
        """``load_state_dict(assign=True)``'s second half: put each checked value in its tensor's place."""
        for name, value in arrays.items():
            target = own[name]
            if not isinstance(value, Tensor):
                value = Tensor._wrap(target._backend.asarray(np.asarray(value)), target._backend)
            if isinstance(target, Parameter):
                if isinstance(value, Parameter):  # as PyTorch: the given Parameter takes the old flag
                    value.requires_grad_(target.requires_grad)
                else:
                    value = Parameter(value, requires_grad=target.requires_grad)
            *path, attribute = name.split(".")
            module = self
            for step in path:
                module = module._modules[step]
            setattr(module, attribute, value)

    # -- description -------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The settings shown inside this module's parentheses in its repr."""
        return ""

    def __repr__(self) -> str:
        lines = []
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child}")
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        # As PyTorch's: with children, the settings take their own (indented) lines above them
        settings = ["  " + line for line in extra.split("\n")] if extra else []
        return f"{type(self).__name__}(\n" + "\n".join(settings + lines) + "\n)"

    def num_parameters(self, trainable_only: bool = False) -> int:
        """How many numbers the parameters hold (each tied parameter counted once)."""
        return sum(p.size for p in self.parameters() if p.requires_grad or not trainable_only)

    def summary(self) -> str:
        """A table of each module that owns parameters: its name, type, parameter shapes and count."""
        rows = [("name", "type", "parameters", "count")]
        seen: set[int] = set()
        for name, module in self.named_modules():
            own = [(n, p) for n, p in module._parameters.items() if p is not None and id(p) not in seen]
            if not own:
                continue
            seen.update(id(p) for _, p in own)
            shapes = ", ".join(f"{n} {tuple(p.shape)}" for n, p in own)
            rows.append((name or "(root)", type(module).__name__, shapes, f"{sum(p.size for _, p in own):,}"))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]

        def render(row: tuple[str, ...]) -> str:
            return "  ".join(
                cell.rjust(width) if i == 3 else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths))
            ).rstrip()

        rule = "-" * len(render(rows[0]))
        total, trainable = self.num_parameters(), self.num_parameters(trainable_only=True)
        body = [render(rows[0]), rule, *(render(row) for row in rows[1:]), rule]
        body += [f"total parameters: {total:,}", f"trainable parameters: {trainable:,}"]
        return f"{type(self).__name__}\n" + "\n".join(body)


def _copy(tensor: Tensor) -> Tensor:
    """A detached copy on the same device."""
    return Tensor._wrap(tensor._backend.xp.asarray(tensor._data, copy=True), tensor._backend)


def _move_in_place(tensor: Tensor, backend: Any, dtype: np.dtype | None) -> None:
    """Give ``tensor`` new data on ``backend`` (None: where it is) cast to ``dtype`` (floats only)."""
    changed = False
    if backend is not None and backend is not tensor._backend:
        tensor._data = backend.asarray(tensor.numpy())
        tensor._backend = backend
        changed = True
    if dtype is not None and tensor.dtype.kind == "f" and tensor.dtype != dtype:
        tensor._data = tensor._backend.xp.astype(tensor._data, tensor._backend.native_dtype(dtype))
        changed = True
    if changed:
        tensor._version += 1


def _check_entry(container: Module, name: str, module: Any) -> None:
    if not isinstance(module, Module):
        kind, got = type(container).__name__, type(module).__name__
        raise TypeError(f"{kind} entries must be Modules, got {got} for entry {name!r}")


def _add_entry(container: Module, name: str, module: Any) -> None:
    """Register ``module`` under ``name`` in a container (Sequential, ModuleList, ModuleDict)."""
    _check_entry(container, name, module)
    container.add_module(name, module)


class _ModuleSequence(Module):
    """What ``Sequential`` and ``ModuleList`` share: list-like access by position.

    Assignment keeps an entry's name; deletion, ``insert`` and ``pop`` renumber the names to
    ``"0"`` to ``len - 1``, as PyTorch does for both.
    """

    def __len__(self) -> int:
        return len(self._modules)

    def _position(self, index: int) -> int:
        kind = type(self).__name__
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"{kind} indices must be integers or slices, not {type(index).__name__}")
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range for a {kind} of {len(self)} modules")
        return int(index) % len(self)

    def _renumber(self, modules: list[Module]) -> None:
        for name in list(self._modules):
            delattr(self, name)
        for index, module in enumerate(modules):
            _add_entry(self, str(index), module)

    def append(self, module: Module) -> Any:
        _add_entry(self, str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Any:
        if isinstance(modules, Module) and not isinstance(modules, _ModuleSequence):
            kind, got = type(self).__name__, type(modules).__name__
            raise TypeError(f"{kind}.extend needs an iterable of Modules, got {got}")
        for module in list(modules):
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        _check_entry(self, str(index), module)
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._renumber(modules)

    def pop(self, index: int = -1) -> Module:
        module = self._modules[list(self._modules)[self._position(index)]]
        del self[index]
        return module

    def __setitem__(self, index: int, module: Module) -> None:
        _add_entry(self, list(self._modules)[self._position(index)], module)  # keeps its place

    def __delitem__(self, index: int | slice) -> None:
        modules = list(self._modules.values())
        del modules[index if isinstance(index, slice) else self._position(index)]
        self._renumber(modules)

    def __iadd__(self, other: Iterable[Module]) -> Any:
        return self.extend(other)


class Sequential(_ModuleSequence):
    """Modules applied one after another: ``Sequential(Dense(4, 8, activation="relu"), Dense(8, 1))``.

    Also takes an ``OrderedDict`` of named modules. Indexing gives a module, slicing a new
    ``Sequential`` sharing the same modules (and their names); ``append``, ``extend``, ``insert``,
    ``pop``, ``del``, ``+`` act as on a list, as ``torch.nn.Sequential``.
    """

    def __init__(self, *modules: Module | OrderedDict[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], (dict, OrderedDict)):
            for name, module in modules[0].items():
                self._add(name, module)
        else:
            for index, module in enumerate(modules):
                self._add(str(index), module)

    _add = _add_entry

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)
        return x

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(items[index]))
        return items[self._position(index)][1]

    def __add__(self, other: Sequential) -> Sequential:
        if not isinstance(other, Sequential):
            raise TypeError(f"can only add a Sequential to a Sequential, got {type(other).__name__}")
        return Sequential(*self, *other)


class ModuleList(_ModuleSequence):
    """Modules held in a list, registered as ``"0"``, ``"1"``, ...: ``parameters()``,
    ``state_dict()``, ``to()`` and ``train()`` see them. It has no ``forward``; the owner decides
    how to call them, as with ``torch.nn.ModuleList``.

    Indexing, slicing (a new ``ModuleList`` sharing the modules), assignment, deletion and
    ``insert`` act as on a Python list; the names are renumbered to stay ``"0"`` to ``len - 1``.
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return ModuleList(list(self)[index])
        return self._modules[str(self._position(index))]

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList([*self, *other])

    def __repr__(self) -> str:
        """As PyTorch's: a run of entries with the same repr shows once, as ``(0-2): 3 x Dense(...)``."""
        blocks: list[list[Any]] = []  # [first index, last index, repr]
        for index, module in enumerate(self):
            text = repr(module)
            if blocks and blocks[-1][2] == text:
                blocks[-1][1] = index
            else:
                blocks.append([index, index, text])
        if not blocks:
            return "ModuleList()"
        lines = [
            (f"({first}): " if first == last else f"({first}-{last}): {last - first + 1} x ")
            + text.replace("\n", "\n  ")
            for first, last, text in blocks
        ]
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """Modules held by name, in insertion order: ``state_dict()`` keys read ``"name.weight"``.

    Takes a mapping or ``(name, module)`` pairs; supports ``[]``, ``in``, ``len``, iteration over
    the names, ``keys``/``values``/``items``, ``update``, ``pop`` and ``clear``, as
    ``torch.nn.ModuleDict``. A name that is already an attribute (``"train"``) is a ``KeyError``.
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        if key not in self._modules:
            raise KeyError(f"ModuleDict has no module {key!r} (names: {list(self._modules)})")
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ModuleDict keys must be strings, got {type(key).__name__}")
        if key not in self._modules and hasattr(self, key):
            raise KeyError(f"attribute {key!r} already exists: pick another name for the module")
        _add_entry(self, key, module)  # an existing key keeps its position, as in a dict

    def __delitem__(self, key: str) -> None:
        self[key]  # a KeyError naming the known keys if absent
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> list[str]:
        return list(self._modules)

    def values(self) -> list[Module]:
        return list(self._modules.values())

    def items(self) -> list[tuple[str, Module]]:
        return list(self._modules.items())

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        pairs = modules.items() if isinstance(modules, (Mapping, ModuleDict)) else modules
        for pair in pairs:
            key, module = pair
            self[key] = module

    def pop(self, key: str) -> Module:
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        for key in list(self._modules):
            del self[key]


def _as_parameter(value: Any, owner: str) -> Parameter:
    """A Parameter as given, or a Tensor wrapped as one (sharing its data), as PyTorch's containers do."""
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise TypeError(f"{owner} entries must be Parameters or Tensors, got {type(value).__name__}")


def _parameter_line(key: str, parameter: Parameter) -> str:
    size = "x".join(str(n) for n in parameter.shape)
    return f"    ({key}): Parameter containing: [{parameter.dtype} of size {size}]"  # indented 4, as PyTorch


class ParameterList(Module):
    """Parameters held in a list, registered as ``"0"``, ``"1"``, ...; a Tensor is wrapped as a
    Parameter sharing its data. Indexing, assignment, ``append``, ``extend``, ``len`` and iteration
    as ``torch.nn.ParameterList``."""

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(list(self._parameters.values()))

    def _position(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"ParameterList indices must be integers, got {type(index).__name__}")
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range for a ParameterList of {len(self)} parameters")
        return int(index) % len(self)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return ParameterList(list(self)[index])
        return self._parameters[str(self._position(index))]

    def __setitem__(self, index: int, value: Any) -> None:
        self.register_parameter(str(self._position(index)), _as_parameter(value, "ParameterList"))

    def append(self, value: Any) -> ParameterList:
        self.register_parameter(str(len(self)), _as_parameter(value, "ParameterList"))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        for value in values:
            self.append(value)
        return self

    def __repr__(self) -> str:
        if not len(self):
            return "ParameterList()"
        return (
            "ParameterList(\n" + "\n".join(_parameter_line(k, p) for k, p in self._parameters.items()) + "\n)"
        )


class ParameterDict(Module):
    """Parameters held by name, in insertion order (``state_dict`` keys ``"name"``); a Tensor is
    wrapped as a Parameter. ``[]``, ``in``, ``len``, iteration over the names, ``keys``/``values``/
    ``items``, ``update``, ``pop`` and ``get`` as ``torch.nn.ParameterDict``."""

    def __init__(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Parameter:
        if key not in self._parameters:
            raise KeyError(f"ParameterDict has no parameter {key!r} (names: {list(self._parameters)})")
        return self._parameters[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.register_parameter(key, _as_parameter(value, "ParameterDict"))

    def __delitem__(self, key: str) -> None:
        self[key]  # a KeyError naming the keys if absent
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._parameters))

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def keys(self) -> list[str]:
        return list(self._parameters)

    def values(self) -> list[Parameter]:
        return list(self._parameters.values())

    def items(self) -> list[tuple[str, Parameter]]:
        return list(self._parameters.items())

    def get(self, key: str, default: Any = None) -> Any:
        return self._parameters.get(key, default)

    def pop(self, key: str) -> Parameter:
        value = self[key]
        del self[key]
        return value

    def update(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        pairs = parameters.items() if isinstance(parameters, (Mapping, ParameterDict)) else parameters
        for key, value in pairs:
            self[key] = value

    def __repr__(self) -> str:
        if not len(self):
            return "ParameterDict()"
        return (
            "ParameterDict(\n" + "\n".join(_parameter_line(k, p) for k, p in self._parameters.items()) + "\n)"
        )


class Container(Module):
    """``torch.nn.Container``, PyTorch's deprecated name for a Module built from keyword sub-modules
    (it warns, as PyTorch's does): subclass ``Module`` instead."""

    def __init__(self, **kwargs: Module) -> None:
        import warnings  # only for this deprecated class

        warnings.warn(
            "`nn.Container` is deprecated. All of its functionality is now implemented in `nn.Module`. "
            "Subclass that instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__()
        for key, value in kwargs.items():
            self.add_module(key, value)
