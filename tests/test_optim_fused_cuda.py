"""The CUDA fused steps (tg.optim.fused_cuda) give the plain rule's results bit for bit.

Without a GPU, the kernel bodies are compiled with the host's C++ compiler inside a loop that binds
the parameters as CuPy's ElementwiseKernel does, without contraction into FMA, and the real rules
(AdamRule, SGDRule) run on them against the plain NumPy rules. Where CuPy sees a GPU, the kernels
themselves run against the plain path on the GPU and on the CPU.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.backend import get_backend, is_cuda_available
from tinygrad_adam.optim import fused, fused_cuda
from tinygrad_adam.optim.adam import adam_step
from tinygrad_adam.optim.sgd import sgd_step

CXX = shutil.which("g++") or shutil.which("clang++") or shutil.which("c++")
needs_cxx = pytest.mark.skipif(
    CXX is None, reason="no C++ compiler (g++, clang++) to compile the kernel bodies"
)
needs_gpu = pytest.mark.skipif(not is_cuda_available(), reason="CuPy is not installed or sees no GPU")

C_TYPES = {np.dtype("float32"): ("float", ctypes.c_float), np.dtype("float64"): ("double", ctypes.c_double)}


class HostKernel:
    """An ElementwiseKernel stand-in: ``body`` verbatim in a C++ loop over the elements, with ``T``,
    array elements bound by reference and scalars by value as CuPy binds them, compiled on the first
    call for each dtype and argument kind (array or scalar), with every rounding of IEEE C++."""

    def __init__(self, directory: Path, in_params: str, out_params: str, body: str, name: str) -> None:
        self.directory, self.body, self.name = directory, body, name
        self.params = [(p.split()[-1], False) for p in in_params.split(",")]
        self.params += [(p.split()[-1], True) for p in out_params.split(",")]
        self.compiled: dict[tuple, Any] = {}

    def __call__(self, *args: Any) -> None:
        assert len(args) == len(self.params)
        dtype = args[-1].dtype
        kinds = tuple(isinstance(a, np.ndarray) for a in args)
        function = self.compiled.get((dtype, kinds))
        if function is None:
            function = self.compiled[dtype, kinds] = self.compile(dtype, kinds)
        size = args[-1].size
        values = [ctypes.c_long(size)]
        for (name, _), arg, is_array in zip(self.params, args, kinds):
            assert np.asarray(arg).dtype == dtype, f"{name}: {np.asarray(arg).dtype}, not {dtype}"
            if is_array:
                assert arg.flags.c_contiguous and arg.size == size, name
                values.append(ctypes.c_void_p(arg.ctypes.data))
            else:
                values.append(C_TYPES[dtype][1](arg))
        function(*values)

    def compile(self, dtype: np.dtype, kinds: tuple[bool, ...]) -> Any:
        c_type = C_TYPES[dtype][0]
        declarations, bindings = [], []
        for (name, is_out), is_array in zip(self.params, kinds):
            const = "" if is_out else "const "
            if is_array:
                declarations.append(f"{const}T *_raw_{name}")
                bindings.append(f"{const}T &{name} = _raw_{name}[i];")
            else:
                declarations.append(f"{const}T {name}")
        source = "\n".join(
            [
                "#include <cmath>",
                "using std::sqrt;  // sqrt(float) in float, as CUDA's overload",
                f"typedef {c_type} T;",
                f'extern "C" void {self.name}(long _n, {", ".join(declarations)}) {{',
                "  for (long i = 0; i < _n; ++i) {",
                *bindings,
                self.body + ";",
                "  }",
                "}",
            ]
        )
        stem = self.directory / f"{self.name}_{c_type}_{''.join('a' if k else 's' for k in kinds)}"
        stem.with_suffix(".cpp").write_text(source)
        library = stem.with_suffix(".so")
        subprocess.run(
            [CXX, "-O2", "-ffp-contract=off", "-fno-fast-math", "-shared", "-fPIC", "-o", str(library)]
            + [str(stem.with_suffix(".cpp"))],
            check=True,
            capture_output=True,
        )
        function = getattr(ctypes.CDLL(str(library)), self.name)
        function.restype = None
        return function


@pytest.fixture(scope="module")
def host_kernels(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """fused_cuda's steps, argument order included, on the host-compiled kernel bodies."""
    directory = tmp_path_factory.mktemp("fused_cuda")
    return fused_cuda.build(lambda *spec: HostKernel(directory, *spec))


def optimizer_and_group(name: str, kwargs: dict) -> tuple[Any, dict[str, Any]]:
    """``tg.optim.<name>(**kwargs)`` and its hyperparameters, defaults filled in as the class does."""
    optimizer = getattr(tg.optim, name)([tg.zeros((1,), requires_grad=True, device="cpu")], **kwargs)
    return optimizer, optimizer.param_groups[0]


