"""Mid-split: the next commit divides this service into modules."""

from jit.services.channels.messages import *  # noqa: F403
