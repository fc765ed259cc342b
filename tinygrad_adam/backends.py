"""``tg.backends``: the switches PyTorch scripts set on ``torch.backends`` (``cudnn.benchmark``,
``cudnn.deterministic``, ``mps.is_available()``), so such a script runs here unchanged. They
change nothing: there is no cuDNN or Apple GPU path, and results are already deterministic."""

from __future__ import annotations

from types import SimpleNamespace

cudnn = SimpleNamespace(enabled=True, benchmark=False, deterministic=False, allow_tf32=True)


def _no_mps() -> bool:
    """No Apple-GPU (MPS) device here."""
    return False


mps = SimpleNamespace(is_available=_no_mps, is_built=_no_mps)
