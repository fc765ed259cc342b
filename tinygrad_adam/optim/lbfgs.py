"""L-BFGS (Liu & Nocedal, 1989): quasi-Newton steps from the last ``history_size`` changes of the
parameters and gradients, with an optional strong-Wolfe line search; PyTorch's port of minFunc."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd import enable_grad, no_grad
from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, check_at_least


def _cubic_interpolate(
    x1: float,
    f1: float,
    g1: float,
    x2: float,
    f2: float,
    g2: float,
    bounds: tuple[float, float] | None = None,
) -> float:
    """The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), kept within ``bounds``."""
    xmin_bound, xmax_bound = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = d2_square**0.5
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(
    obj_func: Callable[[float], tuple[float, Any]],
    dot: Callable[[Any, Any], float],
    abs_max: Callable[[Any], float],
    t: float,
    d: Any,
    f: float,
    g: Any,
    gtd: float,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> tuple[float, Any, float, int]:
    """A step t along d meeting the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5-3.6):
    f(x + t·d) ≤ f + c₁·t·gᵀd and |∇f(x + t·d)ᵀd| ≤ −c₂·gᵀd. Returns (f, g, t, evaluations)."""
    d_norm = abs_max(d)
    f_new, g_new = obj_func(t)
    ls_func_evals = 1
    gtd_new = dot(g_new, d)
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done = False
    ls_iter = 0
    # bracketing phase
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f, bracket_g = [t_prev, t], [f_prev, f_new], [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f, bracket_g = [t_prev, t], [f_prev, f_new], [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        previous = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = previous, f_new, g_new, gtd_new
        f_new, g_new = obj_func(t)
        ls_func_evals += 1
        gtd_new = dot(g_new, d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0.0, t], [f, f_new], [g, g_new]
    # zoom phase
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        # stay 10% of the bracket away from its ends, unless the last step made too little progress
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                t = (
                    max(bracket) - eps
                    if abs(t - max(bracket)) < abs(t - min(bracket))
                    else min(bracket) + eps
                )
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(t)
        ls_func_evals += 1
        gtd_new = dot(g_new, d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos], bracket_g[high_pos] = t, f_new, g_new
            bracket_gtd[high_pos] = gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos], bracket_gtd[high_pos] = bracket_g[low_pos], bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos], bracket_g[low_pos] = t, f_new, g_new
            bracket_gtd[low_pos] = gtd_new
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals


class LBFGS(Optimizer):
    """L-BFGS with PyTorch's semantics and defaults (``lr=1, max_iter=20, max_eval=max_iter·5/4,
    tolerance_grad=1e-7, tolerance_change=1e-9, history_size=100, line_search_fn=None``).

    ``step(closure)`` needs the closure (it re-evaluates the loss, calling ``backward``) and runs up
    to ``max_iter`` iterations. The direction d = −H·g comes from the two-loop recursion over the
    stored pairs s = Δθ, y = Δg (kept while yᵀs > 1e-10), with H₀ = yᵀs / yᵀy; the first step is
    scaled to min(1, 1/‖g‖₁)·lr. One parameter group only; its state lives in ``state[params[0]]``
    (``func_evals``, ``n_iter``, ``d``, ``t``, ``old_dirs``, ``old_stps``, ``ro``, ``H_diag``,
    ``prev_flat_grad``, ``prev_loss``), flat vectors kept as raw device arrays.
    """

    flat_buffers = False  # steps the whole parameter vector itself
    takes_implementation_switches = False  # PyTorch's LBFGS takes none of foreach, fused, ...
    step_needs_closure = True  # a plain training loop (tg.fit, the CLI) cannot drive it

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        if line_search_fn not in (None, "strong_wolfe"):
            raise ValueError(f"line_search_fn must be None or 'strong_wolfe', got {line_search_fn!r}")
        defaults = dict(
            lr=lr,
            max_iter=max_iter,
            max_eval=max_eval,
            tolerance_grad=tolerance_grad,
            tolerance_change=tolerance_change,
            history_size=history_size,
            line_search_fn=line_search_fn,
        )
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params: list[Tensor] = self.param_groups[0]["params"]

    @classmethod
    def check_hyperparameters(cls, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        for name in ("max_iter", "max_eval", "history_size"):
            if not isinstance(group[name], int) or isinstance(group[name], bool) or group[name] < 1:
                raise ValueError(f"Invalid {name} value: {group[name]!r} ({name} must be an integer >= 1)")
        for name in ("tolerance_grad", "tolerance_change"):
            check_at_least(name, group[name], 0.0)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    # -- the flat parameter vector ------------------------------------------------------------------
    @property
    def _xp(self) -> Any:
        return self._params[0]._backend.xp

    def _number(self, array: Any) -> float:
        return float(self._params[0]._backend.to_numpy(array))

    def _dot(self, a: Any, b: Any) -> float:
        return self._number(self._xp.sum(a * b))

    def _abs_max(self, a: Any) -> float:
        return self._number(self._xp.max(self._xp.abs(a)))

    def _gather_flat_grad(self) -> Any:
        xp = self._xp
        views = []
        for p in self._params:
            if p.grad is None:
                views.append(xp.zeros((p.numel(),), dtype=p._data.dtype, **p._backend.creation_kwargs))
            else:
                views.append(xp.reshape(p.grad._data, (-1,)))
        return xp.concat(views)

    def _add_grad(self, step_size: float, update: Any) -> None:
        """θ ← θ + step_size·update, in place, for the parameters laid end to end."""
        xp, offset = self._xp, 0
        for p in self._params:
            numel = p.numel()
            p._data[...] = p._data + step_size * xp.reshape(update[offset : offset + numel], p._data.shape)
            p._version += 1
            offset += numel

    def _set_params(self, values: list[Any]) -> None:
        for p, value in zip(self._params, values):
            p._data[...] = value
            p._version += 1

    def _evaluate(self, closure: Callable[[], Any]) -> float:
        with enable_grad():
            loss = closure()
        return loss.item() if isinstance(loss, Tensor) else float(loss)

    # -- the step ---------------------------------------------------------------------------------
    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """Up to ``max_iter`` L-BFGS iterations; returns the closure's first loss."""
        if closure is None or not callable(closure):
            raise TypeError("LBFGS.step needs a closure that re-evaluates the model and returns the loss")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        xp = self._xp
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with enable_grad():
            orig_loss = closure()
        loss = orig_loss.item() if isinstance(orig_loss, Tensor) else float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        with no_grad():
            flat_grad = self._gather_flat_grad()
            if self._abs_max(flat_grad) <= tolerance_grad:
                return orig_loss
            d, t = state.get("d"), state.get("t")
            old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
            h_diag, prev_flat_grad = state.get("H_diag"), state.get("prev_flat_grad")
            prev_loss = state.get("prev_loss")
            n_iter = 0
            while n_iter < max_iter:
                n_iter += 1
                state["n_iter"] += 1
                if state["n_iter"] == 1:
                    d = -flat_grad
                    old_dirs, old_stps, ro, h_diag = [], [], [], 1.0
                else:
                    y = flat_grad - prev_flat_grad
                    s = d * t
                    ys = self._dot(y, s)
                    if ys > 1e-10:  # keep the pair only while the curvature is positive
                        if len(old_dirs) == history_size:
                            old_dirs.pop(0)
                            old_stps.pop(0)
                            ro.pop(0)
                        old_dirs.append(y)
                        old_stps.append(s)
                        ro.append(1.0 / ys)
                        h_diag = ys / self._dot(y, y)
                    # two-loop recursion: d = −H·g
                    al = [0.0] * len(old_dirs)
                    q = -flat_grad
                    for i in range(len(old_dirs) - 1, -1, -1):
                        al[i] = self._dot(old_stps[i], q) * ro[i]
                        q = q - al[i] * old_dirs[i]
                    d = r = q * h_diag
                    for i in range(len(old_dirs)):
                        be_i = self._dot(old_dirs[i], r) * ro[i]
                        r = r + (al[i] - be_i) * old_stps[i]
                    d = r
                prev_flat_grad = xp.asarray(flat_grad, copy=True)
                prev_loss = loss
                if state["n_iter"] == 1:
                    t = min(1.0, 1.0 / self._number(xp.sum(xp.abs(flat_grad)))) * lr
                else:
                    t = lr
                gtd = self._dot(flat_grad, d)
                if gtd > -tolerance_change:  # not a descent direction
                    break
                ls_func_evals = 0
                if group["line_search_fn"] is not None:
                    x_init = [xp.asarray(p._data, copy=True) for p in self._params]

                    def obj_func(step: float, x_init: list[Any] = x_init, d: Any = d) -> tuple[float, Any]:
                        self._add_grad(step, d)
                        value = self._evaluate(closure)
                        gradient = xp.asarray(self._gather_flat_grad(), copy=True)
                        self._set_params(x_init)
                        return value, gradient

                    loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                        obj_func, self._dot, self._abs_max, t, d, loss, flat_grad, gtd,
                        max_ls=max_eval - current_evals,
                    )  # fmt: skip
                    self._add_grad(t, d)
                    opt_cond = self._abs_max(flat_grad) <= tolerance_grad
                else:
                    self._add_grad(t, d)
                    opt_cond = False
                    if n_iter != max_iter:
                        loss = self._evaluate(closure)
                        flat_grad = self._gather_flat_grad()
                        opt_cond = self._abs_max(flat_grad) <= tolerance_grad
                        ls_func_evals = 1
                current_evals += ls_func_evals
                state["func_evals"] += ls_func_evals
                if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                    break
                if self._abs_max(d * t) <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                    break
            state.update(
                d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=h_diag,
                prev_flat_grad=prev_flat_grad, prev_loss=prev_loss,
            )  # fmt: skip
        return orig_loss

    def state_dict(self) -> dict[str, Any]:
        """PyTorch's layout; the history (flat vectors, lists of them) is copied."""
        saved = super().state_dict()
        for values in saved["state"].values():
            for name, value in values.items():
                values[name] = self._history(value, lambda array: self._xp.asarray(array, copy=True))
        return saved

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` (ours or PyTorch's, vectors as arrays or Tensors)."""
        history = {index: values for index, values in state_dict.get("state", {}).items()}
        super().load_state_dict({**state_dict, "state": {}})
        backend = self._params[0]._backend
        for index, values in history.items():
            if int(index) != 0:
                raise ValueError(f"LBFGS keeps its state with parameter 0, not {index}")
            self.state[self._params[0]] = {
                name: self._history(value, lambda array: backend.asarray(_host(backend, array).copy()))
                for name, value in values.items()
            }

    @staticmethod
    def _history(value: Any, convert: Callable[[Any], Any]) -> Any:
        """``value`` with every vector in it converted (numbers and None kept)."""
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, (list, tuple)):
            return [LBFGS._history(item, convert) for item in value]
        if getattr(value, "ndim", 1) == 0:  # PyTorch's 0-d tensors (t, H_diag, ro, ...)
            return value.item()
        return convert(value._data if isinstance(value, Tensor) else value)


def _host(backend: Any, array: Any) -> np.ndarray:
    """A Tensor, one of ``backend``'s arrays, a NumPy array or a torch tensor, as a NumPy array."""
    if isinstance(array, Tensor):
        return array.numpy()
    if isinstance(array, np.ndarray):
        return array
    if hasattr(array, "detach"):  # a torch.Tensor
        return np.asarray(array.detach())
    return backend.to_numpy(array)
