"""Devices, the default device, seeding, the GPU backend (where one exists) and a light import."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import backend

REPO_ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter at the repository root, with extra environment variables."""
    environment = {k: v for k, v in os.environ.items() if k != backend.DEFAULT_DEVICE_ENV}
    environment.update(env)
    environment["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), environment.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


# -- device names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("cpu", "cpu"),
        ("CPU", "cpu"),
        ("cuda", "cuda:0"),
        ("cuda:1", "cuda:1"),
        ("strict", "strict:0"),
        (" strict:1 ", "strict:1"),
    ],
)
def test_device_names_have_one_canonical_spelling(name, canonical):
    assert backend.canonical_device(name) == canonical


@pytest.mark.parametrize("name", ["tpu", "cpu:0", "cuda:x", "strict:-1"])
def test_unknown_device_names_are_rejected_with_the_valid_ones(name):
    with pytest.raises(ValueError, match="device"):
        backend.canonical_device(name)


def test_device_must_be_a_string():
    with pytest.raises(TypeError, match="string"):
        tg.zeros(1, device=0)


def test_strict_has_two_simulated_devices_and_no_third():
    assert tg.zeros(1, device="strict").device == "strict:0"
    assert tg.zeros(1, device="strict:1").device == "strict:1"
    with pytest.raises(ValueError, match="strict:2"):
        tg.zeros(1, device="strict:2")


def test_tensors_follow_the_default_device(device):
    assert tg.get_default_device() == device
    for t in (tg.tensor([1.0]), tg.zeros(1), tg.randn(1), tg.arange(2), tg.full((1,), 2.0)):
        assert t.device == device


def test_set_default_device_changes_where_new_tensors_live_and_checks_the_name(device):
    try:
        tg.set_default_device("strict:1")
        assert tg.zeros(1).device == "strict:1"
        with pytest.raises(ValueError, match="unknown device"):
            tg.set_default_device("gpu0")
        assert tg.get_default_device() == "strict:1"
    finally:
        tg.set_default_device(device)
    assert tg.zeros(1).device == device


