"""``nn.utils.prune``: zero chosen entries of a weight through a mask, as ``torch.nn.utils.prune``.

Pruning ``module.weight`` moves the learnable tensor to the parameter ``weight_orig``, adds the buffer
``weight_mask`` (1 keep, 0 pruned) and a forward pre-hook that sets ``module.weight = weight_mask *
weight_orig`` before every call, so pruned entries get no gradient. Pruning the same tensor again
prunes among the entries still alive and multiplies the masks (PyTorch's ``PruningContainer``);
``remove`` makes the pruned weight a plain parameter again.
"""

from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from ...autograd import no_grad
from ...tensor import Tensor, concatenate, ones_like, rand, zeros
from ..module import Module

__all__ = [
    "BasePruningMethod",
    "CustomFromMask",
    "Identity",
    "L1Unstructured",
    "LnStructured",
    "PruningContainer",
    "RandomStructured",
    "RandomUnstructured",
    "custom_from_mask",
    "global_unstructured",
    "identity",
    "is_pruned",
    "l1_unstructured",
    "ln_structured",
    "random_structured",
    "random_unstructured",
    "remove",
]


class BasePruningMethod(ABC):
    """A way of choosing a mask; an instance is also the forward pre-hook that applies it."""

    PRUNING_TYPE: ClassVar[str]
    _tensor_name: str | None = None

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The new mask for ``t`` given the mask so far (``default_mask``)."""

    def apply_mask(self, module: Module) -> Tensor:
        """``<name>_mask * <name>_orig``: the pruned tensor (differentiable in ``<name>_orig``)."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {type(module).__name__} has to be pruned")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.astype(orig.dtype) * orig

    @classmethod
    def apply(
        cls, module: Module, name: str, *args: Any, importance_scores: Tensor | None = None, **kwargs: Any
    ) -> BasePruningMethod:
        """Prune ``module.<name>`` with a new ``cls(*args, **kwargs)``, composed with any pruning
        already there; returns the method now acting as the hook."""
        if not isinstance(module, Module):
            raise TypeError(f"pruning needs a Module, got {type(module).__name__}")
        method = _composite_method(cls, module, name, *args, **kwargs)
        if not hasattr(module, name) or not isinstance(getattr(module, name), Tensor):
            raise AttributeError(
                f"{type(module).__name__} has no parameter or buffer named {name!r} to prune"
            )
        orig = getattr(module, name)
        if importance_scores is not None:
            if tuple(importance_scores.shape) != tuple(orig.shape):
                raise AssertionError(
                    f"importance_scores should have the same shape as parameter {name} of "
                    f"{type(module).__name__}, got {tuple(importance_scores.shape)} vs {tuple(orig.shape)}"
                )
        else:
            importance_scores = orig
        first = not isinstance(method, PruningContainer)
        if first:
            if name not in module._parameters:  # a buffer: PyTorch's TypeError
                raise TypeError(
                    f"cannot prune {name!r} of {type(module).__name__}: only a parameter (a Parameter) "
                    f"can be pruned, and {name!r} is not one"
                )
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = ones_like(orig)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
        try:
            with no_grad():
                mask = method.compute_mask(importance_scores.detach(), default_mask=default_mask)
            module.register_buffer(name + "_mask", mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if first:  # as PyTorch: <name> is a parameter again (now registered last)
                orig = module._parameters.pop(name + "_orig")
                object.__delattr__(module, name + "_orig")
                object.__delattr__(module, name)
                module.register_parameter(name, orig)
            raise
        return method

    def prune(
        self, t: Tensor, default_mask: Tensor | None = None, importance_scores: Tensor | None = None
    ) -> Tensor:
        """``t`` with this method's mask applied (no module involved)."""
        if importance_scores is not None and tuple(importance_scores.shape) != tuple(t.shape):
            raise AssertionError(
                "importance_scores should have the same shape as tensor t, got "
                f"{tuple(importance_scores.shape)} vs {tuple(t.shape)}"
            )
        scores = t if importance_scores is None else importance_scores
        with no_grad():
            mask = self.compute_mask(scores.detach(), ones_like(t) if default_mask is None else default_mask)
        return t * mask

    def remove(self, module: Module) -> None:
        """Make the pruned tensor permanent: ``<name>_orig`` (the same Parameter object) takes the
        masked values and becomes ``<name>`` again; mask and hook go."""
        if self._tensor_name is None:
            raise AssertionError(
                f"Module {type(module).__name__} has to be pruned before pruning can be removed"
            )
        name = self._tensor_name
        with no_grad():
            weight = self.apply_mask(module)
        if name in module.__dict__:
            delattr(module, name)
        orig = module._parameters[name + "_orig"]
        orig._data = weight._data
        orig._version += 1
        delattr(module, name + "_orig")
        delattr(module, name + "_mask")
        setattr(module, name, orig)


def _hooks_of(module: Module) -> Iterator[tuple[Any, Any]]:
    """``(key, hook)`` of the module's forward pre-hooks (which are stored with their flags)."""
    for key, (hook, _) in list(module._forward_pre_hooks.items()):
        yield key, hook


def _composite_method(cls: type, module: Module, name: str, *args: Any, **kwargs: Any) -> BasePruningMethod:
    """A new ``cls`` method for ``name``, put in a ``PruningContainer`` with any already there."""
    old_method, found = None, []
    for key, hook in _hooks_of(module):
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            old_method = hook
            found.append(key)
    if len(found) > 1:
        raise AssertionError(
            f"Avoid adding multiple pruning hooks to the same tensor {name} of module "
            f"{type(module).__name__}. Use a PruningContainer."
        )
    method = cls(*args, **kwargs)  # the amount is checked before the hook is touched
    method._tensor_name = name
    for key in found:
        del module._forward_pre_hooks[key]
    if old_method is None:
        return method
    if isinstance(old_method, PruningContainer):
        old_method.add_pruning_method(method)
        return old_method
    container = PruningContainer(old_method)
    container.add_pruning_method(method)
    return container


class PruningContainer(BasePruningMethod):
    """Successive pruning of one tensor: the newest method prunes among what the earlier ones left
    (its amount counts the live entries, or live channels, only) and the masks multiply."""

    def __init__(self, *methods: BasePruningMethod) -> None:
        self._pruning_methods: tuple[BasePruningMethod, ...] = ()
        if len(methods) == 1:
            self._tensor_name = methods[0]._tensor_name
            self.add_pruning_method(methods[0])
        else:
            for method in methods:
                self.add_pruning_method(method)

    def add_pruning_method(self, method: BasePruningMethod) -> None:
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError(
                f"Can only add pruning methods acting on the parameter named '{self._tensor_name}' to "
                f"PruningContainer {self}. Found '{method._tensor_name}'"
            )
        self._pruning_methods += (method,)

    def __len__(self) -> int:
        return len(self._pruning_methods)

    def __iter__(self) -> Iterator[BasePruningMethod]:
        return iter(self._pruning_methods)

    def __getitem__(self, index: int) -> BasePruningMethod:
        return self._pruning_methods[index]

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        method = self._pruning_methods[-1]
        mask = default_mask.astype(t.dtype)
        if method.PRUNING_TYPE == "unstructured":  # among the live entries, as one flat vector
            live = (mask.reshape(-1) == 1).nonzero().reshape(-1)
            partial = method.compute_mask(t.reshape(-1)[live], default_mask=mask.reshape(-1)[live])
            return mask.reshape(-1).scatter(0, live, partial.astype(mask.dtype)).reshape(t.shape)
        if method.PRUNING_TYPE == "structured":  # among the channels along dim with a live entry
            if not hasattr(method, "dim"):
                raise AttributeError(
                    'Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` defined.'
                )
            dim = method.dim + t.ndim if method.dim < 0 else method.dim
            if not 0 <= dim < t.ndim:
                raise IndexError(f"Index is out of bounds for tensor with dimensions {t.ndim}")
            others = tuple(d for d in range(t.ndim) if d != dim)
            live = (mask.sum(others) != 0).nonzero().reshape(-1)
            partial = method.compute_mask(
                t.index_select(dim, live), default_mask=mask.index_select(dim, live)
            )
            index = live.reshape([-1 if d == dim else 1 for d in range(t.ndim)]).expand(*partial.shape)
            return mask.scatter(dim, index, partial.astype(mask.dtype))
        if method.PRUNING_TYPE == "global":
            return method.compute_mask(t, default_mask=mask)
        raise ValueError(f"Unrecognized PRUNING_TYPE {method.PRUNING_TYPE}")


class Identity(BasePruningMethod):
    """Prunes nothing: the mask is all ones (adds the ``_orig``/``_mask`` structure only)."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        return default_mask

    @classmethod
    def apply(cls, module: Module, name: str) -> BasePruningMethod:  # type: ignore[override]
        return super().apply(module, name)


def _zero_at(mask: Tensor, flat_indices: Tensor) -> Tensor:
    """``mask`` with the entries at ``flat_indices`` (of its flattened form) set to 0."""
    flat = mask.reshape(-1)
    return flat.scatter(
        0, flat_indices, zeros(flat_indices.shape[0], dtype=mask.dtype, device=mask.device)
    ).reshape(mask.shape)


class _UnstructuredByAmount(BasePruningMethod):
    """Prune ``amount`` entries (a fraction in [0, 1] or a count), the ones ``_chosen`` picks."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: float) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        count = _checked_count(self.amount, t.numel())
        mask = default_mask.clone()
        if count:
            mask = _zero_at(mask, self._chosen(t, count))
        return mask

    @abstractmethod
    def _chosen(self, t: Tensor, count: int) -> Tensor:
        """The flat indices of the ``count`` (> 0) entries of ``t`` to prune."""


class RandomUnstructured(_UnstructuredByAmount):
    """Prune ``amount`` entries (a fraction in [0, 1] or a count) chosen uniformly at random."""

    def _chosen(self, t: Tensor, count: int) -> Tensor:
        probability = rand(*t.shape, dtype=t.dtype if t.dtype.kind == "f" else None, device=t.device)
        return probability.reshape(-1).topk(count).indices

    @classmethod
    def apply(cls, module: Module, name: str, amount: float) -> BasePruningMethod:  # type: ignore[override]
        return super().apply(module, name, amount=amount)


class L1Unstructured(_UnstructuredByAmount):
    """Prune the ``amount`` entries (a fraction in [0, 1] or a count) of smallest |value| (or score)."""

    def _chosen(self, t: Tensor, count: int) -> Tensor:
        return t.abs().reshape(-1).topk(count, largest=False).indices

    @classmethod
    def apply(  # type: ignore[override]
        cls, module: Module, name: str, amount: float, importance_scores: Tensor | None = None
    ) -> BasePruningMethod:
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


def _channel_mask(t: Tensor, dim: int, keep: Tensor) -> Tensor:
    """A mask of ``t``'s shape: 1 across the channels along ``dim`` where ``keep`` (1-D) is 1."""
    keep = keep.astype(t.dtype).reshape([-1 if d == (dim % t.ndim) else 1 for d in range(t.ndim)])
    return keep * ones_like(t)


class _StructuredByAmount(BasePruningMethod):
    """Prune ``amount`` whole channels along ``dim`` (a fraction in [0, 1] or a count): all but the
    ones ``_kept`` keeps."""

    PRUNING_TYPE = "structured"
    amount: float
    dim: int

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        channels, count = _checked_channel_count(t, self.dim, self.amount)
        if count == 0:
            return default_mask
        return _channel_mask(t, self.dim, self._kept(t, channels, count)) * default_mask.astype(t.dtype)

    @abstractmethod
    def _kept(self, t: Tensor, channels: int, count: int) -> Tensor:
        """1-D over the channels: true (or 1) at the ``channels − count`` to keep, ``count`` > 0."""


class RandomStructured(_StructuredByAmount):
    """Prune ``amount`` whole channels along ``dim``, chosen uniformly at random."""

    def __init__(self, amount: float, dim: int = -1) -> None:
        _validate_pruning_amount_init(amount)
        self.amount, self.dim = amount, dim

    def _kept(self, t: Tensor, channels: int, count: int) -> Tensor:
        probability = rand(channels, device=t.device)
        return probability > probability.sort().values[count - 1]

    @classmethod
    def apply(cls, module: Module, name: str, amount: float, dim: int = -1) -> BasePruningMethod:  # type: ignore[override]
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(_StructuredByAmount):
    """Prune the ``amount`` channels along ``dim`` of smallest L``n`` norm (``n``: a number, ``inf``,
    ``-inf`` or ``'fro'``)."""

    def __init__(self, amount: float, n: float | str, dim: int = -1) -> None:
        _validate_pruning_amount_init(amount)
        self.amount, self.n, self.dim = amount, n, dim

    def _kept(self, t: Tensor, channels: int, count: int) -> Tensor:
        dim = self.dim % t.ndim
        norm = t.norm(self.n, tuple(d for d in range(t.ndim) if d != dim))
        kept = norm.topk(channels - count, largest=True).indices
        keep = zeros(channels, dtype=t.dtype, device=t.device)
        return keep.scatter(0, kept, ones_like(kept, dtype=t.dtype))

    @classmethod
    def apply(  # type: ignore[override]
        cls, module: Module, name: str, amount: float, n: float | str, dim: int,
        importance_scores: Tensor | None = None,
    ) -> BasePruningMethod:  # fmt: skip
        return super().apply(module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prune where a given mask is 0 (multiplied into any earlier mask)."""

    PRUNING_TYPE = "global"

    def __init__(self, mask: Tensor) -> None:
        self.mask = mask

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        if tuple(default_mask.shape) != tuple(self.mask.shape):
            raise AssertionError(
                f"default_mask shape {tuple(default_mask.shape)} must match self.mask shape "
                f"{tuple(self.mask.shape)}"
            )
        return default_mask * self.mask.astype(default_mask.dtype)

    @classmethod
    def apply(cls, module: Module, name: str, mask: Tensor) -> BasePruningMethod:  # type: ignore[override]
        return super().apply(module, name, mask=mask)


def identity(module: Module, name: str) -> Module:
    """Add the pruning structure (``<name>_orig``, ``<name>_mask`` of ones, the hook), pruning nothing."""
    Identity.apply(module, name)
    return module


def random_unstructured(module: Module, name: str, amount: float) -> Module:
    """Prune ``amount`` (fraction or count) of ``module.<name>``'s entries at random."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(
    module: Module, name: str, amount: float, importance_scores: Tensor | None = None
) -> Module:
    """Prune ``amount`` (fraction or count) of ``module.<name>``'s entries of smallest |value|."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module: Module, name: str, amount: float, dim: int) -> Module:
    """Prune ``amount`` (fraction or count) of the channels along ``dim`` at random."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(
    module: Module,
    name: str,
    amount: float,
    n: float | str,
    dim: int,
    importance_scores: Tensor | None = None,
) -> Module:
    """Prune ``amount`` (fraction or count) of the channels along ``dim`` of smallest L``n`` norm."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def custom_from_mask(module: Module, name: str, mask: Tensor) -> Module:
    """Prune ``module.<name>`` where ``mask`` is 0."""
    CustomFromMask.apply(module, name, mask)
    return module


def global_unstructured(
    parameters: Iterable[tuple[Module, str]],
    pruning_method: type,
    importance_scores: dict | None = None,
    **kwargs: Any,
) -> None:
    """Prune the ``(module, name)`` tensors as one: ``pruning_method(**kwargs)`` (an unstructured
    method, e.g. ``L1Unstructured`` with ``amount``) picks among all their live entries together;
    each tensor then gets its share of the mask (``custom_from_mask``)."""
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    parameters = list(parameters)
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    with no_grad():
        scores = _flat_join(
            [importance_scores.get((module, name), getattr(module, name)) for module, name in parameters]
        )
        default_mask = _flat_join(
            [
                getattr(module, name + "_mask", None)
                if hasattr(module, name + "_mask")
                else ones_like(getattr(module, name))
                for module, name in parameters
            ]  # fmt: skip
        )
    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError(
            'Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. Found method '
            f"{pruning_method} of type {method.PRUNING_TYPE}"
        )
    container.add_pruning_method(method)
    with no_grad():
        final_mask = container.compute_mask(scores.detach(), default_mask)
    pointer = 0
    for module, name in parameters:
        param = getattr(module, name)
        size = param.numel()
        custom_from_mask(module, name, mask=final_mask[pointer : pointer + size].reshape(param.shape))
        pointer += size


def _flat_join(tensors: list[Tensor]) -> Tensor:
    return concatenate([t.reshape(-1) for t in tensors])


def remove(module: Module, name: str) -> Module:
    """Make the pruning of ``module.<name>`` permanent (see ``BasePruningMethod.remove``)."""
    for key, hook in _hooks_of(module):
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(
        f"Parameter '{name}' of module {type(module).__name__} has to be pruned before pruning can be removed"
    )


def is_pruned(module: Module) -> bool:
    """Whether ``module`` or any sub-module has a pruning hook."""
    return any(
        isinstance(hook, BasePruningMethod)
        for submodule in module.modules()
        for _, hook in _hooks_of(submodule)
    )


def _validate_pruning_amount_init(amount: Any) -> None:
    """An amount is a count (int >= 0) or a fraction (float in [0, 1]); PyTorch's errors otherwise."""
    if not isinstance(amount, numbers.Real) or isinstance(amount, bool):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
        not isinstance(amount, numbers.Integral) and (float(amount) > 1.0 or float(amount) < 0.0)
    ):
        raise ValueError(
            f"amount={amount} should either be a float in the range [0, 1] or a non-negative integer"
        )


