"""``Optimizer``: parameter groups, per-parameter state, ``step`` and checkpoints, as in PyTorch.

A subclass supplies the update rule in ``_update(param, grad, state, group)``; the maths itself sits
in one plain function per family (``sgd_step``, ``adam_step``, ...) that works in place on raw
device arrays, so the same function serves one tensor or, later, one flat buffer of many.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..autograd import enable_grad, no_grad
from ..nn.module import RemovableHandle
from ..tensor import ShapeError, Tensor
from .flat import FlatGroup
from .fused import RULES as FUSED_RULES
from .fused import family as fused_family

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]

# PyTorch's switches between implementations of a step, accepted by every optimizer, with their
# defaults. They choose how a step runs, not what it computes, so they stay out of param_groups.
IMPLEMENTATION_OPTIONS: dict[str, Any] = {
    "foreach": None,
    "fused": None,
    "capturable": False,
    "differentiable": False,
}


class Optimizer:
    """Base class of all optimizers.

    ``params`` is an iterable of Tensors, or of dicts (parameter groups) with a ``"params"`` entry and
    hyperparameters that override ``defaults`` for that group. ``optimizer.state[param]`` is a dict
    of the tensors the rule keeps for ``param`` (PyTorch's names: ``exp_avg``, ``momentum_buffer``, ...).

    Every optimizer also takes the implementation switches that its PyTorch class takes, where
    PyTorch's signature has them (our own optimizers take all four as keywords). ``foreach`` (None or
    a bool) changes nothing: on the CPU each group already steps through flat buffers, a few large
    operations per group (flat.py), which is what PyTorch's foreach path buys. ``fused`` sets
    ``optimizer.fused``, the compiled one-pass step of Adam, AdamW, SGD and Momentum (fused.py);
    ``fused=True`` elsewhere is an error, as PyTorch refuses fused for an optimizer without one.
    ``capturable`` (steps inside CUDA graphs) and ``differentiable`` (autograd through ``step``)
    are accepted, and ``step`` refuses them as PyTorch does on the CPU: capturable with
    parameters off the GPU, differentiable with leaf parameters that require grad. As in PyTorch,
    each group records the switches that PyTorch's class records (``pytorch_group_switches``:
    SGD's foreach, differentiable and fused, ...), so param_groups and state dicts have its keys.
    """

    # Step each group through flat buffers after its first step (flat.py): the same results bit
    # for bit, in a few large operations. False keeps the per-parameter path.
    flat_buffers = True
    # On flat groups, a compiled one-pass step (fused.py): None uses numba's on the CPU when it is
    # installed (CUDA's kernels only when asked for), True requires it, False keeps the plain rule.
    fused: bool | None = None
    # The implementation switches that PyTorch's class keeps in its param_groups (and state dicts),
    # with the values given: informational here, as the switches change nothing in the results.
    pytorch_group_switches: tuple[str, ...] = ()
    # True where PyTorch's fused step has no counterpart here but gives the plain rule's results
    # (Adagrad): fused is accepted and recorded, and the plain rule runs
    fused_is_the_plain_rule = False
    # False where PyTorch's class takes none of the switches (LBFGS, Muon): passing one is a TypeError
    takes_implementation_switches = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in HOOKED_METHODS:  # a subclass's own step/state_dict/load_state_dict runs the hooks too
            if name in vars(cls):
                setattr(cls, name, _running_hooks(name, vars(cls)[name]))
        init = vars(cls).get("__init__")
        # a subclass that names any of the switches itself handles them itself, as does one whose
        # PyTorch counterpart takes none of them (LBFGS, Muon: ``takes_implementation_switches``)
        if (
            init is not None
            and vars(cls).get("takes_implementation_switches", True)
            and not set(inspect.signature(init).parameters) & set(IMPLEMENTATION_OPTIONS)
        ):
            cls.__init__ = _accepting_implementation_options(init)

    def _choose_implementation(
        self,
        *,
        foreach: bool | None = None,
        fused: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        """Check PyTorch's implementation switches (see the class docstring) and apply ``fused``.

        An optimizer whose ``__init__`` names switches itself (PyTorch's exact signature) calls
        this with the ones it takes; the others are wrapped (``_accepting_implementation_options``).
        """
        name = type(self).__name__
        for option, value in (("foreach", foreach), ("fused", fused)):
            if value is not None and not isinstance(value, bool):
                raise TypeError(f"{name}: {option} must be None, True or False, got {value!r}")
        if fused and foreach:
            raise RuntimeError(f"{name}: fused=True and foreach=True cannot be used together")
        if fused and fused_family(self) is None and not self.fused_is_the_plain_rule:
            raise RuntimeError(
                f"{name} has no fused step: fused=True is supported by {', '.join(FUSED_RULES)} "
                "(leave fused=None)"
            )
        if fused is not None and not self.fused_is_the_plain_rule:
            self.fused = fused
        # the outermost __init__ (AdamW's, not the Adam.__init__ it calls) records what was asked
        self.__dict__.setdefault(
            "_implementation_choices",
            dict(foreach=foreach, fused=fused, capturable=capturable, differentiable=differentiable),
        )

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                "params must be an iterable of Tensors or of dicts (parameter groups), got a single "
                "Tensor: pass [tensor] or model.parameters()"
            )
        if isinstance(params, dict):
            raise TypeError("params must be an iterable of Tensors or dicts; wrap a single group in a list")
        if isinstance(params, (set, frozenset)):
            # A set's order changes between runs, so a saved state would load into the wrong parameters.
            raise TypeError(
                "params must be given in a fixed order, as PyTorch requires: a list or model.parameters(), "
                "not a set"
            )
        choices = getattr(self, "_implementation_choices", IMPLEMENTATION_OPTIONS)
        defaults = plain_numbers({**defaults, **{k: choices[k] for k in self.pytorch_group_switches}})
        self.check_hyperparameters(defaults)
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._flat_groups: dict[int, FlatGroup | None] = {}
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # -- hyperparameters -------------------------------------------------------------------------
    @classmethod
    def check_hyperparameters(cls, group: dict[str, Any]) -> None:
        """Raise ``ValueError`` for hyperparameters outside their valid range (subclasses extend)."""
        if "lr" in group:
            check_at_least("lr", group["lr"], 0.0)
        if "weight_decay" in group:
            check_at_least("weight_decay", group["weight_decay"], 0.0)
        if "eps" in group:  # PyTorch allows eps = 0 (the step then divides by √v alone)
            check_at_least("eps", group["eps"], 0.0)
        if "betas" in group:
            check_betas(group["betas"])

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (missing ones come from defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"a parameter group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise MissingParamsError("a parameter group needs a 'params' entry")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError("parameters must be given in a fixed order (a list, not a set)")
        params = list(params)
        if not params:
            raise ValueError("a parameter group got an empty parameter list")
        # model.named_parameters(): (name, tensor) pairs, whose names the group keeps (PyTorch >= 2.6)
        names = [param[0] for param in params if isinstance(param, tuple)]
        if names and len(names) != len(params):
            raise ValueError(
                "all optimizer params should be with/without names. Some param names are missing"
            )
        if names:
            params = [param[1] for param in params]
            param_group = {**param_group, "param_names": names}
        for group in self.param_groups:
            if ("param_names" in group) != ("param_names" in param_group):
                kind = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    f"all optimizer param groups should be with/without names. cannot add param group {kind} "
                    "to the optimizer"
                )
        for position, param in enumerate(params):
            check_parameter(param, position)
        seen: set[int] = set()
        for param in params:
            if id(param) in seen:
                raise ValueError(f"a parameter of shape {param.shape} appears twice in one parameter group")
            seen.add(id(param))
        for index, group in enumerate(self.param_groups):
            if any(id(p) in seen for p in group["params"]):
                raise ValueError(f"some parameters appear in more than one parameter group (group {index})")
        group = plain_numbers({**self.defaults, **param_group, "params": params})
        self.check_hyperparameters(group)
        self.param_groups.append(group)

    # -- the training loop -----------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: ``None`` (default, frees memory) or tensors of zeros."""
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                if set_to_none:
                    param.grad = None
                else:  # new zeros: a gradient's memory may be shared (another parameter's, a view)
                    param.grad = Tensor._wrap(param._backend.xp.zeros_like(param.grad._data), param._backend)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; return ``closure()``'s loss if one is given.

        ``closure`` re-evaluates the model and returns the loss (it runs with gradients enabled and
        usually calls ``zero_grad`` and ``backward`` itself). Parameters whose ``grad`` is None are
        skipped: their state does not advance.
        """
        loss = None
        if closure is not None:
            if not callable(closure):
                raise TypeError(f"closure must be callable, got {type(closure).__name__}")
            with enable_grad():
                loss = closure()
        with no_grad():
            for index, group in enumerate(self.param_groups):
                self._check_step_switches(group)
                flat = self._flat_groups.get(index) if self.flat_buffers else None
                if flat is not None and flat.intact(self, group):
                    flat.step(self)  # the same rule, on blocks of flat buffers (see flat.py)
                    continue
                for param in group["params"]:
                    if param.grad is None:
                        continue
                    check_gradient(param)
                    state = self.state[param]
                    _follow_device(state, param)
                    self._update(param, param.grad._data, state, group)
                    param._version += 1
                if self.flat_buffers:
                    supported = FlatGroup.supports(self, group)
                    self._flat_groups[index] = FlatGroup(self, group) if supported else None
        return loss

    def _check_step_switches(self, group: dict[str, Any]) -> None:
        """Refuse, as PyTorch does at ``step``, a group whose ``capturable`` (CUDA graphs) has
        parameters off the GPU, or whose ``differentiable`` step would change leaf tensors that
        require grad in place (PyTorch's differentiable steps take non-leaf parameters)."""
        choices = self.__dict__.get("_implementation_choices", IMPLEMENTATION_OPTIONS)
        capturable = group.get("capturable", choices["capturable"])
        differentiable = group.get("differentiable", choices["differentiable"])
        if not (capturable or differentiable):
            return
        stepped = [param for param in group["params"] if param.grad is not None]
        if capturable and any(not param.device.startswith("cuda") for param in stepped):
            devices = sorted({param.device for param in stepped})
            raise CapturableDeviceError(
                "If capturable=True, params and state_steps must be on supported devices: ['cuda'] "
                f"(got {', '.join(devices)}; capturable is for stepping inside CUDA graphs)"
            )
        if differentiable and any(param.requires_grad for param in stepped):
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation "
                "(differentiable=True steps parameters with autograd on, which a leaf tensor that "
                "requires grad refuses)"
            )

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Apply the rule to one parameter in place (``grad`` is the raw gradient array)."""
        raise NotImplementedError

    @staticmethod
    def _buffer(state: dict[str, Any], name: str, param: Tensor, fill: float = 0.0) -> Any:
        """The array of ``state[name]``, created as a tensor like ``param`` filled with ``fill``.

        Made with ``xp.full``: a 0-d parameter's state must be a 0-d array that steps update in
        place (Tensor arithmetic on NumPy gives a 0-d result as an immutable scalar).
        """
        if name not in state:
            backend = param._backend
            array = backend.xp.full(
                param._data.shape, fill, dtype=param._data.dtype, **backend.creation_kwargs
            )
            state[name] = Tensor._wrap(array, backend)
        return state[name]._data

    # -- hooks, as PyTorch's ------------------------------------------------------------------------
    def _hooks(self, kind: str) -> OrderedDict:
        hooks = self.__dict__.setdefault("_hooks_by_kind", {})
        return hooks.setdefault(kind, OrderedDict())

    def register_step_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` before each ``step``; it may return new ``(args, kwargs)``."""
        return RemovableHandle(self._hooks("step_pre"), hook, False, False)

    def register_step_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` after each ``step``."""
        return RemovableHandle(self._hooks("step_post"), hook, False, False)

    def register_state_dict_pre_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """``hook(optimizer)`` before ``state_dict()`` builds the dict."""
        return RemovableHandle(self._hooks("state_dict_pre"), hook, False, prepend)

    def register_state_dict_post_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """``hook(optimizer, state_dict)`` on the new dict; it may return a dict to use instead."""
        return RemovableHandle(self._hooks("state_dict_post"), hook, False, prepend)

    def register_load_state_dict_pre_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """``hook(optimizer, state_dict)`` before loading; it may return a dict to load instead."""
        return RemovableHandle(self._hooks("load_state_dict_pre"), hook, False, prepend)

    def register_load_state_dict_post_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """``hook(optimizer)`` after loading."""
        return RemovableHandle(self._hooks("load_state_dict_post"), hook, False, prepend)

    # -- checkpoints -----------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """A copy of the state in PyTorch's layout: parameters are replaced by their positions.

        ``{"state": {index: {name: value}}, "param_groups": [{hyperparameters..., "params": [index]}]}``
        where indices count the parameters in group order. Tensors are copied, so later steps do not
        change a saved state dict.
        """
        index_of: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            packed["params"] = [index_of.setdefault(id(p), len(index_of)) for p in group["params"]]
            groups.append(packed)
        state = {
            index_of[id(param)]: {name: _copy_value(value) for name, value in values.items()}
            for param, values in self.state.items()
            if values and id(param) in index_of
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` (tensors or NumPy arrays) so training resumes exactly."""
        if not isinstance(state_dict, dict):
            raise TypeError(f"an optimizer state dict is a dict, got {type(state_dict).__name__}")
        if set(state_dict) != {"state", "param_groups"}:
            raise StateDictKeyError(
                "an optimizer state dict is a dict with exactly the keys 'state', 'param_groups', got "
                f"{sorted(map(str, state_dict))}"
            )
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"the state dict has {len(saved_groups)} parameter groups, this optimizer has "
                f"{len(self.param_groups)}"
            )
        param_of: dict[int, Tensor] = {}
        for number, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            # a switch added in a later version (decoupled_weight_decay, ...) takes its default, as
            # PyTorch's __setstate__ does; a missing number means another optimizer's state dict
            missing = [
                name
                for name in self.defaults
                if name not in saved and not self._is_switch(name) and name not in IMPLEMENTATION_OPTIONS
            ]
            if missing:
                raise StateDictKeyError(
                    f"parameter group {number} of the state dict lacks {', '.join(missing)}, which "
                    f"{type(self).__name__} needs: was it saved from another optimizer?"
                )
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"parameter group {number} has {len(saved['params'])} parameters in the state dict "
                    f"but {len(group['params'])} in this optimizer"
                )
            for index, param in zip(saved["params"], group["params"]):
                param_of[int(index)] = param
        new_groups = []
        for saved, group in zip(saved_groups, self.param_groups):
            # PyTorch's state dicts also hold its implementation switches: not hyperparameters here
            skipped = {"params", *IMPLEMENTATION_OPTIONS}
            switches = {
                name: value
                for name, value in self.defaults.items()
                if self._is_switch(name) or name in IMPLEMENTATION_OPTIONS
            }
            kept = {k: v for k, v in saved.items() if k not in skipped}
            names = {"param_names": group["param_names"]} if "param_names" in group else {}
            new_group = {**switches, **names, **kept, "params": group["params"]}
            self.check_hyperparameters(new_group)
            new_groups.append(new_group)
        new_state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        counts_steps = any("step" in values for values in state_dict["state"].values())
        for index, values in state_dict["state"].items():
            if int(index) not in param_of:
                raise ValueError(f"the state dict has state for parameter {index}, which no group holds")
            if counts_steps and values and "step" not in values:  # PyTorch's KeyError at step
                raise StateDictKeyError(f"the state of parameter {index} lacks 'step', which the others have")
            param = param_of[int(index)]
            new_state[param] = {name: _restore_value(name, value, param) for name, value in values.items()}
        self.param_groups = new_groups
        self.state = new_state

    def _is_switch(self, name: str) -> bool:
        """Whether hyperparameter ``name`` is an on/off switch (amsgrad, maximize, nesterov, ...)."""
        return isinstance(self.defaults[name], bool)

    def __getstate__(self) -> dict[str, Any]:
        # Flat groups hold views that a copy or pickle would cut from their buffers (and a backend
        # module that cannot be pickled): the copy takes one ordinary step, then flattens anew.
        return {**self.__dict__, "_flat_groups": {}, "_running_hooks_of": set()}

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for index, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {index}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


HOOKED_METHODS = ("step", "state_dict", "load_state_dict")


def _running_hooks(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` (``step``, ``state_dict`` or ``load_state_dict``) running the optimizer's hooks
    around it, once, also when an override calls the base method."""

    @functools.wraps(method)
    def hooked(self: Optimizer, *args: Any, **kwargs: Any) -> Any:
        hooks = self.__dict__.get("_hooks_by_kind")
        if not hooks:  # the usual case: no hook registered, nothing to track
            return method(self, *args, **kwargs)
        running = self.__dict__.setdefault("_running_hooks_of", set())
        if name in running:
            return method(self, *args, **kwargs)
        running.add(name)
        try:
            if name == "step":
                for hook, _ in list(hooks.get("step_pre", {}).values()):
                    result = hook(self, args, kwargs)
                    if result is not None:
                        if not (isinstance(result, tuple) and len(result) == 2):
                            raise RuntimeError(
                                f"a step pre-hook must return None or (args, kwargs), got {result!r}"
                            )
                        args, kwargs = result
                out = method(self, *args, **kwargs)
                for hook, _ in list(hooks.get("step_post", {}).values()):
                    hook(self, args, kwargs)
                return out
            if name == "state_dict":
                for hook, _ in list(hooks.get("state_dict_pre", {}).values()):
                    hook(self)
                out = method(self, *args, **kwargs)
                for hook, _ in list(hooks.get("state_dict_post", {}).values()):
                    out = hook(self, out) or out
                return out
            state_dict, *rest = args
            for hook, _ in list(hooks.get("load_state_dict_pre", {}).values()):
                state_dict = hook(self, state_dict) or state_dict
            out = method(self, state_dict, *rest, **kwargs)
            for hook, _ in list(hooks.get("load_state_dict_post", {}).values()):
                hook(self)
            return out
        finally:
            running.discard(name)

    return hooked


def _accepting_implementation_options(init: Callable[..., None]) -> Callable[..., None]:
    """``init`` (an optimizer's ``__init__``) that also takes PyTorch's implementation switches.

    Wrapping each subclass's ``__init__`` once here spares every optimizer the same four keywords.
    """

    @functools.wraps(init)
    def __init__(
        self: Optimizer,
        *args: Any,
        foreach: bool | None = None,
        fused: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        **kwargs: Any,
    ) -> None:
        self._choose_implementation(
            foreach=foreach, fused=fused, capturable=capturable, differentiable=differentiable
        )
        init(self, *args, **kwargs)

    # help() and inspect show the class's own parameters, then the four switches (before any **kwargs)
    signature = inspect.signature(init)
    parameters = list(signature.parameters.values())
    position = next((i for i, p in enumerate(parameters) if p.kind is p.VAR_KEYWORD), len(parameters))
    parameters[position:position] = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
        for name, default in IMPLEMENTATION_OPTIONS.items()
    ]
    __init__.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return __init__


