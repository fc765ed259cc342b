"""A module's backward hooks, as PyTorch's ``register_full_backward_hook`` and
``register_full_backward_pre_hook``: seen from outside, a module is a function of its inputs, and
the hooks see the gradients with respect to its outputs (``grad_output``) and to its inputs
(``grad_input``), whatever ops ran inside.

Each call of a hooked module puts two identity nodes in the graph: one over its tensor inputs,
one over its tensor outputs. Backward reaches the output node first, with every ``grad_output``
(pre-hooks may replace them), and the input node last, with every ``grad_input`` (hooks may replace
them): PyTorch's ``BackwardHook`` does the same.
"""

from __future__ import annotations

from typing import Any

from ..autograd import Function, is_grad_enabled
from ..tensor import Tensor


class _Identity(Function):
    """The tensors it is given, passed through; backward hands the gradients of all of them to
    ``on_backward`` at once (None for one that got no gradient), which returns those to pass on."""

    @staticmethod
    def forward(ctx: Any, on_backward: Any, *tensors: Tensor) -> tuple[Tensor, ...]:
        ctx.on_backward = on_backward
        ctx.set_materialize_grads(False)
        return tensors

    @staticmethod
    def backward(ctx: Any, *grads: Tensor | None) -> tuple[Tensor | None, ...]:
        return (None, *ctx.on_backward(grads))


def _through_identity(values: tuple, on_backward: Any) -> tuple[tuple, list[int]]:
    """``values`` with each tensor that requires grad passed through one identity node, and the
    positions of those tensors."""
    positions = [i for i, value in enumerate(values) if isinstance(value, Tensor) and value.requires_grad]
    if not positions or not is_grad_enabled():
        return values, []
    passed = _Identity.apply(on_backward, *[values[i] for i in positions])
    replaced = list(values)
    for position, tensor in zip(positions, passed):
        replaced[position] = tensor
    return tuple(replaced), positions


class BackwardHook:
    """One call of a module with backward hooks: wraps its inputs before ``forward`` and its
    outputs after, and calls the hooks when backward passes through."""

    def __init__(self, module: Any, hooks: list, pre_hooks: list) -> None:
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.input_count = 0
        self.input_positions: list[int] = []
        self.grad_output: tuple | None = None

    def setup_input_hook(self, args: tuple) -> tuple:
        """The positional arguments, those that require grad routed through an identity node."""
        self.input_count = len(args)
        args, self.input_positions = _through_identity(args, self._on_input_grads)
        return args

    def setup_output_hook(self, output: Any) -> Any:
        """The output (a tensor or a tuple/list of values), its tensors routed through an identity node."""
        single = isinstance(output, Tensor)
        values = (output,) if single else tuple(output) if isinstance(output, (tuple, list)) else None
        if values is None:
            return output
        self.output_count = len(values)
        wrapped, self.output_positions = _through_identity(values, self._on_output_grads)
        if single:
            return wrapped[0]
        return type(output)(wrapped) if isinstance(output, list) else wrapped

    def _on_output_grads(self, grads: tuple) -> tuple:
        grad_output = [None] * self.output_count
        for position, grad in zip(self.output_positions, grads):
            grad_output[position] = grad
        for hook in self.pre_hooks:
            result = hook(self.module, tuple(grad_output))
            if result is not None:
                grad_output = _checked(result, len(grad_output), "backward pre-hook", "grad_output")
        self.grad_output = tuple(grad_output)
        if not self.input_positions:  # no input needs a gradient: the hooks run now, with Nones
            self._call_hooks(tuple([None] * self.input_count))
        return tuple(grad_output[position] for position in self.output_positions)

    def _on_input_grads(self, grads: tuple) -> tuple:
        grad_input = [None] * self.input_count
        for position, grad in zip(self.input_positions, grads):
            grad_input[position] = grad
        grad_input = self._call_hooks(tuple(grad_input))
        return tuple(grad_input[position] for position in self.input_positions)

    def _call_hooks(self, grad_input: tuple) -> tuple:
        grad_output = self.grad_output if self.grad_output is not None else ()
        for hook in self.hooks:
            result = hook(self.module, grad_input, grad_output)
            if result is not None:
                grad_input = tuple(_checked(result, len(grad_input), "backward hook", "grad_input"))
        return grad_input


def _checked(result: Any, count: int, kind: str, name: str) -> list:
    """A hook's replacement gradients: a tuple or list of ``count`` tensors or Nones."""
    values = (result,) if isinstance(result, Tensor) else result
    if not isinstance(values, (tuple, list)) or len(values) != count:
        got = len(values) if isinstance(values, (tuple, list)) else type(result).__name__
        raise RuntimeError(f"a {kind} must return None or {count} gradients ({name}), got {got}")
    for value in values:
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(f"a {kind} returned a {type(value).__name__} in {name}; use Tensors or None")
    return list(values)
