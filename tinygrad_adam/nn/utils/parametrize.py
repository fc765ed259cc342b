"""``nn.utils.parametrize``: a parameter or buffer computed from others, as ``torch.nn.utils.parametrize``.

``register_parametrization(module, "weight", P())`` moves ``module.weight`` to
``module.parametrizations.weight.original`` and makes reading ``module.weight`` return
``P()(original)``: the learnable tensor is ``original`` (``parameters()`` and ``state_dict()`` name it
``"parametrizations.weight.original"``), the module sees the constrained one. As PyTorch, the module's
class is swapped for a subclass (``ParametrizedLinear``) that holds ``weight`` as a property; assigning
to ``module.weight`` sets ``original`` through the parametrizations' ``right_inverse``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ...autograd import no_grad
from ...tensor import Tensor
from ..module import Module, ModuleDict, ModuleList, Parameter

__all__ = [
    "ParametrizationList",
    "cached",
    "is_parametrized",
    "register_parametrization",
    "remove_parametrizations",
    "transfer_parametrizations_and_params",
    "type_before_parametrizations",
]

_cache_depth = 0  # how many cached() blocks are open
_cache: dict[tuple[int, str], Tensor] = {}


@contextmanager
def cached() -> Iterator[None]:
    """Inside this block each parametrized tensor is computed once, at its first read, and reused
    (a weight read at every step of an RNN, a tied weight); the values are dropped on leaving."""
    global _cache_depth, _cache
    _cache_depth += 1
    try:
        yield
    finally:
        _cache_depth -= 1
        if not _cache_depth:
            _cache = {}


class NotAModuleError(TypeError, AttributeError):
    """A parametrization that is not a ``Module``: a ``TypeError``, and the ``AttributeError`` (no
    ``.train``) that PyTorch raises for it."""


def _register_parameter_or_buffer(module: Module, name: str, tensor: Tensor) -> None:
    if isinstance(tensor, Parameter):
        module.register_parameter(name, tensor)
    else:
        module.register_buffer(name, tensor)


def _set_in_place(dest: Tensor, source: Tensor) -> None:
    """``dest.set_(source)``: ``dest`` (the same object, so optimizers keep it) takes a copy of
    ``source``'s values, shape and dtype."""
    dest._data = source._backend.xp.asarray(source._data, copy=True)
    dest._backend = source._backend
    dest._version += 1


