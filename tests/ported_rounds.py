"""What every round of ported PyTorch programs shares: the module that holds the programs (run by
PyTorch in tests/fixtures/make_ported_programs_<round>.py, by tinygrad_adam in the tests) and
PyTorch's record of them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

FIXTURES = Path(__file__).parent / "fixtures"


def load_round(name: str) -> tuple[ModuleType, Any]:
    """The programs of round ``name`` ("round7", ...) and the .npz that PyTorch's run of them wrote."""
    spec = importlib.util.spec_from_file_location(
        f"make_ported_programs_{name}", FIXTURES / f"make_ported_programs_{name}.py"
    )
    programs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(programs)
    return programs, np.load(FIXTURES / f"ported_programs_{name}.npz")


def recorded(record: Any, program: str, kind: str) -> dict[str, np.ndarray]:
    """The arrays stored for ``program`` under ``kind`` ("data", "init" or "out")."""
    prefix = f"{program}/{kind}/"
    return {key[len(prefix) :]: record[key] for key in record.files if key.startswith(prefix)}
