"""Probability distributions for sampling and scoring, as ``torch.distributions`` (the part that
policy-gradient and VAE code uses): ``Normal``, ``Bernoulli``, ``Categorical``,
``OneHotCategorical``, ``Uniform``, ``Independent``, ``Poisson``, ``Gamma``, ``Beta``, ``Dirichlet``
and ``kl_divergence``. Sampling draws from the device's generator (``tg.manual_seed``); ``rsample``,
``log_prob``, ``entropy`` and the KL divergences are Tensor ops, so gradients reach the parameters
(Gamma, Beta and Dirichlet have no ``rsample`` here)."""

from . import constraints
from .bernoulli import Bernoulli
from .beta import Beta
from .categorical import Categorical, OneHotCategorical
from .dirichlet import Dirichlet
from .distribution import Distribution
from .gamma import Gamma
from .independent import Independent
from .kl import kl_divergence, register_kl
from .normal import Normal
from .poisson import Poisson
from .uniform import Uniform

__all__ = [
    "Bernoulli",
    "Beta",
    "Categorical",
    "Dirichlet",
    "Distribution",
    "Gamma",
    "Independent",
    "Normal",
    "OneHotCategorical",
    "Poisson",
    "Uniform",
    "constraints",
    "kl_divergence",
    "register_kl",
]
