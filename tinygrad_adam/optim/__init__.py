"""Optimizers (``tg.optim.Adam`` and friends) and learning-rate schedules (``tg.optim.lr_scheduler``).

Names, defaults and ``state`` entries are PyTorch's; each update rule is one function on arrays
(``adam_step``, ``sgd_step``, ...) beside the class that keeps its state.
"""

from . import lr_scheduler, swa_utils
from .adabound import AdaBound
from .adadelta import AdaDelta, Adadelta
from .adafactor import Adafactor
from .adagrad import AdaGrad, Adagrad
from .adam import Adam, Adamax, AdamW, NAdam, RAdam
from .asgd import ASGD
from .lbfgs import LBFGS
from .lion import Lion
from .muon import Muon
from .optimizer import Optimizer
from .rmsprop import RMSProp, RMSprop
from .rprop import Rprop
from .sgd import SGD, Momentum

__all__ = [
    "ASGD",
    "SGD",
    "AdaBound",
    "AdaDelta",
    "Adafactor",
    "AdaGrad",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "LBFGS",
    "Lion",
    "Momentum",
    "Muon",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSProp",
    "RMSprop",
    "Rprop",
    "lr_scheduler",
    "swa_utils",
]