def gradients(rng: np.random.Generator, size: int, dtype: str, step: int) -> np.ndarray:
    """Gradients of one scale per step, with zeros, tiny values (g² subnormal or zero) and huge ones."""
    grad = (rng.standard_normal(size) * 10.0 ** rng.integers(-6, 2)).astype(dtype)
    if step % 2:
        grad[:5] = 0.0  # m and v decay, denominators near ε
    grad[5:10] = 1e-20 if dtype == "float32" else 1e-160
    grad[10:12] = 1e18 if dtype == "float32" else 1e150
    return grad


def wrapped(array: np.ndarray) -> tg.Tensor:
    return tg.Tensor._wrap(array, get_backend("cpu"))


ADAM_SETTINGS = [
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.003, "betas": (0.8, 0.99), "eps": 1e-6}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.01, "betas": (0.95, 0.9999), "weight_decay": 0.1}),
]


@needs_cxx
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("name", "kwargs"), ADAM_SETTINGS)
def test_cuda_adam_body_through_adam_rule_matches_adam_step_bit_for_bit(
    host_kernels: Any, monkeypatch: pytest.MonkeyPatch, name: str, kwargs: dict, dtype: str
) -> None:
    monkeypatch.setattr(fused, "kernels_for", lambda array: host_kernels)
    optimizer, group = optimizer_and_group(name, kwargs)
    rng = np.random.default_rng(7)
    size = 1031  # off any SIMD width
    param = rng.standard_normal(size).astype(dtype)
    state = {
        "step": 0,
        "exp_avg": wrapped(np.zeros(size, dtype)),
        "exp_avg_sq": wrapped(np.zeros(size, dtype)),
    }
    rule = fused.rule_for(optimizer, group, state)
    assert isinstance(rule, fused.AdamRule)
    plain_param, plain_exp_avg, plain_exp_avg_sq = param.copy(), np.zeros(size, dtype), np.zeros(size, dtype)
    for step in range(1, 6):
        grad = gradients(rng, size, dtype, step)
        rule(param, grad, state, group)
        adam_step(
            np,
            plain_param,
            grad.copy(),
            plain_exp_avg,
            plain_exp_avg_sq,
            None,
            step=step,
            lr=group["lr"],
            betas=group["betas"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
            maximize=group["maximize"],
        )
        assert state["step"] == step
        np.testing.assert_array_equal(param, plain_param)  # exact, not approximately
        np.testing.assert_array_equal(state["exp_avg"]._data, plain_exp_avg)
        np.testing.assert_array_equal(state["exp_avg_sq"]._data, plain_exp_avg_sq)
        assert param.dtype == plain_param.dtype == np.dtype(dtype)


SGD_SETTINGS = [
    ("Momentum", {"lr": 0.05}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.2}),
    ("SGD", {"lr": 3e-4, "momentum": 0.5, "dampening": 1.0}),
]


@needs_cxx
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("name", "kwargs"), SGD_SETTINGS)
def test_cuda_momentum_body_through_sgd_rule_matches_sgd_step_bit_for_bit(
    host_kernels: Any, monkeypatch: pytest.MonkeyPatch, name: str, kwargs: dict, dtype: str
) -> None:
    monkeypatch.setattr(fused, "kernels_for", lambda array: host_kernels)
    optimizer, group = optimizer_and_group(name, kwargs)
    rng = np.random.default_rng(11)
    size = 1031
    param = rng.standard_normal(size).astype(dtype)

    def plain(param: np.ndarray, grad: np.ndarray, buffer: np.ndarray | None) -> np.ndarray:
        settings = {key: group[key] for key in ("lr", "momentum", "dampening", "weight_decay", "nesterov")}
        return sgd_step(np, param, grad, buffer, maximize=group["maximize"], **settings)

    grad = gradients(rng, size, dtype, 0)
    buffer = plain(param, grad, None)  # the first step makes the buffer: no compiled loop for it
    plain_param, plain_buffer = param.copy(), buffer.copy()
    state = {"momentum_buffer": wrapped(buffer)}
    rule = fused.rule_for(optimizer, group, state)
    assert isinstance(rule, fused.SGDRule)
    for step in range(1, 6):
        grad = gradients(rng, size, dtype, step)
        rule(param, grad, state, group)
        plain(plain_param, grad.copy(), plain_buffer)
        np.testing.assert_array_equal(param, plain_param)
        np.testing.assert_array_equal(state["momentum_buffer"]._data, plain_buffer)


def test_rules_take_numba_loops_for_numpy_arrays_and_cuda_kernels_for_cupy_arrays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cuda_kernels, numba_kernels = object(), object()
    monkeypatch.setattr(fused_cuda, "kernels", lambda: cuda_kernels)
    monkeypatch.setattr(fused, "kernels", lambda: numba_kernels)
    # A stand-in of cupy.ndarray: only the module of its type matters.
    cupy_like = type("ndarray", (), {"__module__": "cupy._core.core"})()
    assert fused.kernels_for(np.zeros(3, np.float32)) is numba_kernels
    assert fused.kernels_for(cupy_like) is cuda_kernels
    strict = get_backend("strict")
    with pytest.raises(TypeError, match="no compiled optimizer step"):
        fused.kernels_for(strict.asarray(np.zeros(3, np.float32)))


