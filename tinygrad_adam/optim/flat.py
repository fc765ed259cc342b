"""Flat buffers: a whole parameter group updated in a few large in-place operations.

Stepping parameter by parameter costs one Python call of the update rule per tensor (on a GPU, a
dozen kernel launches per tensor), and on big tensors the rule's temporaries fall out of the CPU's
cache. So once a group has taken one ordinary step, ``FlatGroup`` moves its parameters and each of
their state tensors into one flat array apiece (the tensors become views into it:
``optimizer.state[p]["exp_avg"]`` still reads as before), copies the gradients into a flat array,
and runs the optimizer's unchanged update rule ``_update`` on blocks: of ``BLOCK`` elements on the
CPU, one block for the whole group on other devices (where launches, not caches, cost). Every rule
is elementwise, so the result is bit for bit the per-parameter result; the per-parameter path stays
the readable reference (``Optimizer.step``).

Anything that breaks the views (``load_state_dict``, ``param.copy_``, a gradient that is None or
is θ itself, new parameters) sends the group back through the ordinary step, after which it is
flattened again. A parameter that views another array (a column of a matrix) is never moved: its
group steps per parameter, writing where the owner of that array sees it.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from ..tensor import SHARED_WITH_NUMPY, Tensor
from . import fused

if TYPE_CHECKING:
    from .optimizer import Optimizer

# Elements per block: a block's four arrays and the rule's float32 temporaries, 128 KiB each, stay
# in a core's L2 cache together. Measured against 64K on this project's machine: 5-7 % faster at
# 10^7 parameters and in an MLP epoch, though a block costs its Python calls twice as often.
BLOCK = 1 << 15

# The flat arrays made here, by id: a parameter lying in one of them is free to move to a new one.
_BUFFERS: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()


class FlatGroup:
    """One parameter group's parameters, gradients and state as flat arrays, stepped block by block."""

    def __init__(self, optimizer: Optimizer, group: dict[str, Any]) -> None:
        params = group["params"]
        backend, dtype = params[0]._backend, params[0]._data.dtype
        xp = backend.xp
        self.group, self.state_of, self.broken = group, optimizer.state, False
        self.params = list(params)
        states = [optimizer.state[p] for p in params]
        self.tensor_names = [name for name, value in states[0].items() if isinstance(value, Tensor)]
        self.scalar_names = [name for name in states[0] if name not in self.tensor_names]
        self.shapes = [p._data.shape for p in params]
        # A parameter stored transposed (Dense's weight, any column-major array) keeps that layout
        # in the flat arrays, so its gradient, which backward writes in the same layout, is read in place.
        self.transposed = [column_major(backend, p._data) for p in params]
        # Large parameters first, then the small ones (biases) together, so that on the CPU they share
        # one block however they alternate with weights in the group (see plan_blocks).
        sizes = [p._data.size for p in params]
        layout = sorted(range(len(params)), key=lambda index: sizes[index] <= BLOCK // 2)
        bounds: list[tuple[int, int]] = [(0, 0)] * len(params)
        total = 0
        for index in layout:
            bounds[index] = (total, total + sizes[index])
            total += sizes[index]
        self.bounds = bounds

        def flatten(arrays: list[Any]) -> Any:
            flat = xp.empty((total,), dtype=dtype, **backend.creation_kwargs)
            if backend.strided is not None:
                _BUFFERS[id(flat)] = flat
            for (start, stop), array, transposed in zip(bounds, arrays, self.transposed):
                flat[start:stop] = in_memory_order(xp, array, transposed)
            return flat

        def views(flat: Any) -> list[Any]:
            return [
                shaped(xp, flat[start:stop], shape, transposed)
                for (start, stop), shape, transposed in zip(bounds, self.shapes, self.transposed)
            ]

        self.flat_param = flatten([p._data for p in params])
        self.param_views = views(self.flat_param)
        for param, view in zip(params, self.param_views):
            param._data = view
        self.flat_grad = xp.empty((total,), dtype=dtype, **backend.creation_kwargs)
        self.grad_views = views(self.flat_grad)
        self.flat_state: dict[str, Any] = {}
        self.state_tensors: list[dict[str, tuple[Tensor, Any]]] = []  # per parameter: name -> (tensor, view)
        for name in self.tensor_names:
            self.flat_state[name] = flatten([state[name]._data for state in states])
        for state, position in zip(states, range(len(params))):
            tensors = {}
            for name in self.tensor_names:
                start, stop = bounds[position]
                flat_slice = self.flat_state[name][start:stop]
                view = shaped(xp, flat_slice, self.shapes[position], self.transposed[position])
                state[name]._data = view  # the same Tensor, so one a user holds follows the steps
                tensors[name] = (state[name], view)
            self.state_tensors.append(tensors)
        # Each block is a parameter of its own for the rule: a tensor, its gradient and a state dict.
        # Its gradient is read in place from one parameter's gradient, or gathered into flat_grad
        # when the block packs several small parameters (see plan_blocks).
        self.blocks = []
        self.backend = backend
        self.fused_flag = optimizer.fused
        self.compiled = fused.wanted(optimizer, backend)
        if not backend.is_host:
            plan = [(0, total, list(range(len(params))))]
        else:
            plan = [
                (start, stop, [layout[member] for member in members])
                for start, stop, members in plan_blocks([sizes[index] for index in layout])
            ]
        # A compiled rule (fused.py) makes one pass over memory, so on the CPU it takes each parameter
        # whole, its gradient read where backward left it: (flat θ, {state name: flat state}) apiece.
        self.whole = [
            (self.flat_param[start:stop], {name: flat[start:stop] for name, flat in self.flat_state.items()})
            for start, stop in bounds
        ]
        for start, stop, members in plan:
            block_state = {
                name: Tensor._wrap(self.flat_state[name][start:stop], backend) for name in self.tensor_names
            }
            block_state.update({name: states[0][name] for name in self.scalar_names})
            if len(members) == 1:
                offset = bounds[members[0]][0]
                source = (members[0], start - offset, stop - offset)
            else:
                source = None
            self.blocks.append(
                (
                    Tensor._wrap(self.flat_param[start:stop], backend),
                    self.flat_grad[start:stop] if source is None else source,
                    block_state,
                    dict(block_state),
                    members,
                )
            )

    @staticmethod
    def supports(optimizer: Optimizer, group: dict[str, Any]) -> bool:
        """Whether the group can be flattened now: tensors of one device and dtype, all with gradients
        and with state of one layout (after a first ordinary step), whose arrays can move (see
        ``movable``); on the CPU more than one parameter or block."""
        params = group["params"]
        first = params[0]
        states = [optimizer.state.get(p) for p in params]
        if any(s is None for s in states):
            return False
        reference = states[0]
        for param, state in zip(params, states):
            if (
                param.grad is None
                or param._backend is not first._backend
                or param._data.dtype != first._data.dtype
                or not movable(param._backend, param._data)
            ):
                return False
            if state.keys() != reference.keys():
                return False
            for name, value in state.items():
                if isinstance(value, Tensor):
                    if value._data.shape != param._data.shape or value._data.dtype != param._data.dtype:
                        return False
                elif isinstance(reference[name], Tensor) or value != reference[name]:
                    return False
        # Off the CPU even one parameter is worth it: its compiled step is one launch instead of a dozen.
        return len(params) > 1 or not first._backend.is_host or first._data.size > BLOCK

    def intact(self, optimizer: Optimizer, group: dict[str, Any]) -> bool:
        """Whether the views still stand: same group, parameters, data arrays and state tensors."""
        if self.broken or group is not self.group or optimizer.state is not self.state_of:
            return False
        if optimizer.fused != self.fused_flag:  # the fused flag changed: plan anew
            return False
        params = group["params"]
        if len(params) != len(self.params):
            return False
        scalars = self.blocks[0][2]
        for param, mine, view, tensors in zip(params, self.params, self.param_views, self.state_tensors):
            if param is not mine or param._data is not view or param.grad is None or param.grad._data is view:
                return False  # (a gradient that is θ itself, p.grad = p.detach(), changes as θ does)
            state = optimizer.state[param]
            if len(state) != len(tensors) + len(self.scalar_names):
                return False
            for name, (tensor, view) in tensors.items():
                if state.get(name) is not tensor or tensor._data is not view:
                    return False
            for name in self.scalar_names:
                if state.get(name) != scalars[name]:
                    return False
        return True

    def step(self, optimizer: Optimizer) -> None:
        """Run the rule on every block (gradients read in place or gathered), share results back."""
        from .optimizer import check_gradient

        xp, params = self.backend.xp, self.params
        for param in params:
            check_gradient(param)
        # Blocks share their settings and state names, so one rule serves them all.
        rule = fused.rule_for(optimizer, self.group, self.blocks[0][2]) if self.compiled else None
        if rule is not None and self.backend.is_host:
            self._compiled_step(rule)
            return
        in_order: dict[int, Any] = {}  # each cut parameter's gradient as 1-D, made once per step
        for block_param, block_grad, block_state, views, members in self.blocks:
            if isinstance(block_grad, tuple):  # part of one parameter: its gradient, read in place
                position, start, stop = block_grad
                grad = in_order.get(position)
                if grad is None:
                    grad = in_order[position] = in_memory_order(
                        xp, params[position].grad._data, self.transposed[position]
                    )
                block_grad = grad[start:stop]  # a view, when laid out as θ
            else:
                for position in members:
                    self.grad_views[position][...] = params[position].grad._data
            if rule is not None:
                rule(block_param._data, block_grad, block_state, self.group)
            else:
                optimizer._update(block_param, block_grad, block_state, self.group)
            for name in self.tensor_names:
                if block_state[name] is not views[name]:  # the rule replaced the tensor: copy it back
                    views[name]._data[...] = block_state[name]._data
                    block_state[name] = views[name]
        scalars = self.blocks[0][2]
        new_names = [
            name for name in scalars if name not in self.tensor_names and name not in self.scalar_names
        ]
        self._share_scalars(scalars)
        if new_names:
            self._hand_back(optimizer, new_names)

    def _compiled_step(self, rule: Any) -> None:
        """One compiled loop per parameter, over its flat θ and state and its gradient in place."""
        scalars = self.blocks[0][2]
        arguments = rule.arguments(self.flat_param.dtype, self.group, scalars)  # advances the step count
        loop = getattr(fused.kernels_for(self.flat_param), rule.kernel)
        names = rule.state_names
        for param, transposed, (flat_param, flat_state) in zip(self.params, self.transposed, self.whole):
            grad = param.grad._data
            # in_memory_order, by the array's own method: a view in θ's memory order, as a rule
            grad = (grad.T if transposed else grad).reshape(-1)
            loop(flat_param, grad, *[flat_state[name] for name in names], *arguments)
        for _, _, block_state, _, _ in self.blocks[1:]:  # every block holds the step count
            for name in self.scalar_names:
                block_state[name] = scalars[name]
        self._share_scalars(scalars)

    def _share_scalars(self, scalars: dict[str, Any]) -> None:
        """Copy the step's scalar state (the step count) to each parameter's state; mark θ changed."""
        for param in self.params:
            state = self.state_of[param]
            for name in self.scalar_names:
                state[name] = scalars[name]
            param._version += 1

    def _hand_back(self, optimizer: Optimizer, names: list[str]) -> None:
        """State entries that the rule created during this step (a hyperparameter switched on, such
        as momentum) go to each parameter's state; the group then takes the ordinary path again."""
        xp = self.params[0]._backend.xp
        for name in names:
            values = [block[2][name] for block in self.blocks]
            if isinstance(values[0], Tensor):
                whole = xp.concat([value._data for value in values])
                for param, (start, stop), shape, transposed in zip(
                    self.params, self.bounds, self.shapes, self.transposed
                ):
                    optimizer.state[param][name] = Tensor._wrap(
                        shaped(xp, whole[start:stop], shape, transposed), param._backend
                    )
            else:
                for param in self.params:
                    optimizer.state[param][name] = values[0]
        self.broken = True


def column_major(backend: Any, array: Any) -> bool:
    """Whether ``array`` is stored column-major (Dense's transposed weight, any Fortran-ordered
    array): the flat buffers keep that layout, so the parameter's strides do not change."""
    if backend.strided is None:
        return False  # the strict test backend: no memory layout
    return array.ndim >= 2 and array.flags.f_contiguous and not array.flags.c_contiguous


def movable(backend: Any, array: Any) -> bool:
    """Whether a parameter's array may be replaced by a view into a flat buffer: it is laid out
    row- or column-major and owns its memory (or lies in one of our flat buffers). A view into
    another array (``tg.Tensor(big[::2])``, a column of a matrix) or memory shared with a NumPy
    array (``tg.from_numpy(w)``) is updated in place, where its owner sees the steps, as in the
    per-parameter path."""
    if backend.strided is None:
        return True  # the strict test backend: no views to keep
    if SHARED_WITH_NUMPY.get(id(array)) is array:
        return False  # tg.from_numpy(w): w must keep seeing the steps
    base = array.base
    contiguous = array.flags.c_contiguous or array.flags.f_contiguous
    return contiguous and (
        base is None or getattr(base, "nbytes", None) == array.nbytes or _BUFFERS.get(id(base)) is base
    )


def in_memory_order(xp: Any, array: Any, transposed: bool) -> Any:
    """The elements of ``array`` as a 1-D array in the order of a (``transposed``) parameter's
    memory: a view when ``array`` is laid out that way, else a copy."""
    return xp.reshape(array.T if transposed else array, (-1,))


def shaped(xp: Any, flat: Any, shape: tuple[int, ...], transposed: bool) -> Any:
    """A view of the 1-D ``flat`` with ``shape``, laid out row-major or ``transposed``."""
    return xp.reshape(flat, shape[::-1]).T if transposed else xp.reshape(flat, shape)


def plan_blocks(sizes: list[int]) -> list[tuple[int, int, list[int]]]:
    """Split parameters laid end to end into blocks ``(start, stop, member parameter indices)``.

    A parameter of more than half a block is cut into near-equal blocks of its own, whose gradient
    is read where backward left it; smaller neighbours share a block of up to ``BLOCK`` elements
    (their small gradients are copied together), so a bias costs no Python call of its own.
    """
    blocks: list[tuple[int, int, list[int]]] = []
    run: list[int] = []
    run_start = offset = 0
    for index, size in enumerate(sizes):
        large = size > BLOCK // 2
        if run and (large or offset + size - run_start > BLOCK):
            blocks.append((run_start, offset, run))
            run = []
        if large:
            count = -(-size // BLOCK)
            chunk = -(-size // count)
            for start in range(offset, offset + size, chunk):
                blocks.append((start, min(start + chunk, offset + size), [index]))
        else:
            if not run:
                run_start = offset
            run.append(index)
        offset += size
    if run:
        blocks.append((run_start, offset, run))
    return blocks
