"""The examples run as `python examples/NAME.py` (small settings) and print what they promise."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_example(name: str, *args: str) -> str:
    """Run the example in a fresh interpreter with this environment (and so this backend)."""
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    )
    result = subprocess.run(
        [sys.executable, str(REPO / "examples" / name), *args],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_adam_step_by_step_prints_the_worked_numbers_and_agrees_with_tg_optim():
    out = run_example("adam_step_by_step.py", "--steps", "3")
    by_hand, framework = out.split("tg.optim.Adam (m = ")
    # Step 1: g = 2, m = 0.2, v = 0.004, m̂ = 2, v̂ = 4, θ = 0.9; step 2: g = 1.8, m = 0.36, v = 0.007236.
    assert "  1            2          0.2        0.004            2            4          0.9" in by_hand
    assert "  2          1.8         0.36     0.007236      1.89474      3.61981     0.800412" in by_hand
    assert "  2          1.8         0.36     0.007236      1.89474      3.61981     0.800412" in framework
    assert "m̂ = 1.8947, v̂ = 3.6198" in out and "agrees with the hand computation at every step" in out


def test_autodiff_graph_prints_dot_and_passes_gradcheck(tmp_path):
    dot_file = tmp_path / "graph.dot"
    out = run_example("autodiff_graph.py", "--out", str(dot_file))
    assert out.startswith("digraph {")
    for node in ("MatMul", "Tanh", "Sub", "Pow", "Sum", "w\\n(3, 1) float64", "b\\n(1) float64"):
        assert node in out, node
    assert dot_file.read_text().startswith("digraph {")
    assert "gradcheck: backpropagated gradients match central finite differences" in out


def test_keras_style_binary_trains_the_classic_model():
    out = run_example("keras_style_binary.py", "--epochs", "10", "--samples", "1000")
    assert "Dense(in_features=20, out_features=64" in out and "Dense(in_features=64, out_features=1" in out
    assert out.count("Epoch ") == 10
    accuracy = float(out.split("test accuracy ")[1].split()[0])
    assert accuracy > 0.75


def test_compare_optimizers_prints_a_row_per_optimizer_and_plots_where_matplotlib_is(tmp_path):
    out = run_example("compare_optimizers.py", "--steps", "20", "--epochs", "1", "--output", str(tmp_path))
    for name in ("SGD", "Momentum", "RMSProp", "AdaGrad", "AdaDelta", "Adam ", "AdamW", "Adamax", "NAdam",
                 "RAdam", "AdaBound", "Lion"):  # fmt: skip
        assert f"\n{name}" in out, name
    if importlib.util.find_spec("matplotlib") is None:
        assert "matplotlib is not installed" in out
    else:
        assert sorted(p.name for p in tmp_path.iterdir()) == ["beale.png", "mlp_digits.png", "rosenbrock.png"]
        assert all(p.read_bytes().startswith(b"\x89PNG") for p in tmp_path.iterdir())


def test_fashion_mnist_mlp_trains_saves_and_reloads(tmp_path):
    out = run_example(
        "fashion_mnist_mlp.py", "--epochs", "1", "--train-samples", "2000", "--output", str(tmp_path)
    )
    assert "test accuracy: " in out
    accuracy = float(out.split("test accuracy: ")[1].split()[0])
    assert accuracy > (0.6 if out.startswith("Fashion-MNIST") else 0.5)
    assert "the reloaded model scores the same" in out
    assert (tmp_path / "fashion_mnist_mlp.npz").exists()


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "examples").glob("*.py")))
def test_every_example_documents_how_to_run_it(name):
    source = (REPO / "examples" / name).read_text(encoding="utf-8")
    assert f"python examples/{name}" in source


def test_custom_function_passes_gradcheck_has_the_second_derivative_and_trains():
    out = run_example("custom_function.py", "--steps", "200")
    assert "gradcheck: SiLU's backward matches central finite differences" in out
    assert "SiLU'(0.5) = 0.739961, SiLU''(0.5) = 0.441229 (by hand 0.441229)" in out
    losses = [float(line.split("loss ")[1]) for line in out.splitlines() if line.startswith("step ")]
    assert losses[0] > 0.5 and losses[-1] < 0.02


def test_cnn_digits_trains_the_cnn_and_the_mlp_and_compares_them():
    out = run_example("cnn_digits.py", "--epochs", "2")
    for layer in ("Conv2d(1, 16", "BatchNorm2d(16", "MaxPool2d", "Dropout2d", "AdaptiveAvgPool2d", "Linear"):
        assert layer in out, layer
    accuracies = {
        line.split(":")[0]: float(line.split("test accuracy ")[1].split()[0])
        for line in out.splitlines()
        if line.startswith(("CNN:", "MLP:"))
    }
    assert sorted(accuracies) == ["CNN", "MLP"]
    assert accuracies["CNN"] > 0.3 and accuracies["MLP"] > 0.3  # ten classes: chance is 0.1
    assert "CNN minus MLP: " in out and " of 359 test images" in out


def test_sequence_models_train_an_lstm_on_packed_batches_and_a_transformer():
    out = run_example("sequence_models.py", "--epochs", "1", "--samples", "256", "--test-samples", "200")
    assert out.count("a test sequence: [") == 2
    for model in ("LSTMClassifier", "TransformerClassifier"):
        accuracy = float(out.split(f"{model}: test accuracy ")[1].split()[0])
        assert 0.0 <= accuracy <= 1.0, model


def test_pytorch_port_trains_saves_and_reloads_as_pytorch_code_does(tmp_path):
    out = run_example("pytorch_port.py", "--epochs", "1", "--output", str(tmp_path))
    assert "parameters of dtype float64" in out  # torch.set_default_dtype reached the layers
    assert out.count("epoch ") == 1 and float(out.split("train loss ")[1].split()[0]) < 2.3  # below chance
    assert float(out.split("test accuracy: ")[1].split()[0]) > 0.3
    assert "the reloaded model scores the same" in out and (tmp_path / "pytorch_port.pt").exists()
