"""Mid-split: the next commit divides this service into modules."""

from jit.services.evidence.verification import *  # noqa: F403