def _validate_pruning_amount(amount: int, tensor_size: int) -> None:
    if amount > tensor_size:
        raise ValueError(
            f"amount={amount} should be smaller than the number of parameters to prune={tensor_size}"
        )


def _validate_structured_pruning(t: Tensor) -> None:
    if t.ndim <= 1:
        raise ValueError(
            "Structured pruning can only be applied to multidimensional tensors. Found tensor of shape "
            f"{tuple(t.shape)} with {t.ndim} dims"
        )


def _compute_nparams_toprune(amount: float, tensor_size: int) -> int:
    """A count as given; a fraction of ``tensor_size`` rounded half to even (``round``, as PyTorch)."""
    return int(amount) if isinstance(amount, numbers.Integral) else round(amount * tensor_size)


def _validate_pruning_dim(t: Tensor, dim: int) -> None:
    if dim >= t.ndim:
        raise IndexError(f"Invalid index {dim} for tensor of size {tuple(t.shape)}")


def _checked_count(amount: float, size: int) -> int:
    """How many of ``size`` entries (or channels) ``amount`` prunes; PyTorch's error if too many."""
    count = _compute_nparams_toprune(amount, size)
    _validate_pruning_amount(count, size)
    return count


def _checked_channel_count(t: Tensor, dim: int, amount: float) -> tuple[int, int]:
    """(the channels of ``t`` along ``dim``, how many of them ``amount`` prunes), after PyTorch's
    checks of a structured method's tensor and dim."""
    _validate_structured_pruning(t)
    _validate_pruning_dim(t, dim)
    channels = t.shape[dim]
    return channels, _checked_count(amount, channels)