class ParametrizationList(ModuleList):
    """``module.parametrizations[name]``: the parametrizations of one tensor, applied in order, and
    the unconstrained tensor(s) they start from: ``original``, or ``original0``, ``original1``, ...
    when the first parametrization's ``right_inverse`` returns several tensors. Built by
    ``register_parametrization``, not by hand."""

    def __init__(self, modules: Sequence[Module], original: Tensor, unsafe: bool = False) -> None:
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        original_shape, original_dtype = original.shape, original.dtype
        with no_grad():
            new: Any = original
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError(
                "'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                f"Got {type(new).__name__}"
            )
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if new.dtype != original_dtype:
                raise ValueError(
                    "When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                    f"original.dtype: {original_dtype}\nright_inverse(original).dtype: {new.dtype}"
                )
            if new.device != original.device:
                raise ValueError(
                    "When `right_inverse` outputs one tensor, it may not change the device.\n"
                    f"original.device: {original.device}\nright_inverse(original).device: {new.device}"
                )
            if new is not original:
                with no_grad():
                    _set_in_place(original, new)
            _register_parameter_or_buffer(self, "original", original)
        else:
            for i, tensor in enumerate(new):
                if not isinstance(tensor, Tensor):
                    raise ValueError(
                        "'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                        f"Got element {i} of the sequence with type {type(tensor).__name__}."
                    )
                tensor = tensor.detach()
                if isinstance(original, Parameter):
                    tensor = Parameter(tensor, original.requires_grad)
                _register_parameter_or_buffer(self, f"original{i}", tensor)
        if not self.unsafe:
            value = self()
            _check_same_kind(value, original_dtype, original_shape, "unparametrized", "parametrized")

    def right_inverse(self, value: Tensor) -> None:
        """Set ``original`` (or ``original0``, ...) so that the parametrizations give ``value``:
        each parametrization's ``right_inverse``, last to first."""
        with no_grad():
            for module in reversed(list(self)):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(
                        f"parametrization {type(module).__name__} does not implement right_inverse."
                    )
                value = module.right_inverse(value)
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(
                        f"The tensor returned by `right_inverse` has dtype {value.dtype} "
                        f"while `original` has dtype {self.original.dtype}"
                    )
                _set_in_place(self.original, value)
                return
            if not isinstance(value, Sequence):
                raise ValueError(
                    f"'right_inverse' must return a sequence of tensors. Got {type(value).__name__}."
                )
            if len(value) != self.ntensors:
                raise ValueError(
                    f"'right_inverse' must return a sequence of tensors of length {self.ntensors}. "
                    f"Got a sequence of length {len(value)}."
                )
            for i, tensor in enumerate(value):
                original_i = getattr(self, f"original{i}")
                if not isinstance(tensor, Tensor):
                    raise ValueError(
                        "'right_inverse' must return a sequence of tensors. "
                        f"Got element {i} of type {type(tensor).__name__}."
                    )
                if tensor.dtype != original_i.dtype:
                    raise ValueError(
                        f"Tensor {i} returned by `right_inverse` has dtype {tensor.dtype} "
                        f"while `original{i}` has dtype {original_i.dtype}"
                    )
                _set_in_place(original_i, tensor)

    def __repr__(self) -> str:
        return type(self).__name__ + super().__repr__().removeprefix("ModuleList")

    def forward(self) -> Tensor:
        modules = list(self)
        if self.is_tensor:
            x = modules[0](self.original)
        else:
            x = modules[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in modules[1:]:
            x = module(x)
        return x


def _check_same_kind(value: Any, dtype: Any, shape: tuple, before: str, after: str) -> None:
    """Without ``unsafe=True`` a parametrization keeps the tensor's dtype and shape (PyTorch's
    ``ValueError`` otherwise)."""
    if not isinstance(value, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(value).__name__}.")
    if value.dtype != dtype:
        raise ValueError(
            "Registering a parametrization may not change the dtype of the tensor, unless `unsafe` flag "
            f"is enabled.\n{before} dtype: {dtype}\n{after} dtype: {value.dtype}"
        )
    if tuple(value.shape) != tuple(shape):
        raise ValueError(
            "Registering a parametrization may not change the shape of the tensor, unless `unsafe` flag "
            f"is enabled.\n{before} shape: {tuple(shape)}\n{after} shape: {tuple(value.shape)}"
        )


def _parametrized_deepcopy(self: Module, memo: dict) -> Module:
    """``copy.deepcopy`` of a parametrized module (its ``__getstate__`` refuses pickling)."""
    if id(self) in memo:
        return memo[id(self)]
    replica = self.__class__.__new__(self.__class__)
    memo[id(self)] = replica
    object.__setattr__(replica, "__dict__", copy.deepcopy(self.__dict__, memo))
    return replica


def _refuse_pickling(self: Module) -> Any:
    raise RuntimeError(
        "Serialization of parametrized modules is only supported through state_dict(): save "
        "module.state_dict() and load it into a module parametrized the same way"
    )


def _inject_new_class(module: Module) -> None:
    """Give ``module`` a class of its own, ``Parametrized<Class>``, to hold the properties."""
    cls = module.__class__

    def set_attribute(self: Module, name: str, value: Any) -> None:
        # A parametrized name sets its originals through right_inverse; a Parameter cannot take
        # the place of a parametrized tensor (PyTorch's KeyError).
        if name in parametrized_cls._parametrized_names:
            if isinstance(value, Parameter):
                raise KeyError(f"attribute {name!r} already exists")
            self.parametrizations[name].right_inverse(value)
            return
        super(parametrized_cls, self).__setattr__(name, value)

    namespace = {
        "__getstate__": _refuse_pickling,
        "__deepcopy__": _parametrized_deepcopy,
        "__setattr__": set_attribute,
        "_parametrized_names": set(),
    }
    parametrized_cls = type(f"Parametrized{cls.__name__}", (cls,), namespace)
    module.__class__ = parametrized_cls


def _inject_property(module: Module, tensor_name: str) -> None:
    """``module.<tensor_name>`` becomes a property: the parametrizations' output (cached inside
    ``cached()``); assigning to it goes to ``right_inverse``."""

    def get_parametrized(self: Module) -> Tensor:
        parametrization = self.parametrizations[tensor_name]
        if not _cache_depth:
            return parametrization()
        key = (id(self), tensor_name)
        if key not in _cache:
            _cache[key] = parametrization()
        return _cache[key]

    def set_original(self: Module, value: Tensor) -> None:
        self.parametrizations[tensor_name].right_inverse(value)

    cls = module.__class__
    setattr(cls, tensor_name, property(get_parametrized, set_original))
    cls._parametrized_names.add(tensor_name)


def register_parametrization(
    module: Module, tensor_name: str, parametrization: Module, *, unsafe: bool = False
) -> Module:
    """Make ``module.<tensor_name>`` read as ``parametrization(original)``; returns ``module``.

    The first parametrization of a tensor moves it to ``module.parametrizations.<tensor_name>``
    as ``original`` (after ``parametrization.right_inverse``, if it has one; several tensors
    become ``original0``, ``original1``, ...); later ones are applied after the earlier ones.
    Without ``unsafe=True`` a parametrization may not change the tensor's shape or dtype
    (``ValueError``). A name that is no parameter, buffer or parametrized tensor is a ``ValueError``.
    """
    if not isinstance(module, Module):
        raise TypeError(f"register_parametrization needs a Module, got {type(module).__name__}")
    if not isinstance(parametrization, Module):
        raise NotAModuleError(
            "register_parametrization: the parametrization must be a Module, got "
            f"{type(parametrization).__name__}"
        )
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            current = getattr(module, tensor_name)
            value = parametrization(current)
            _check_same_kind(
                value, current.dtype, current.shape, f"module.{tensor_name}", "parametrization(...)"
            )
            if hasattr(parametrization, "right_inverse"):
                try:
                    inverse = parametrization.right_inverse(value)
                except NotImplementedError:
                    pass
                else:
                    if not isinstance(inverse, Tensor):
                        raise ValueError(
                            "parametrization.right_inverse must return a tensor. Got: "
                            f"{type(inverse).__name__}"
                        )
                    _check_same_kind(
                        inverse, current.dtype, current.shape, f"module.{tensor_name}", "right_inverse(...)"
                    )
        lst = module.parametrizations[tensor_name]
        lst.append(parametrization)
        lst.unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        if original is None:
            raise ValueError(f"cannot parametrize {tensor_name!r} of {type(module).__name__}: it is None")
        parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = parametrizations
    else:
        raise ValueError(
            f"Module '{type(module).__name__}' does not have a parameter, a buffer, or a parametrized "
            f"element with name '{tensor_name}'"
        )
    return module


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether ``module`` has any parametrization (on ``tensor_name``, when given)."""
    parametrizations = module.__dict__.get("parametrizations")
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else tensor_name in parametrizations


def remove_parametrizations(module: Module, tensor_name: str, leave_parametrized: bool = True) -> Module:
    """Undo ``register_parametrization`` on ``tensor_name``: it becomes a plain parameter (or buffer)
    again, holding its current parametrized value (``leave_parametrized=True``) or ``original``.

    With one ``original`` the same tensor object is kept (an optimizer keeps updating it). Several
    originals can only be left parametrized (``ValueError`` otherwise).
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {type(module).__name__} does not have a parametrization on {tensor_name}")
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                value = getattr(module, tensor_name)
                _set_in_place(original, value)
    else:
        if not leave_parametrized:
            raise ValueError(
                "Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized "
                "in terms of a sequence of tensors."
            )
        value = getattr(module, tensor_name).detach()
        original = Parameter(value) if parametrizations.original0.requires_grad else value
    cls = module.__class__
    delattr(cls, tensor_name)
    cls._parametrized_names.discard(tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = cls.__bases__[0]
    return module


def type_before_parametrizations(module: Module) -> type:
    """The module's class before any parametrization (``Linear`` for a ``ParametrizedLinear``)."""
    return module.__class__.__bases__[0] if is_parametrized(module) else type(module)


def transfer_parametrizations_and_params(
    from_module: Module, to_module: Module, tensor_name: str | None = None
) -> Module:
    """Register ``from_module``'s parametrizations (of ``tensor_name``, or all) on ``to_module``, which
    then shares their originals; a missing tensor is created from ``from_module``'s value first."""
    if not is_parametrized(from_module):
        return to_module
    names = list(from_module.parametrizations) if tensor_name is None else [tensor_name]
    for name in names:
        source = from_module.parametrizations[name]
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name).detach()))
        for parametrization in source:
            register_parametrization(to_module, name, parametrization)
        target = to_module.parametrizations[name]
        if source.is_tensor:
            target.original = source.original
        else:
            for i in range(source.ntensors):
                setattr(target, f"original{i}", getattr(source, f"original{i}"))
    return to_module
