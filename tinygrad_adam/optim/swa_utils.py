"""Weight averaging, as PyTorch's ``torch.optim.swa_utils``: ``AveragedModel`` keeps a running
average of a model's weights (stochastic weight averaging, or an exponential moving average),
``SWALR`` anneals the learning rate to a constant for the averaging phase, and ``update_bn``
recomputes BatchNorm statistics for the averaged weights.

SWA (Izmailov et al., 2018, "Averaging Weights Leads to Wider Optima and Better Generalization"):
after n models, W̄ ← W̄ + (W − W̄) / (n + 1). EMA: W̄ ← decay · W̄ + (1 − decay) · W.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..autograd import no_grad
from ..nn.module import Module
from ..nn.normalization import _BatchNorm
from ..tensor import ShapeError, Tensor, int64, tensor
from .lr_scheduler import LRScheduler, _per_group
from .optimizer import Optimizer, lerp_

__all__ = [
    "SWALR",
    "AveragedModel",
    "get_ema_avg_fn",
    "get_ema_multi_avg_fn",
    "get_swa_avg_fn",
    "get_swa_multi_avg_fn",
    "update_bn",
]

AverageFunction = Callable[[Tensor, Tensor, Any], Tensor]
MultiAverageFunction = Callable[[Sequence[Tensor], Sequence[Tensor], Any], None]


def _check_decay(decay: float) -> None:
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def _lerp_(start: Tensor, end: Tensor, weight: float) -> None:
    """start ← start + weight · (end − start) in place, rounded as PyTorch's ``lerp_``."""
    lerp_(start._data, end._data, weight)
    start._version += 1


