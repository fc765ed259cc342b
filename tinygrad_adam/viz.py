"""``to_dot``: the autodiff graph behind a tensor as Graphviz DOT text (no graphviz dependency).

Paste the text into any DOT viewer (``dot -Tpng graph.dot -o graph.png``, or an online one) to see
which ops produced a tensor and which leaves its gradient will reach.
"""

from __future__ import annotations

from collections.abc import Mapping

from .tensor import Tensor

_LEAF_STYLE = 'shape=box, style=filled, fillcolor="#cfe2f3"'  # parameters and inputs with grad
_CONSTANT_STYLE = 'shape=box, style=filled, fillcolor="#eeeeee"'  # tensors without grad
_OP_STYLE = 'shape=ellipse, style=filled, fillcolor="#fff2cc"'
_OUTPUT_STYLE = 'shape=ellipse, style=filled, fillcolor="#d9ead3"'


def _shape_text(tensor: Tensor) -> str:
    return "(" + ", ".join(str(n) for n in tensor.shape) + ")"


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped + '"'


def to_dot(tensor: Tensor, names: Mapping[str, Tensor] | None = None, title: str | None = None) -> str:
    """The graph that computed ``tensor``, as a DOT ``digraph``; edges follow the data forward.

    Each op is one node labelled with its name and output shape (``MatMul (4, 3)``); each leaf is a
    box with its shape, named from ``names`` (``{"W": w, "x": x}``) where given. The walk is
    iterative, so deep graphs (long chains of ops) need no recursion. Call it before ``backward``,
    which frees the graph (or pass ``retain_graph=True`` to ``backward``).
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dot needs a Tensor, got {type(tensor).__name__}")
    if names is not None and not isinstance(names, Mapping):
        raise TypeError(f"to_dot: names must be a dict of name -> Tensor, got {type(names).__name__}")
    for name, named in (names or {}).items():
        if not isinstance(name, str) or not isinstance(named, Tensor):
            raise TypeError(
                f"to_dot: names must map str names to Tensors, got {name!r}: {type(named).__name__}"
            )
    if title is not None and not isinstance(title, str):
        raise TypeError(f"to_dot: title must be a str, got {type(title).__name__}")
    leaf_names = {id(t): name for name, t in (names or {}).items()}
    node_ids: dict[int, str] = {}
    lines = ["digraph {", "  rankdir=TB;", '  node [fontname="Helvetica", fontsize=11];']
    if title is not None:
        lines.append(f"  label={_quote(title)};")
    edges: list[str] = []

    def node_of(t: Tensor) -> tuple[str, bool]:
        """The node id of ``t`` (an op's output is the op's node) and whether it is new."""
        key = id(t.grad_fn) if t.grad_fn is not None else id(t)
        if key in node_ids:
            return node_ids[key], False
        node_ids[key] = f"n{len(node_ids)}"
        return node_ids[key], True

    root_id, _ = node_of(tensor)
    stack = [(tensor, root_id)]
    while stack:
        t, node = stack.pop()
        shape = _shape_text(t)
        fn = t.grad_fn
        if fn is None:
            kind = "leaf" if t.requires_grad else "constant"
            if not t.requires_grad and t.size == 1:
                kind = f"constant {t.item():g}"
            label = f"{leaf_names.get(id(t), kind)}\n{shape} {t.dtype}"
            style = _LEAF_STYLE if t.requires_grad else _CONSTANT_STYLE
            lines.append(f"  {node} [label={_quote(label)}, {style}];")
            continue
        if getattr(fn, "freed", False):
            raise RuntimeError(
                "to_dot: this graph was freed by backward(); draw it before calling backward, or "
                "pass retain_graph=True to backward"
            )
        label = f"{type(fn).__name__}\n{shape}"
        if id(t) in leaf_names:
            label = f"{leaf_names[id(t)]} = {label}"
        style = _OUTPUT_STYLE if node == root_id else _OP_STYLE
        lines.append(f"  {node} [label={_quote(label)}, {style}];")
        for position, source in enumerate(fn.inputs):
            source_node, is_new = node_of(source)
            edge_label = f' [label="{position}"]' if len(fn.inputs) > 1 else ""
            edges.append(f"  {source_node} -> {node}{edge_label};")
            if is_new:
                stack.append((source, source_node))
    lines.extend(edges)
    lines.append("}")
    return "\n".join(lines) + "\n"
