"""tg.viz.to_dot: the autodiff graph as Graphviz DOT text."""

import re

import pytest

import tinygrad_adam as tg


def _nodes_and_edges(dot: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    nodes = dict(re.findall(r'^\s+(n\d+) \[label="([^"]*)"', dot, flags=re.M))
    edges = re.findall(r"^\s+(n\d+) -> (n\d+)", dot, flags=re.M)
    return nodes, edges


def test_to_dot_has_one_node_per_op_and_leaf_and_one_edge_per_input():
    w = tg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    x = tg.tensor([[1.0, -1.0, 0.5]])
    y = (x @ w).relu().sum()
    dot = tg.viz.to_dot(y, names={"W": w, "x": x})
    assert dot.startswith("digraph {") and dot.rstrip().endswith("}")
    nodes, edges = _nodes_and_edges(dot)
    labels = sorted(label.split("\\n")[0] for label in nodes.values())
    assert labels == ["MatMul", "Relu", "Sum", "W", "x"]
    assert len(edges) == 4
    by_label = {label.split("\\n")[0]: node for node, label in nodes.items()}
    assert (by_label["W"], by_label["MatMul"]) in edges
    assert (by_label["Relu"], by_label["Sum"]) in edges


def test_to_dot_labels_show_shapes_and_dtypes():
    w = tg.zeros(3, 2, requires_grad=True)
    dot = tg.viz.to_dot((tg.ones(4, 3) @ w).sum(), names={"W": w})
    assert "MatMul\\n(4, 2)" in dot
    assert "W\\n(3, 2) float32" in dot
    assert "constant\\n(4, 3) float32" in dot


def test_a_shared_subexpression_is_drawn_once():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    square = x * x
    y = (square + square).sum()
    nodes, edges = _nodes_and_edges(tg.viz.to_dot(y))
    assert sum(label.startswith("Mul") for label in nodes.values()) == 1
    assert sum(label.startswith("leaf") for label in nodes.values()) == 1
    assert len(nodes) == 4  # x, Mul, Add, Sum
    assert len(edges) == 5  # x->Mul twice, Mul->Add twice, Add->Sum


def test_to_dot_walks_a_deep_chain_without_recursion():
    x = tg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    nodes, edges = _nodes_and_edges(tg.viz.to_dot(y))
    assert len(nodes) == 5000 + 1 + 5000  # ops, the leaf, one constant per op
    assert len(edges) == 2 * 5000


def test_to_dot_refuses_a_graph_freed_by_backward():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="freed by backward"):
        tg.viz.to_dot(y)


def test_to_dot_of_a_leaf_is_a_single_node_and_non_tensors_are_rejected():
    nodes, edges = _nodes_and_edges(tg.viz.to_dot(tg.ones(2)))
    assert len(nodes) == 1 and not edges
    with pytest.raises(TypeError, match="needs a Tensor"):
        tg.viz.to_dot([1.0, 2.0])