def test_fused_steps_on_cuda_are_opt_in_need_no_numba_and_the_strict_backend_has_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fused, "numba_available", lambda: False)
    cuda = SimpleNamespace(is_host=False, strided=np)  # stands in for CupyBackend (CuPy's module)
    strict = get_backend("strict")
    adam = tg.optim.Adam([tg.zeros((2,), requires_grad=True, device="cpu")])
    rmsprop = tg.optim.RMSProp([tg.zeros((2,), requires_grad=True, device="cpu")])
    # fused=None: opt-in on CUDA until the kernels have run on a GPU; never on strict
    assert not fused.wanted(adam, cuda) and not fused.wanted(rmsprop, cuda)
    assert not fused.wanted(adam) and not fused.wanted(adam, strict)
    adam.fused = True
    assert fused.wanted(adam, cuda)
    assert not fused.wanted(adam, strict)  # no compiled steps there: the plain rule runs
    with pytest.raises(ImportError, match="numba"):
        fused.wanted(adam)  # on the CPU True still requires numba
    adam.fused = False
    assert not fused.wanted(adam, cuda)


def test_nvrtc_options_forbid_fma_contraction_and_fast_math() -> None:
    # The host compiler above runs the bodies with -ffp-contract=off; NVRTC must round the same way.
    assert "--fmad=false" in fused_cuda.NVRTC_OPTIONS
    assert not any("fast" in option for option in fused_cuda.NVRTC_OPTIONS)


# -------------------------------------------------------------------------------------------------
# On a GPU: the CuPy kernels themselves

MLP_SHAPES = [(64, 33), (64,), (10, 64), (10,), (1,)]
GPU_SETTINGS = [
    ("Adam", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1}),
    ("Momentum", {"lr": 0.05}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.2}),
]


def run_on(device: str, name: str, kwargs: dict, fused_flag: bool | None, dtype: str) -> tuple[list, Any]:
    """Eight steps over MLP-like parameters on ``device``; their values and state, and the optimizer."""
    rng = np.random.default_rng(5)
    params = [
        tg.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True, device=device) for s in MLP_SHAPES
    ]
    optimizer = getattr(tg.optim, name)(params, **kwargs)
    optimizer.fused = fused_flag
    for step in range(8):
        for param in params:
            param.grad = tg.tensor(
                gradients(rng, param.size, dtype, step).reshape(param.shape), device=device
            )
        optimizer.step()
    values = [p.numpy() for p in params]
    for param in params:
        for _, value in sorted(optimizer.state[param].items()):
            values.append(value.numpy() if isinstance(value, tg.Tensor) else np.asarray(value))
    return values, optimizer


@needs_gpu
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("name", "kwargs"), GPU_SETTINGS)
def test_fused_cuda_step_matches_plain_steps_on_gpu_and_cpu_bit_for_bit(
    monkeypatch: pytest.MonkeyPatch, name: str, kwargs: dict, dtype: str
) -> None:
    launches = []
    kernels_for = fused.kernels_for
    monkeypatch.setattr(
        fused, "kernels_for", lambda array: launches.append(type(array)) or kernels_for(array)
    )
    compiled, _ = run_on("cuda", name, kwargs, True, dtype)
    assert launches and all(kind.__module__.startswith("cupy") for kind in launches)  # the kernels ran
    launches.clear()
    plain_gpu, _ = run_on("cuda", name, kwargs, False, dtype)
    plain_cpu, _ = run_on("cpu", name, kwargs, False, dtype)
    assert not launches
    assert len(compiled) == len(plain_gpu) == len(plain_cpu)
    for fused_value, gpu_value, cpu_value in zip(compiled, plain_gpu, plain_cpu):
        assert fused_value.dtype == gpu_value.dtype == cpu_value.dtype
        np.testing.assert_array_equal(fused_value, gpu_value)
        np.testing.assert_array_equal(fused_value, cpu_value)


@needs_gpu
@pytest.mark.parametrize("name", ["Adam", "Momentum"])
def test_fused_cuda_state_dict_round_trips_and_training_resumes_exactly(name: str) -> None:
    values, optimizer = run_on("cuda", name, {"lr": 0.01}, True, "float32")
    saved = optimizer.state_dict()
    params = optimizer.param_groups[0]["params"]
    copies = [tg.tensor(p.numpy(), requires_grad=True, device="cuda") for p in params]
    resumed = getattr(tg.optim, name)(copies, lr=0.01)
    resumed.fused = True
    resumed.load_state_dict(saved)
    rng = np.random.default_rng(9)
    for _ in range(3):
        for param, copy in zip(params, copies):
            grad = rng.standard_normal(param.shape).astype("float32")
            param.grad, copy.grad = tg.tensor(grad, device="cuda"), tg.tensor(grad, device="cuda")
        optimizer.step()
        resumed.step()
    for param, copy in zip(params, copies):
        np.testing.assert_array_equal(param.numpy(), copy.numpy())
        for key, value in optimizer.state[param].items():
            other = resumed.state[copy][key]
            if isinstance(value, tg.Tensor):
                assert other.device == value.device
                np.testing.assert_array_equal(value.numpy(), other.numpy())
            else:
                assert value == other
