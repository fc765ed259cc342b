"""Learning-rate schedules: each ``step()`` rewrites ``group["lr"]`` of an optimizer's groups.

The formulas and their recursive forms are PyTorch's (``torch.optim.lr_scheduler``), so the
sequences of learning rates agree with PyTorch's to the last bit. Call ``scheduler.step()`` once
per epoch (or per iteration), after ``optimizer.step()``. ``step(epoch)`` jumps to ``epoch`` through
the schedule's closed form where PyTorch has one (deprecated there too, but kept for old code).
``SequentialLR`` runs schedules one after another, ``ChainedScheduler`` several at once.
"""

from __future__ import annotations

import math
import types
import warnings
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer

EPOCH_DEPRECATION_WARNING = (
    "scheduler.step(epoch) is deprecated (as in PyTorch): call scheduler.step() once per epoch; "
    "with an epoch given, the closed form of the schedule is used where there is one"
)


# Entries of PyTorch's scheduler state dicts that only steer its warnings.
PYTORCH_BOOKKEEPING = frozenset({"_get_lr_called_within_step", "verbose"})


def _check_optimizer(optimizer: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"a scheduler needs an Optimizer, got {type(optimizer).__name__}")


def _is_number(value: Any) -> bool:
    """A Python or NumPy real number (np.float32(0.9) from NumPy arithmetic too), not a bool."""
    real = isinstance(value, (int, float, np.integer, np.floating))
    return real and not isinstance(value, (bool, np.bool_))


def _is_int(value: Any) -> bool:
    """A Python or NumPy integer (T_max = np.ceil(n / batch).astype(int) * epochs), not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _check_positive_int(name: str, value: Any) -> None:
    if not _is_int(value) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _check_non_negative_int(name: str, value: Any) -> None:
    if not _is_int(value) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")


def _check_positive(name: str, value: Any) -> None:
    if not _is_number(value) or not value > 0:
        raise ValueError(f"{name} must be a number > 0, got {value!r}")


def _cycles_beta1(optimizer: Optimizer) -> bool:
    """Whether cycling momentum (OneCycleLR, CyclicLR) moves Adam's β₁ rather than ``momentum``;
    an optimizer with neither is an error."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(
            f"cycle_momentum=True needs an optimizer with momentum or betas; "
            f"{type(optimizer).__name__} has neither (pass cycle_momentum=False)"
        )
    return "betas" in optimizer.defaults


