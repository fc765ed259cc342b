"""What every round of ported PyTorch programs shares: the module that holds the programs (run by
PyTorch in tests/fixtures/make_ported_programs_<round>.py, by tinygrad_adam in the tests) and
PyTorch's record of them."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

FIXTURES = Path(__file__).parent / "fixtures"


def load_round(name: str) -> tuple[ModuleType, Any]:
    """The programs of round ``name`` ("round7", ...) and the .npz that PyTorch's run of them wrote."""
    return load_programs(f"ported_programs_{name}")


def load_programs(record: str) -> tuple[ModuleType, Any]:
    """The module ``tests/fixtures/make_<record>.py`` (its programs, which PyTorch ran to write the
    fixture) and the ``<record>.npz`` it wrote."""
    spec = importlib.util.spec_from_file_location(f"make_{record}", FIXTURES / f"make_{record}.py")
    programs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(programs)
    return programs, np.load(FIXTURES / f"{record}.npz")


def recorded(record: Any, program: str, kind: str) -> dict[str, np.ndarray]:
    """The arrays stored for ``program`` under ``kind`` ("data", "init" or "out")."""
    prefix = f"{program}/{kind}/"
    return {key[len(prefix) :]: record[key] for key in record.files if key.startswith(prefix)}


def program_inputs(record: Any, program: str) -> dict[str, Any]:
    """The program's inputs and PyTorch's initial weights, laid out as the program reads them: "init"
    for the model, and a second model's weights (stored under "init.<name>") as {"<name>": {"init": ...}}."""
    data: dict[str, Any] = {**recorded(record, program, "data"), "init": recorded(record, program, "init")}
    kinds = {key.split("/")[1] for key in record.files if key.startswith(f"{program}/init.")}
    for kind in kinds:
        data[kind.removeprefix("init.")] = {"init": recorded(record, program, kind)}
    return data


def run(programs: ModuleType, record: Any, program: str, framework: ModuleType) -> tuple[dict, list]:
    """The program's result with ``framework`` (tinygrad_adam in the tests) and the messages of the
    mistakes it made."""
    programs.MESSAGES.clear()
    return programs.programs()[program](framework, program_inputs(record, program)), list(programs.MESSAGES)


def check_mistakes(
    programs: ModuleType, record: Any, program: str, ran: tuple[dict, list], minimum: int = 1
) -> None:
    """Each of the program's mistakes (the "errors.*" results of ``ran``, ``run``'s result and
    messages; at least ``minimum`` of them) raised PyTorch's error types (ours may also subclass
    another built-in), with a message naming the problem."""
    expected = recorded(record, program, "out")
    result, messages = ran
    kinds = [kind.__name__ for kind in programs.ERROR_KINDS]
    cases = [name for name in result if name.startswith("errors.")]
    assert len(cases) >= minimum, f"{program}: every program makes {minimum} mistake(s) or more"
    for name in cases:
        wanted = [kind for kind, flag in zip(kinds, expected[name], strict=True) if flag]
        raised = [kind for kind, flag in zip(kinds, result[name], strict=True) if flag]
        assert wanted, f"{program}: {name}: PyTorch raises none of the recorded kinds"
        assert set(wanted) <= set(raised), f"{program}: {name}: {raised}, not {wanted}"
    for case, names, message in messages:
        assert re.search(names, message, re.IGNORECASE), f"{program}: {case}: {message!r} names no {names!r}"


FLOAT32_TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}
FLOAT64_TOLERANCE = {"rtol": 1e-10, "atol": 1e-12}  # for a round's FLOAT64_PROGRAMS


def check_steps(
    programs: ModuleType,
    record: Any,
    program: str,
    ran: tuple[dict, list],
    tolerance: dict[str, float] | None = None,
    settle: Callable[[str, np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> None:
    """The program's results (``ran``, ``run``'s) are PyTorch's: integers, masks and text exactly,
    floats within ``tolerance`` (float32's by default, float64's for the round's FLOAT64_PROGRAMS).
    ``settle(name, ours, expected)`` checks loosely the part of a result that rounding noise alone
    decides and returns ``ours`` with PyTorch's values there."""
    expected = recorded(record, program, "out")
    result, _ = ran
    assert sorted(result) == sorted(expected), program
    if tolerance is None:
        float64 = program in getattr(programs, "FLOAT64_PROGRAMS", ())
        tolerance = FLOAT64_TOLERANCE if float64 else FLOAT32_TOLERANCE
    for name, value in result.items():
        ours = np.asarray(value)
        assert ours.shape == expected[name].shape, f"{program}: {name}"
        if name.startswith("errors."):
            continue
        if ours.dtype.kind in "iubUS":
            np.testing.assert_array_equal(ours, expected[name], err_msg=f"{program}: {name}")
            continue
        if settle is not None:
            ours = settle(name, ours, expected[name])
        np.testing.assert_allclose(ours, expected[name], **tolerance, err_msg=f"{program}: {name}")