# -------------------------------------------------------------------------------------------------
# Checks shared by the optimizers


def plain_numbers(group: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``group`` with NumPy scalars and one-element Tensors (PyTorch accepts a tensor
    ``lr`` or ``betas``) as the Python numbers they hold, so the rules' arithmetic keeps the
    parameters' dtype."""

    def plain(key: str, value: Any) -> Any:
        if isinstance(value, np.generic) and not isinstance(value, np.bool_):
            return value.item()
        if isinstance(value, Tensor):
            if math.prod(value.shape) != 1:
                raise ValueError(f"invalid {key}: a tensor of shape {value.shape} (must hold one number)")
            return value.item()
        if isinstance(value, tuple):
            return tuple(plain(key, item) for item in value)
        return value

    return {key: value if key == "params" else plain(key, value) for key, value in group.items()}


def _is_real_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


# PyTorch's words for a hyperparameter in its errors ("Invalid learning rate: -1"), which ours begin with
PYTORCH_NAMES = {"lr": "learning rate", "eps": "epsilon value"}


class StateDictKeyError(KeyError, ValueError):
    """An optimizer state dict without an entry it needs: PyTorch's KeyError, and a ValueError."""

    __str__ = ValueError.__str__  # the message as written, not KeyError's quoted repr


class MissingParamsError(KeyError, ValueError):
    """A parameter group without its 'params' entry: PyTorch's KeyError, and a ValueError (a bad group)."""


class CapturableDeviceError(AssertionError, RuntimeError):
    """``capturable=True`` with parameters off the GPU: PyTorch's AssertionError at ``step``, and a
    RuntimeError (a setting that cannot run here)."""


class NotANumberError(ValueError, TypeError):
    """A hyperparameter that is not a number at all (``lr=None``, ``lr="0.1"``): our ValueError for
    a bad hyperparameter, and the TypeError PyTorch's range check raises when it compares it."""


def invalid(name: str, value: Any, requirement: str) -> ValueError:
    """The error for a hyperparameter out of range: PyTorch's message, then what is required."""
    what = PYTORCH_NAMES.get(name, name if name.startswith("beta parameter") else f"{name} value")
    error = ValueError if _is_real_number(value) else NotANumberError
    return error(f"Invalid {what}: {value!r} ({name} must be {requirement})")


def check_at_least(name: str, value: Any, low: float) -> None:
    if not _is_real_number(value) or math.isnan(value) or value < low:
        raise invalid(name, value, f"a number >= {low}")


def check_in_unit_interval(name: str, value: Any, include_one: bool = False) -> None:
    """``value`` in [0, 1) (or [0, 1] with ``include_one``)."""
    ok = _is_real_number(value) and (0.0 <= value <= 1.0 if include_one else 0.0 <= value < 1.0)
    if not ok:
        raise invalid(name, value, f"in [0, {'1]' if include_one else '1)'}")


class BetasLengthError(IndexError, ValueError):
    """``betas`` without two entries: PyTorch's IndexError (it reads ``betas[1]``), and a ValueError."""


def betas_pair(betas: Any) -> tuple[Any, Any]:
    """``betas`` as the tuple (β₁, β₂): what every optimizer taking ``betas`` stores. A number, a
    string or None is PyTorch's TypeError, a sequence of another length its IndexError."""
    if not isinstance(betas, (tuple, list)):
        raise NotANumberError(
            f"Invalid betas: {betas!r} (a {type(betas).__name__}; betas must be a pair (beta1, beta2) "
            "of numbers, e.g. (0.9, 0.999))"
        )
    if len(betas) != 2:
        raise BetasLengthError(
            f"Invalid betas: {betas!r} has {len(betas)} entries (betas must be a pair (beta1, beta2))"
        )
    return tuple(betas)


def check_betas(betas: Any) -> None:
    """``betas`` a pair of numbers in [0, 1)."""
    for position, beta in enumerate(betas_pair(betas)):
        check_in_unit_interval(f"beta parameter at index {position}", beta)


def check_parameter(param: Any, position: int) -> None:
    """Only floating-point leaf tensors can be optimized.

    As in PyTorch, a tensor that does not require grad (a frozen layer's weight) is accepted: it
    gets no gradient, so ``step`` skips it until it is unfrozen with ``requires_grad_()``.
    """
    if not isinstance(param, Tensor):
        raise TypeError(f"parameter {position} is a {type(param).__name__}, but optimizers take Tensors")
    if param.dtype.kind != "f":
        raise TypeError(f"parameter {position} has dtype {param.dtype}; only float tensors can be optimized")
    if not param.is_leaf:
        raise ValueError(f"parameter {position} (shape {param.shape}) is not a leaf tensor: it was computed")
    if param._backend.is_host and not param._data.flags.writeable:
        raise ValueError(
            f"parameter {position} (shape {param.shape}) wraps a read-only NumPy array, but optimizers "
            "update parameters in place: make the tensor from a copy"
        )


def check_gradient(param: Tensor) -> None:
    """Raise unless ``param.grad`` is a tensor of the parameter's shape, dtype and device."""
    grad = param.grad
    if (
        isinstance(grad, Tensor)
        and grad._backend is param._backend
        and grad._data.shape == param._data.shape
        and grad._data.dtype == param._data.dtype
    ):
        return  # the common case, checked on raw arrays: this runs for every parameter at every step
    if not isinstance(grad, Tensor):
        raise TypeError(f"the grad of a parameter of shape {param.shape} is a {type(grad).__name__}")
    if grad.shape != param.shape:
        raise RuntimeError(f"a parameter of shape {param.shape} has a gradient of shape {grad.shape}")
    if grad.dtype != param.dtype:
        raise TypeError(f"a {param.dtype} parameter of shape {param.shape} has a {grad.dtype} gradient")
    if grad._backend is not param._backend:
        raise RuntimeError(f"a parameter on {param.device} has its gradient on {grad.device}")


# -------------------------------------------------------------------------------------------------
# Arithmetic shared by the update rules


def lerp_(start: Any, end: Any, weight: float) -> None:
    """``start ← start + weight·(end − start)`` in place, computed as PyTorch's ``lerp_`` does.

    For a large weight PyTorch computes ``end − (end − start)·(1 − weight)`` instead, which is
    more accurate there; doing the same keeps trajectories equal to PyTorch's to the last bits.
    """
    if abs(weight) < 0.5:
        delta = end - start  # one temporary, scaled in place: the same bits as weight·(end − start)
        delta *= weight
        start += delta
    else:
        start[...] = end - (end - start) * (1 - weight)


def _follow_device(state: dict[str, Any], param: Tensor) -> None:
    """Move state tensors to their parameter's device, and floating ones to its floating dtype
    (after ``model.to(device)`` or ``model.to(dtype)``, as it happens): no step mixes precisions."""
    for name, value in state.items():
        if not isinstance(value, Tensor):
            continue
        if value._backend is not param._backend:
            value = state[name] = value.to(param.device)
        if value.dtype.kind == "f" and param.dtype.kind == "f" and value.dtype != param.dtype:
            state[name] = value.astype(param.dtype)


# -------------------------------------------------------------------------------------------------
# State dict values


def _copy_value(value: Any) -> Any:
    if isinstance(value, Tensor):
        xp = value._backend.xp
        return Tensor._wrap(xp.asarray(value._data, copy=True), value._backend)
    return value


# State entries that are numbers rather than tensors shaped like their parameter.
SCALAR_STATE = frozenset({"step", "mu_product", "eta", "mu"})


def _restore_value(name: str, value: Any, param: Tensor) -> Any:
    """A saved state value as a fresh tensor like ``param`` (or as a Python number)."""
    if name == "step":
        return int(value.item() if hasattr(value, "item") else value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    host = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
    # a 0-d value is a number (PyTorch saves ``mu_product`` as a 0-d tensor), except the state
    # tensors of a 0-d parameter (``exp_avg`` of a scalar weight, from us or from PyTorch)
    if host.ndim == 0 and (param.shape != () or name in SCALAR_STATE):
        return host.item()
    if host.shape != param.shape:
        raise ShapeError(f"state {name!r} has shape {host.shape} but its parameter has shape {param.shape}")
    if host.dtype.kind == "f":
        host = host.astype(param.dtype)
    return Tensor(host.copy(), device=param.device)


for _name in HOOKED_METHODS:
    setattr(Optimizer, _name, _running_hooks(_name, vars(Optimizer)[_name]))
