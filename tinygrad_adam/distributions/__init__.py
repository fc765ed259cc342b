"""Probability distributions for sampling and scoring, as ``torch.distributions`` (the part that
policy-gradient and VAE code uses): ``Normal``, ``Bernoulli``, ``Categorical``,
``OneHotCategorical``, ``Uniform``, ``Independent`` and ``kl_divergence``. Sampling draws from
the device's generator (``tg.manual_seed``); ``rsample``, ``log_prob``, ``entropy`` and the KL
divergences are Tensor ops, so gradients reach the parameters."""

from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical, OneHotCategorical
from .distribution import Distribution
from .independent import Independent
from .kl import kl_divergence, register_kl
from .normal import Normal
from .uniform import Uniform

__all__ = [
    "Bernoulli",
    "Categorical",
    "Distribution",
    "Independent",
    "Normal",
    "OneHotCategorical",
    "Uniform",
    "constraints",
    "kl_divergence",
    "register_kl",
]
