"""Probability distributions for sampling and scoring, as ``torch.distributions``: ``Normal``,
``MultivariateNormal``, ``LowRankMultivariateNormal``, ``LogNormal``, ``Bernoulli``, ``Binomial``,
``Geometric``, ``NegativeBinomial``, ``Categorical``, ``OneHotCategorical``, ``Uniform``,
``Exponential``, ``Laplace``, ``Cauchy``, ``HalfNormal``, ``HalfCauchy``, ``Gumbel``, ``Pareto``,
``Weibull``, ``StudentT``, ``Chi2``, ``Poisson``, ``Gamma``, ``Beta``, ``Dirichlet``, ``Multinomial``,
``ContinuousBernoulli``, ``VonMises``, ``Wishart``, ``LKJCholesky``,
``RelaxedBernoulli``, ``RelaxedOneHotCategorical``, ``Independent``, ``MixtureSameFamily``,
``TransformedDistribution`` with ``transforms``, and ``kl_divergence``. Sampling draws from the
device's generator (``tg.manual_seed``); ``rsample``, ``log_prob``, ``entropy`` and the KL
divergences are Tensor ops, so gradients reach the parameters (Gamma, Beta, Dirichlet, Chi2 and
StudentT through implicit reparameterisation gradients)."""

from . import constraints, transforms
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .categorical import Categorical, OneHotCategorical
from .cauchy import Cauchy
from .chi2 import Chi2
from .continuous_bernoulli import ContinuousBernoulli
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exponential import Exponential
from .gamma import Gamma
from .geometric import Geometric
from .gumbel import Gumbel
from .half_normal import HalfCauchy, HalfNormal
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .lkj_cholesky import LKJCholesky
from .log_normal import LogNormal
from .low_rank_multivariate_normal import LowRankMultivariateNormal
from .mixture_same_family import MixtureSameFamily
from .multinomial import Multinomial
from .multivariate_normal import MultivariateNormal
from .negative_binomial import NegativeBinomial
from .normal import Normal
from .pareto import Pareto
from .poisson import Poisson
from .relaxed import ExpRelaxedCategorical, LogitRelaxedBernoulli, RelaxedBernoulli, RelaxedOneHotCategorical
from .student_t import StudentT
from .transformed_distribution import TransformedDistribution
from .transforms import (
    AbsTransform,
    AffineTransform,
    ComposeTransform,
    ExpTransform,
    PowerTransform,
    SigmoidTransform,
    TanhTransform,
    Transform,
)
from .uniform import Uniform
from .von_mises import VonMises
from .weibull import Weibull
from .wishart import Wishart

__all__ = [
    "AbsTransform", "AffineTransform", "Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2",
    "ComposeTransform", "ContinuousBernoulli", "Dirichlet", "Distribution", "ExpRelaxedCategorical",
    "ExpTransform", "Exponential", "Gamma", "Geometric", "Gumbel", "HalfCauchy", "HalfNormal",
    "Independent", "LKJCholesky", "Laplace", "LogNormal", "LogitRelaxedBernoulli",
    "LowRankMultivariateNormal", "MixtureSameFamily", "Multinomial", "MultivariateNormal",
    "NegativeBinomial", "Normal", "OneHotCategorical", "Pareto", "Poisson", "PowerTransform",
    "RelaxedBernoulli", "RelaxedOneHotCategorical", "SigmoidTransform", "StudentT", "TanhTransform",
    "Transform", "TransformedDistribution", "Uniform", "VonMises", "Weibull", "Wishart", "constraints",
    "kl_divergence", "register_kl", "transforms",
]  # fmt: skip