def get_ema_multi_avg_fn(decay: float = 0.999) -> MultiAverageFunction:
    """The in-place exponential moving average of lists of parameters: W̄ ← lerp(W̄, W, 1 − decay)."""
    _check_decay(decay)

    def ema_update(ema_params: Sequence[Tensor], current_params: Sequence[Tensor], _: Any) -> None:
        with no_grad():
            for ema, current in zip(ema_params, current_params, strict=True):
                if ema.dtype.kind in "fc":
                    _lerp_(ema, current, 1 - decay)
                else:  # integer buffers (num_batches_tracked)
                    ema.copy_(ema * decay + current * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn() -> MultiAverageFunction:
    """The in-place equal-weight average of lists of parameters: W̄ ← lerp(W̄, W, 1 / (n + 1))."""

    def swa_update(
        averaged_params: Sequence[Tensor], current_params: Sequence[Tensor], num_averaged: Any
    ) -> None:
        count = num_averaged.item() if isinstance(num_averaged, Tensor) else num_averaged
        with no_grad():
            for averaged, current in zip(averaged_params, current_params, strict=True):
                if averaged.dtype.kind in "fc":
                    _lerp_(averaged, current, 1 / (count + 1))
                else:  # integer buffers, rounded toward zero as PyTorch's copy into them
                    averaged.copy_(averaged + (current - averaged) / (count + 1))

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> AverageFunction:
    """The exponential moving average of one parameter: decay · W̄ + (1 − decay) · W."""
    _check_decay(decay)

    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn() -> AverageFunction:
    """The equal-weight average of one parameter: W̄ + (W − W̄) / (n + 1)."""

    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        count = num_averaged.item() if isinstance(num_averaged, Tensor) else num_averaged
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (count + 1)

    return swa_update


class AveragedModel(Module):
    """A copy of ``model`` whose weights are the running average of the weights it is shown.

    ``update_parameters(model)`` copies the model's parameters the first time and then averages
    them in: equally (SWA) unless ``avg_fn(averaged, current, n_averaged)`` or the in-place
    ``multi_avg_fn(averaged_list, current_list, n_averaged)`` says otherwise. Buffers (BatchNorm
    statistics) are copied, or averaged too with ``use_buffers=True``. ``n_averaged`` is a buffer,
    so it is saved in ``state_dict()``; the averaging functions are not. Calling it runs the copy.
    """

    def __init__(
        self,
        model: Module,
        device: str | None = None,
        avg_fn: AverageFunction | None = None,
        multi_avg_fn: MultiAverageFunction | None = None,
        use_buffers: bool = False,
    ) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise ValueError("AveragedModel: give avg_fn or multi_avg_fn, not both")
        if not isinstance(model, Module):
            raise TypeError(f"AveragedModel averages a Module, got {type(model).__name__}")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=int64, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.module(*args, **kwargs)

    def _averaged_tensors(self, model: Module) -> tuple[list[Tensor], list[Tensor]]:
        mine = list(self.module.parameters())
        theirs = list(model.parameters())
        if self.use_buffers:
            mine += list(self.module.buffers())
            theirs += list(model.buffers())
        for averaged, current in zip(mine, theirs):
            if averaged.shape != current.shape:  # PyTorch's copy_ / lerp_ raise a RuntimeError
                raise ShapeError(
                    f"AveragedModel.update_parameters: a tensor of shape {tuple(current.shape)} cannot be "
                    f"averaged into one of shape {tuple(averaged.shape)}"
                )
        if len(mine) != len(theirs):
            raise ValueError(
                f"AveragedModel.update_parameters: the model has {len(theirs)} parameters"
                f"{' and buffers' if self.use_buffers else ''}, the averaged copy {len(mine)}: "
                "pass the model this AveragedModel was made from"
            )
        return mine, [current.detach().to(averaged.device) for averaged, current in zip(mine, theirs)]

    def update_parameters(self, model: Module) -> None:
        """Average ``model``'s current weights in (copy them, the first time)."""
        mine, theirs = self._averaged_tensors(model)
        count = self.n_averaged.item()
        with no_grad():
            if count == 0:
                for averaged, current in zip(mine, theirs):
                    averaged.copy_(current)
            elif self.multi_avg_fn is not None:
                self.multi_avg_fn(mine, theirs, self.n_averaged)
            else:
                average = self.avg_fn if self.avg_fn is not None else get_swa_avg_fn()
                for averaged, current in zip(mine, theirs):
                    averaged.copy_(average(averaged.detach(), current, self.n_averaged))
            if not self.use_buffers:
                for mine_buffer, their_buffer in zip(self.module.buffers(), model.buffers(), strict=True):
                    mine_buffer.copy_(their_buffer.detach().to(mine_buffer.device))
            self.n_averaged.add_(1)


def update_bn(loader: Iterable[Any], model: Module, device: str | None = None) -> None:
    """Recompute the BatchNorm running statistics of ``model`` in one pass over ``loader`` (a
    cumulative average over its batches, as PyTorch: the statistics of averaged weights are not
    the average of the statistics). A batch that is a list or tuple feeds its first item."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    try:
        with no_grad():
            for batch in loader:
                if isinstance(batch, (list, tuple)):
                    batch = batch[0]
                if device is not None:
                    batch = batch.to(device)
                model(batch)
    finally:
        for module, momentum in momenta.items():
            module.momentum = momentum
        model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's learning rate to ``swa_lr`` over ``anneal_epochs`` steps ("cos" or
    "linear"), then hold it there: the constant rate of the weight-averaging phase.

    With α the annealing fraction at this step and lr₀ the rate the groups started from,
    lr = α · swa_lr + (1 − α) · lr₀ (lr₀ recovered from the current rate, as PyTorch does).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        swa_lr: float | Sequence[float],
        anneal_epochs: int = 10,
        anneal_strategy: str = "cos",
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"a scheduler needs an Optimizer, got {type(optimizer).__name__}")
        swa_lrs = _per_group("swa_lr", optimizer, swa_lr)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        if isinstance(anneal_epochs, bool) or not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        for value, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = value
        self._anneal_strategy = anneal_strategy
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def anneal_func(self, t: float) -> float:
        """The annealed fraction at progress t in [0, 1]."""
        return t if self._anneal_strategy == "linear" else (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        return swa_lr if alpha == 1 else (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list[float]:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        previous_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        previous_lrs = [
            self._get_initial_lr(group["lr"], group["swa_lr"], previous_alpha)
            for group in self.optimizer.param_groups
        ]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [
            group["swa_lr"] * alpha + lr * (1 - alpha)
            for group, lr in zip(self.optimizer.param_groups, previous_lrs)
        ]