@pytest.mark.parametrize(("value", "expected"), [("strict", "strict:0"), ("cpu", "cpu"), ("", "cpu")])
def test_environment_variable_sets_the_default_device(value, expected):
    result = run_python(
        "import tinygrad_adam as tg; print(tg.get_default_device(), tg.zeros(1).device)",
        TINYGRAD_ADAM_DEVICE=value,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [expected, expected]


def test_default_device_is_cpu_without_the_environment_variable():
    result = run_python("import tinygrad_adam as tg; print(tg.get_default_device())")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "cpu"


def test_a_bad_default_device_in_the_environment_is_named_in_the_error():
    result = run_python("import tinygrad_adam as tg; tg.zeros(1)", TINYGRAD_ADAM_DEVICE="tpu")
    assert result.returncode != 0
    assert "unknown device 'tpu'" in result.stderr


def test_a_dtype_the_strict_device_lacks_is_named():
    with pytest.raises(TypeError, match="strict:0 device has no float16"):
        tg.zeros(2, dtype=tg.float16, device="strict")
    with pytest.raises(TypeError, match="no float16"):
        tg.ones(2, device="strict").half()


# -- seeding -------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.float16, np.bool_])
def test_where_picks_exactly_what_numpy_where_picks(dtype):
    # The CPU backend selects bits instead of branching (np.where mispredicts on data-dependent
    # masks): the same bits, signed zeros and NaN payloads included, with broadcasting.
    cpu = backend.get_backend("cpu")
    rng = np.random.default_rng(0)
    special = np.array([np.nan, -0.0, 0.0, np.inf, -np.inf, 1e-45, -3.5, 7.0])
    with np.errstate(invalid="ignore"):  # NaN and inf cast to integers: any value will do
        a = np.resize(special, (96, 80)).astype(dtype)
    b = (rng.standard_normal((96, 80)) * 100).astype(dtype)
    condition = rng.random((96, 80)) > 0.5
    for args in [(condition, a, b), (condition[:, :1], a, b), (condition, a[0], b), (condition, a, b[0, 0])]:
        expected = np.where(*args)
        got = cpu.where(*args)
        assert got.dtype == expected.dtype and got.shape == expected.shape
        assert got.tobytes() == expected.tobytes()
    assert cpu.where(condition, a.astype(np.float32), b.astype(np.float64)).dtype == np.float64


def test_manual_seed_makes_draws_reproducible_on_each_backend():
    for device in ("cpu", "strict", "strict:1"):
        tg.manual_seed(42)
        first = [tg.randn(3, device=device).numpy(), tg.rand(2, 2, device=device).numpy()]
        tg.manual_seed(42)
        second = [tg.randn(3, device=device).numpy(), tg.rand(2, 2, device=device).numpy()]
        for a, b in zip(first, second):
            np.testing.assert_array_equal(a, b)
        tg.manual_seed(43)
        assert not np.array_equal(tg.randn(3, device=device).numpy(), first[0])


def test_cpu_and_strict_draw_the_same_numbers_from_the_same_seed():
    tg.manual_seed(7)
    on_cpu = tg.randn(4, 3, dtype=tg.float64, device="cpu").numpy()
    tg.manual_seed(7)
    on_strict = tg.randn(4, 3, dtype=tg.float64, device="strict").numpy()
    np.testing.assert_array_equal(on_cpu, on_strict)


def test_each_device_has_its_own_generator():
    tg.manual_seed(5)
    alone = tg.randn(3, device="strict").numpy()
    tg.manual_seed(5)
    tg.randn(100, device="cpu")  # draws elsewhere do not shift this device's stream
    np.testing.assert_array_equal(tg.randn(3, device="strict").numpy(), alone)


def test_manual_seed_reaches_devices_first_used_after_it():
    result = run_python(
        "import tinygrad_adam as tg\n"
        "tg.manual_seed(3)\n"
        "print(tg.randn(2, device='strict:1').numpy().tolist())"
    )
    assert result.returncode == 0, result.stderr
    tg.manual_seed(3)
    assert result.stdout.strip() == str(tg.randn(2, device="cpu").numpy().tolist())


@pytest.mark.parametrize("seed", [-1, 1.5, "1", True])
def test_manual_seed_needs_a_non_negative_integer(seed):
    with pytest.raises(ValueError, match="non-negative integer"):
        tg.manual_seed(seed)


# -- GPU ---------------------------------------------------------------------------------------------

cupy_installed = importlib.util.find_spec("cupy") is not None


def test_missing_cupy_raises_an_error_naming_the_gpu_extra():
    if cupy_installed:
        pytest.skip("CuPy is installed, so its absence cannot be tested here")
    with pytest.raises(RuntimeError, match=r"CuPy.*tinygrad_adam\[gpu\]"):
        tg.zeros(1, device="cuda")
    assert not tg.is_cuda_available()
    assert not tg.cuda.is_available() and tg.cuda.device_count() == 0


def test_cuda_namespace_answers_as_torch_cuda_does():
    """``tg.cuda.is_available()`` / ``device_count()`` agree with whether "cuda:N" can be made."""
    count = tg.cuda.device_count()
    assert tg.cuda.is_available() == (count > 0) == tg.is_cuda_available()
    for index in range(count):
        assert tg.zeros(1, device=f"cuda:{index}").device == f"cuda:{index}"


def test_missing_gpu_raises_an_error_naming_the_gpu_extra():
    if not cupy_installed:
        pytest.skip("CuPy is not installed (covered by the missing-CuPy test)")
    if tg.is_cuda_available():
        pytest.skip("a GPU is present")
    with pytest.raises(RuntimeError, match=r"tinygrad_adam\[gpu\]"):
        tg.zeros(1, device="cuda")


@pytest.fixture
def cuda() -> str:
    if not cupy_installed:
        pytest.skip("GPU tests need CuPy: pip install tinygrad_adam[gpu]")
    if not tg.is_cuda_available():
        pytest.skip("GPU tests need a CUDA device, and CuPy sees none")
    return "cuda"


def test_gpu_forward_and_backward_match_the_cpu(cuda):
    rng = np.random.default_rng(0)
    x_host, w_host = rng.standard_normal((5, 4)), rng.standard_normal((4, 3))
    labels = np.array([0, 2, 1, 1, 0])
    results = {}
    for device in ("cpu", cuda):
        x = tg.tensor(x_host, device=device)
        w = tg.tensor(w_host, device=device, requires_grad=True)
        logits = (x @ w).tanh() * 2
        loss = -logits.log_softmax(axis=1)[
            tg.arange(5, device=device), tg.tensor(labels, device=device)
        ].mean()
        loss = loss + w.abs().max() + tg.where(logits > 0, logits, 0.0).var()
        loss.backward()
        assert loss.device == backend.canonical_device(device) and w.grad.device == loss.device
        results[device] = (loss.item(), w.grad.numpy())
    assert results[cuda][0] == pytest.approx(results["cpu"][0], rel=1e-10)
    np.testing.assert_allclose(results[cuda][1], results["cpu"][1], rtol=1e-9, atol=1e-12)


def test_gpu_tensors_move_to_the_cpu_and_back_with_gradients(cuda):
    x = tg.tensor([1.0, 2.0], requires_grad=True, device="cpu")
    y = x.to(cuda)
    assert y.device == "cuda:0"
    (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_gpu_draws_are_reproducible(cuda):
    tg.manual_seed(11)
    first = tg.randn(4, device=cuda).numpy()
    tg.manual_seed(11)
    np.testing.assert_array_equal(tg.randn(4, device=cuda).numpy(), first)


def test_gpu_gradcheck_of_indexing_with_repeated_indices(cuda):
    x = tg.tensor(np.arange(6.0).reshape(2, 3), device=cuda)
    assert tg.gradcheck(lambda t: t[[0, 0, 1], [2, 2, 0]] * t[:, None, 1], [x])


# -- import --------------------------------------------------------------------------------------


def test_import_does_not_load_cupy_tqdm_or_matplotlib():
    result = run_python(
        "import sys, tinygrad_adam\n"
        "heavy = sorted(m for m in ('cupy', 'tqdm', 'matplotlib', 'array_api_strict') if m in sys.modules)\n"
        "print(heavy)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_submodules_load_on_first_use_and_unknown_attributes_raise():
    result = run_python(
        "import sys, tinygrad_adam as tg\n"
        "before = 'tinygrad_adam.viz' in sys.modules\n"
        "tg.viz\n"
        "print(before, 'tinygrad_adam.viz' in sys.modules)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]
    with pytest.raises(AttributeError, match="no attribute 'not_a_module'"):
        tg.not_a_module  # noqa: B018


def test_device_objects_read_as_torch_device_and_go_where_a_name_does():
    gpu = tg.device("cuda", 1)
    assert gpu == "cuda:1" and gpu.type == "cuda" and gpu.index == 1
    assert repr(gpu) == "device(type='cuda', index=1)"
    cpu = tg.device("cpu")
    assert cpu == "cpu" and cpu.type == "cpu" and cpu.index is None
    assert tg.device("strict") == "strict:0"
    assert tg.zeros(2, device=tg.device("strict")).device == "strict:0"
    assert tg.nn.Linear(2, 1).to(tg.device("cpu"))(tg.ones(1, 2, device="cpu")).shape == (1, 1)
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        tg.device("tpu")
    with pytest.raises(ValueError, match="non-negative integer"):
        tg.device("cuda", -1)
    with pytest.raises(ValueError, match="type alone"):
        tg.device("cuda:0", 1)


def test_a_tensors_device_has_torch_devices_type_and_index():
    x = tg.zeros(2)
    assert x.device.type in ("cpu", "strict") and x.device == tg.get_default_device()
    on_second = tg.zeros(2, device="strict:1")
    assert (on_second.device.type, on_second.device.index) == ("strict", 1)
    assert tg.zeros(2, device="cpu").device.index is None
    assert f"{on_second.device}" == "strict:1"