def _per_group(name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    """One value per parameter group: a list or tuple as long as the groups, or one value for all."""
    groups = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != groups:
            raise ValueError(f"{name} has {len(value)} values for {groups} parameter groups")
        return list(value)
    return [value] * groups


class LRScheduler:
    """Base class: ``get_lr()`` gives the learning rates for epoch ``last_epoch`` (PyTorch's recursion).

    Creating a scheduler records each group's ``initial_lr`` (kept if already there) and applies
    epoch 0 at once. ``last_epoch=k`` (PyTorch's way to resume) instead takes the groups'
    ``initial_lr`` as they are and applies epoch k + 1.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        _check_optimizer(optimizer)
        if not _is_int(last_epoch) or last_epoch < -1:
            raise ValueError(f"last_epoch must be an integer >= -1, got {last_epoch!r}")
        self.optimizer = optimizer
        for number, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"param 'initial_lr' is not specified in param_groups[{number}] when resuming with "
                    f"last_epoch={last_epoch}: it is set by a scheduler created with last_epoch=-1 "
                    "(or restore the scheduler's state_dict instead)"
                )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """Apply epoch 0 (``get_lr`` sees ``_is_initial``; SequentialLR calls it again at its start)."""
        self._step_count = 0  # PyTorch's count of steps, this first one included
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for epoch ``last_epoch``, from the groups' current ones."""
        raise NotImplementedError

    def _get_closed_form_lr(self) -> list[float]:
        """The learning rates at epoch ``last_epoch`` from the base ones alone, for ``step(epoch)``;
        schedules without a closed form fall back on ``get_lr``, as in PyTorch."""
        return self.get_lr()

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and write the new learning rates into the optimizer.

        ``epoch`` (deprecated, as in PyTorch) jumps to that epoch through the closed form instead.
        """
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._step_count += 1
        self._update_lr(epoch)

    # Whether the rule reads one value per group fixed at creation (base_lrs, lr_lambdas): such a
    # schedule has nothing for a group added afterwards (PyTorch fails there in a zip).
    per_group_schedule = False

    def _check_group_count(self) -> None:
        groups = len(self.optimizer.param_groups)
        if self.per_group_schedule and groups != len(self.base_lrs):
            raise ValueError(
                f"{type(self).__name__} was made for {len(self.base_lrs)} parameter group(s), but the "
                f"optimizer now has {groups}: optimizer.add_param_group came after the scheduler, whose "
                "schedule is set per group when it is made; add the group first, then create the scheduler"
            )

    def _update_lr(self, epoch: int | None = None) -> None:
        self._check_group_count()
        if epoch is None:
            self.last_epoch += 1
            lrs = self.get_lr()
        else:
            self.last_epoch = epoch
            lrs = self._get_closed_form_lr()
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` set, one per parameter group."""
        return list(self._last_lr)

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer (save the optimizer's own state dict beside it)."""
        return {
            key: list(value) if isinstance(value, list) else value
            for key, value in self.__dict__.items()
            if key != "optimizer"
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` (ours, or PyTorch's: its bookkeeping flags are dropped)."""
        if not isinstance(state_dict, dict):
            raise TypeError(f"a scheduler's state dict is a dict, got {type(state_dict).__name__}")
        state_dict = {key: value for key, value in state_dict.items() if key not in PYTORCH_BOOKKEEPING}
        unknown = set(state_dict) - set(self.__dict__)
        if unknown:
            raise ValueError(f"{type(self).__name__} state dict has unknown entries {sorted(unknown)}")
        self.__dict__.update(state_dict)


# PyTorch's older name of the base class, which custom schedulers in the wild still subclass.
_LRScheduler = LRScheduler


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if isinstance(step_size, float) and step_size.is_integer():  # PyTorch's text tutorial passes 1.0
            step_size = int(step_size)
        _check_positive_int("step_size", step_size)
        _check_positive("gamma", gamma)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        _check_positive("gamma", gamma)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * self.gamma**self.last_epoch for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing (Loshchilov & Hutter, 2017, SGDR without restarts).

    ``η_t = η_min + ½(η_0 − η_min)(1 + cos(π·t/T_max))``, computed by PyTorch's recursion (which also
    lets other changes of lr compose with it); past ``T_max`` the cosine rises again.
    """

    per_group_schedule = True

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:  # noqa: N803
        _check_positive_int("T_max", T_max)
        if not _is_number(eta_min) or eta_min < 0:
            raise ValueError(f"eta_min must be a number >= 0, got {eta_min!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._current_lrs()
        epoch, period = self.last_epoch, self.T_max
        if (epoch - 1 - period) % (2 * period) == 0:
            return [
                lr + (base_lr - self.eta_min) * (1 - math.cos(math.pi / period)) / 2
                for lr, base_lr in zip(self._current_lrs(), self.base_lrs)
            ]
        return [
            (1 + math.cos(math.pi * epoch / period))
            / (1 + math.cos(math.pi * (epoch - 1) / period))
            * (lr - self.eta_min)
            + self.eta_min
            for lr in self._current_lrs()
        ]

    def _get_closed_form_lr(self) -> list[float]:
        cosine = 1 + math.cos(math.pi * self.last_epoch / self.T_max)
        return [self.eta_min + (base_lr - self.eta_min) * cosine / 2 for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the learning rate by a factor going linearly from ``start_factor`` to ``end_factor``
    over ``total_iters`` epochs, then keep it (PyTorch's defaults: 1/3 to 1 over 5 epochs)."""

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not 0 < start_factor <= 1:
            raise ValueError(f"start_factor must be in (0, 1], got {start_factor!r}")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"end_factor must be in [0, 1], got {end_factor!r}")
        if not _is_int(total_iters) or total_iters < 0:
            raise ValueError(f"total_iters must be an integer >= 0, got {total_iters!r}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in self._current_lrs()]
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current_lrs()
        change = self.end_factor - self.start_factor
        ratio = 1.0 + change / (self.total_iters * self.start_factor + (self.last_epoch - 1) * change)
        return [lr * ratio for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        change = self.end_factor - self.start_factor
        return [
            base_lr * (self.start_factor + change * min(self.total_iters, self.last_epoch) / self.total_iters)
            for base_lr in self.base_lrs
        ]


class LinearWarmup(LinearLR):
    """Linear warm-up: ``lr·(t + 1)/warmup_steps`` for the first ``warmup_steps`` steps, then ``lr``.

    Large early steps of adaptive optimizers, taken while their moment estimates are still noisy,
    can derail training; ramping the learning rate up avoids them (Goyal et al., 2017).
    """

    def __init__(self, optimizer: Optimizer, warmup_steps: int) -> None:
        _check_positive_int("warmup_steps", warmup_steps)
        self.warmup_steps = warmup_steps
        super().__init__(optimizer, 1.0 / warmup_steps, 1.0, warmup_steps - 1)


class ReduceLROnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` when a metric stops improving for ``patience`` epochs.

    ``step(metrics)`` once per epoch. ``mode="min"`` (a loss) or ``"max"`` (an accuracy); an
    improvement must beat the best by ``threshold`` (relative: ``best·(1 ∓ threshold)``, or
    absolute: ``best ∓ threshold``); after a reduction, ``cooldown`` epochs pass before bad epochs
    count again; no group's lr goes below ``min_lr``. PyTorch's semantics and defaults.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | list[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        # As in PyTorch, the base __init__ does not run: the rate changes only when a metric says so.
        _check_optimizer(optimizer)
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        if not 0 < factor < 1:
            raise ValueError(f"factor must be in (0, 1), got {factor!r}")
        for name, value in (("patience", patience), ("cooldown", cooldown)):
            if not _is_int(value) or value < 0:
                raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
        if threshold < 0:
            raise ValueError(f"threshold must be >= 0, got {threshold!r}")
        groups = len(optimizer.param_groups)
        # one min_lr for all groups also serves groups added later; a list is per group (PyTorch)
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * groups
        if len(min_lrs) != groups:
            raise ValueError(f"min_lr has {len(min_lrs)} entries for {groups} parameter groups")
        if any(value < 0 for value in min_lrs):
            raise ValueError(f"min_lr must be >= 0, got {min_lr!r}")
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.min_lrs = min_lrs
        self.eps = eps
        self.last_epoch = 0
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self._last_lr = [group["lr"] for group in optimizer.param_groups]
        self._reset()

    def _reset(self) -> None:
        """Forget the best metric and the counts of bad and cooldown epochs."""
        self.best = self.mode_worse
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    @property
    def in_cooldown(self) -> bool:
        """Whether bad epochs are ignored now, after a reduction."""
        return self.cooldown_counter > 0

    def is_better(self, value: float, best: float) -> bool:
        """Whether ``value`` improves on ``best`` by more than the threshold."""
        if self.threshold_mode == "rel":
            scale = 1.0 - self.threshold if self.mode == "min" else 1.0 + self.threshold
            return value < best * scale if self.mode == "min" else value > best * scale
        return value < best - self.threshold if self.mode == "min" else value > best + self.threshold

    def step(self, metrics: Any, epoch: int | None = None) -> None:  # type: ignore[override]
        """Record this epoch's metric (a number or a one-element Tensor); reduce lr if it plateaus.

        ``epoch`` (deprecated, as in PyTorch) sets the epoch number instead of counting one more.
        """
        current = float(metrics)  # a NaN never improves: it counts as a bad epoch
        if epoch is None:
            self.last_epoch += 1
        else:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
            self.last_epoch = epoch
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during the cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._match_min_lrs_to_groups()
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                new_lr = max(group["lr"] * self.factor, min_lr)
                if group["lr"] - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _match_min_lrs_to_groups(self) -> None:
        """After ``add_param_group``: one ``min_lr`` given for all covers the new groups too, a list
        of them cannot (PyTorch's rule)."""
        groups = len(self.optimizer.param_groups)
        if groups == len(self.min_lrs):
            return
        if self.default_min_lr is None:
            raise RuntimeError(
                f"the optimizer has {groups} parameter groups but ReduceLROnPlateau has min_lrs for "
                f"{len(self.min_lrs)} (a group was added): set scheduler.min_lrs to one value per group"
            )
        self.min_lrs = [self.default_min_lr] * groups


class MultiStepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` at each epoch in ``milestones`` (by ``gamma^k`` at a
    milestone listed k times)."""

    def __init__(
        self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        milestones = list(milestones)
        for milestone in milestones:
            if not _is_int(milestone):
                raise ValueError(f"milestones must be integers, got {milestone!r} in {milestones!r}")
        _check_positive("gamma", gamma)
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base_lr * self.gamma**passed for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    """Scale the learning rate by ``factor`` for the first ``total_iters`` epochs, then restore it."""

    def __init__(
        self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1
    ) -> None:
        if not _is_number(factor) or not 0 <= factor <= 1:
            raise ValueError(f"factor must be in [0, 1], got {factor!r}")
        _check_non_negative_int("total_iters", total_iters)
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._current_lrs()]
        if self.last_epoch != self.total_iters:
            return self._current_lrs()
        if self.factor == 0:
            raise ZeroDivisionError(
                "ConstantLR(factor=0) cannot restore the learning rate at total_iters: it was scaled to 0"
            )
        return [lr * (1.0 / self.factor) for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        factor = self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor)
        return [base_lr * factor for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the learning rate as ``η₀·(1 − t/total_iters)^power`` until ``total_iters``, then keep it."""

    def __init__(
        self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1
    ) -> None:
        _check_non_negative_int("total_iters", total_iters)
        if not _is_number(power):
            raise ValueError(f"power must be a number, got {power!r}")
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current_lrs()
        epoch, total = self.last_epoch, self.total_iters
        decay_factor = ((1.0 - epoch / total) / (1.0 - (epoch - 1) / total)) ** self.power
        return [lr * decay_factor for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        remaining = 1.0 - min(self.total_iters, self.last_epoch) / self.total_iters
        return [base_lr * remaining**self.power for base_lr in self.base_lrs]


def _lr_lambdas(optimizer: Optimizer, lr_lambda: Any) -> list[Callable[[int], float]]:
    _check_optimizer(optimizer)
    lambdas = _per_group("lr_lambda", optimizer, lr_lambda)
    for fn in lambdas:
        if not callable(fn):
            raise TypeError(f"lr_lambda must be a function of the epoch, got {type(fn).__name__}")
    return lambdas


class _LambdaScheduler(LRScheduler):
    """State dicts of schedules driven by functions: as PyTorch, a plain function or lambda cannot be
    saved and is stored as None; a callable object's attributes (its ``__dict__``) are."""

    per_group_schedule = True

    def __init__(
        self, optimizer: Optimizer, lr_lambda: Callable[[int], float] | list[Callable], last_epoch: int = -1
    ) -> None:
        self.lr_lambdas = _lr_lambdas(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        state = {key: value for key, value in super().state_dict().items() if key != "lr_lambdas"}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else dict(vars(fn)) for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved_lambdas = state.pop("lr_lambdas")
        super().load_state_dict(state)
        for fn, attributes in zip(self.lr_lambdas, saved_lambdas):
            if attributes is not None:
                vars(fn).update(attributes)


class LambdaLR(_LambdaScheduler):
    """``η_t = η₀·lr_lambda(t)``: any schedule as a function of the epoch (one per group, or one for all)."""

    def get_lr(self) -> list[float]:
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaScheduler):
    """``η_t = η_{t−1}·lr_lambda(t)``: multiply the learning rate by a function of the epoch."""

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._current_lrs()
        return [lr * fn(self.last_epoch) for fn, lr in zip(self.lr_lambdas, self._current_lrs())]


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR, cosine annealing with warm restarts (Loshchilov & Hutter, 2017).

    ``η = η_min + ½(η₀ − η_min)(1 + cos(π·T_cur/T_i))``: T_cur counts the epochs since the last
    restart, and the period T_i starts at ``T_0`` and grows by ``T_mult`` at each restart.
    ``step(epoch)`` takes fractional epochs (``epoch + batch / batches``), as in PyTorch.
    """

    per_group_schedule = True

    def __init__(
        self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:  # noqa: N803
        _check_positive_int("T_0", T_0)
        if not _is_int(T_mult) or T_mult < 1:
            raise ValueError(f"T_mult must be an integer >= 1, got {T_mult!r}")
        if not _is_number(eta_min):
            raise ValueError(f"eta_min must be a number, got {eta_min!r}")
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        cosine = 1 + math.cos(math.pi * self.T_cur / self.T_i)
        return [self.eta_min + (base_lr - self.eta_min) * cosine / 2 for base_lr in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch (restarting when the period ends), or go to ``epoch`` (may be fractional)."""
        self._check_group_count()
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        elif not _is_number(epoch) or epoch < 0:
            raise ValueError(f"epoch must be a number >= 0, got {epoch!r}")
        elif epoch >= self.T_0:
            if self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:
                # the restarts so far: T_0·(T_mult^n − 1)/(T_mult − 1) <= epoch
                n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult**n
        else:
            self.T_i = self.T_0
            self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = self._current_lrs()


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin, 2019): per batch, warm up from ``max_lr/div_factor`` to
    ``max_lr`` over ``pct_start`` of ``total_steps``, then anneal to ``initial_lr/final_div_factor``.

    ``anneal_strategy`` "cos" or "linear"; ``three_phase`` comes back down to the initial lr
    symmetrically before the final annealing. With ``cycle_momentum`` the momentum (or Adam's β₁)
    moves inversely between ``max_momentum`` and ``base_momentum``. As in PyTorch, the groups hold
    ``initial_lr``, ``max_lr``, ``min_lr`` (and ``max_momentum``, ``base_momentum``), so the
    optimizer's state dict carries them; stepping past ``total_steps`` is an error.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        if total_steps is not None:
            _check_positive_int("total_steps", total_steps)
        elif epochs is not None and steps_per_epoch is not None:
            _check_positive_int("epochs", epochs)
            _check_positive_int("steps_per_epoch", steps_per_epoch)
            total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("OneCycleLR needs total_steps, or epochs and steps_per_epoch")
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f"pct_start must be a float in [0, 1], got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        _check_positive("div_factor", div_factor)
        _check_positive("final_div_factor", final_div_factor)
        self.total_steps = total_steps
        warmup_end = float(pct_start * total_steps) - 1
        cooldown_end = float(2 * pct_start * total_steps) - 2
        # each phase: its last step, the group keys of its start and end lr and momentum (PyTorch's
        # layout, so that PyTorch's state dicts load)
        if three_phase:
            phases = [
                (warmup_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (cooldown_end, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            phases = [
                (warmup_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        keys = ("end_step", "start_lr", "end_lr", "start_momentum", "end_momentum")
        self._schedule_phases = [dict(zip(keys, phase)) for phase in phases]
        self.anneal_strategy = anneal_strategy
        # resuming (last_epoch >= 0), the groups keep the lrs and momenta saved in them, as in PyTorch
        resuming = last_epoch != -1
        for group, group_max_lr in zip(optimizer.param_groups, _per_group("max_lr", optimizer, max_lr)):
            _check_positive("max_lr", group_max_lr)
            if not resuming:
                group["initial_lr"] = group_max_lr / div_factor
                group["max_lr"] = group_max_lr
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _cycles_beta1(optimizer)
            max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            for group, top, bottom in zip(optimizer.param_groups, max_momentums, base_momentums):
                if not resuming:
                    _set_momentum(group, top, self.use_beta1)
                    group["max_momentum"] = top
                    group["base_momentum"] = bottom
        super().__init__(optimizer, last_epoch)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        if "_anneal_func_type" in state:  # PyTorch's name for anneal_strategy
            state["anneal_strategy"] = state.pop("_anneal_func_type")
        super().load_state_dict(state)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR stepped {step} times, but total_steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            phase_start = 0.0
            phases = self._schedule_phases
            for index, phase in enumerate(phases):
                phase_end = phase["end_step"]
                if step <= phase_end or index == len(phases) - 1:
                    pct = (step - phase_start) / (phase_end - phase_start)
                    lrs.append(self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        start, end = group[phase["start_momentum"]], group[phase["end_momentum"]]
                        _set_momentum(group, self._anneal(start, end, pct), self.use_beta1)
                    break
                phase_start = phase_end
        return lrs


class CyclicLR(LRScheduler):
    """Cyclical learning rates (Smith, 2017): per batch, lr goes from ``base_lr`` up to ``max_lr``
    over ``step_size_up`` steps and back over ``step_size_down``, again and again.

    With ``c = ⌊1 + t/(up + down)⌋`` the cycle and ``x = 1 + t/(up + down) − c`` the position in it,
    the rise is ``h = x/r`` while ``x ≤ r = up/(up + down)`` and the fall ``h = (x − 1)/(r − 1)``
    after; ``lr = base_lr + (max_lr − base_lr)·h·s``. The amplitude scale ``s`` is 1 ("triangular"),
    ``1/2^(c−1)`` ("triangular2"), ``gamma^t`` ("exp_range") or ``scale_fn`` of the cycle c
    (``scale_mode="cycle"``) or of the step t (``"iterations"``). With ``cycle_momentum`` the
    momentum (or Adam's β₁) moves the other way: ``max_momentum − (max_momentum − base_momentum)·h·s``.
    PyTorch's semantics and defaults; creating it sets each group's lr to ``base_lr``.
    """

    per_group_schedule = True

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.8,
        max_momentum: float | list[float] = 0.9,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        self.max_lrs = _per_group("max_lr", optimizer, max_lr)
        for name, values in (("base_lr", base_lrs), ("max_lr", self.max_lrs)):
            for value in values:
                if not _is_number(value) or value < 0:
                    raise ValueError(f"{name} must be a number >= 0 (or one per group), got {value!r}")
        _check_positive("step_size_up", step_size_up)
        if step_size_down is not None:
            _check_positive("step_size_down", step_size_down)
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError(f"mode must be 'triangular', 'triangular2' or 'exp_range', got {mode!r}")
        if scale_fn is not None and not callable(scale_fn):
            raise TypeError(f"scale_fn must be a function of the cycle or step: {type(scale_fn).__name__}")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}")
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs):
                group["lr"] = lr
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        # the built-in modes fix where their scale is evaluated, as in PyTorch
        builtin_scale_mode = {"triangular": "cycle", "triangular2": "cycle", "exp_range": "iterations"}
        self.scale_mode = scale_mode if scale_fn is not None else builtin_scale_mode[mode]
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _cycles_beta1(optimizer)
            self.base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            self.max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                momenta = zip(optimizer.param_groups, self.max_momentums, self.base_momentums)
                for group, top, bottom in momenta:
                    _set_momentum(group, top, self.use_beta1)
                    group["max_momentum"] = top
                    group["base_momentum"] = bottom
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x: float) -> float:
        """The amplitude's scale at cycle (or step) ``x``: the mode's, or the one given."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma**x

    def get_lr(self) -> list[float]:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [
            base_lr + (max_lr - base_lr) * scale_factor * scale
            for base_lr, max_lr in zip(self.base_lrs, self.max_lrs)
        ]
        if self.cycle_momentum:
            momenta = zip(self.optimizer.param_groups, self.base_momentums, self.max_momentums)
            for group, bottom, top in momenta:
                _set_momentum(group, top - (top - bottom) * scale_factor * scale, self.use_beta1)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """As PyTorch: a ``scale_fn`` that is a plain function or lambda is saved as None, a callable
        object as its attributes."""
        state = super().state_dict()
        fn = state.pop("_scale_fn_custom")
        saveable = fn is not None and not isinstance(fn, types.FunctionType)
        state["_scale_fn_custom"] = dict(vars(fn)) if saveable else None
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        attributes = state.pop("_scale_fn_custom", None)
        super().load_state_dict(state)
        if attributes is not None and self._scale_fn_custom is not None:
            vars(self._scale_fn_custom).update(attributes)


def _set_momentum(group: dict[str, Any], momentum: float, use_beta1: bool) -> None:
    """Set a group's momentum, or the β₁ of its betas (Adam's family), for the cyclic schedules."""
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


class _SchedulerOfSchedulers(LRScheduler):
    """What SequentialLR and ChainedScheduler share: checks, and state dicts that hold the parts'."""

    _schedulers: list[LRScheduler]

    def _check_schedulers(self, optimizer: Optimizer, schedulers: Any) -> list[LRScheduler]:
        name = type(self).__name__
        schedulers = list(schedulers)
        if not schedulers:
            raise ValueError(f"{name} needs at least one scheduler, got none")
        for index, scheduler in enumerate(schedulers):
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(
                    f"{name} cannot hold ReduceLROnPlateau (scheduler {index}): its step needs the metric"
                )
            if not isinstance(scheduler, LRScheduler):
                raise TypeError(f"{name}: scheduler {index} is a {type(scheduler).__name__}, not a scheduler")
            if scheduler.optimizer is not optimizer:
                raise ValueError(
                    f"{name}: scheduler {index} ({type(scheduler).__name__}) belongs to another optimizer"
                )
        return schedulers

    def state_dict(self) -> dict[str, Any]:
        state = {key: value for key, value in super().state_dict().items() if key != "_schedulers"}
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved_schedulers = state.pop("_schedulers")
        if len(saved_schedulers) != len(self._schedulers):
            raise ValueError(
                f"the state dict has {len(saved_schedulers)} schedulers, this {type(self).__name__} "
                f"has {len(self._schedulers)}"
            )
        super().load_state_dict(state)
        for scheduler, saved in zip(self._schedulers, saved_schedulers):
            scheduler.load_state_dict(saved)


class SequentialLR(_SchedulerOfSchedulers):
    """Run ``schedulers[0]`` until epoch ``milestones[0]``, then ``schedulers[1]`` from its epoch 0, ...

    As in PyTorch, creating it resets the learning rates to ``initial_lr`` and undoes the epoch 0
    that each scheduler applied when created; each later scheduler starts from its closed form at 0.
    """

    def __init__(
        self, optimizer: Optimizer, schedulers: list[LRScheduler], milestones: list[int], last_epoch: int = -1
    ) -> None:
        _check_optimizer(optimizer)
        if not _is_int(last_epoch) or last_epoch < -1:
            raise ValueError(f"last_epoch must be an integer >= -1, got {last_epoch!r}")
        schedulers = self._check_schedulers(optimizer, schedulers)
        milestones = list(milestones)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequentialLR needs one milestone fewer than schedulers: got {len(schedulers)} schedulers "
                f"and milestones {milestones!r}"
            )
        if not all(_is_int(m) for m in milestones) or milestones != sorted(milestones):
            raise ValueError(f"milestones must be integers in increasing order, got {milestones!r}")
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self._undo_initial_step(self)
        first = self._schedulers[bisect_right(milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def _undo_initial_step(self, scheduler: LRScheduler) -> None:
        if isinstance(scheduler, _SchedulerOfSchedulers):
            for part in scheduler._schedulers:
                self._undo_initial_step(part)
        else:
            scheduler.last_epoch -= 1

    def step(self) -> None:  # type: ignore[override]
        """Advance one epoch: the scheduler of this epoch steps, or starts at a milestone."""
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_SchedulerOfSchedulers):
    """Step several schedulers together each epoch, so their factors multiply (e.g. warm-up × decay)."""

    def __init__(self, schedulers: list[LRScheduler], optimizer: Optimizer | None = None) -> None:
        schedulers = list(schedulers)
        if optimizer is None and schedulers:
            optimizer = schedulers[0].optimizer if isinstance(schedulers[0], LRScheduler) else None
        if optimizer is not None:
            _check_optimizer(optimizer)
        self._schedulers = self._check_schedulers(optimizer, schedulers)
        self.optimizer = optimizer
        self._last_lr = self._current_lrs()

    def step(self) -> None:  # type: ignore[override]
        """Step every scheduler, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = self._current_lrs()
