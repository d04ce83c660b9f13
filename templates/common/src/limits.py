"""Rate limits on password checks (login form, token), with the ``limits`` library.

``limits`` is the engine under Flask-Limiter and slowapi, used directly: the views
that check a password call :meth:`CredentialLimiter.hit`, and no other request pays
anything (both extensions add a hook to every request, the probes included).
Attempts are counted per client address in a storage URL: ``memory://`` counts per
process, ``redis://...`` across every worker and replica.
"""

from __future__ import annotations

import math
import time

from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

__all__ = ["CredentialLimiter", "check_rate_limit", "storage_url"]

#: Namespace of the counters in a shared storage.
SCOPE = "credentials"


def check_rate_limit(value: str) -> str:
    """Return ``value`` if it is a rate limit such as ``10/minute`` (several with ``;``).

    Raises:
        ValueError: it is not.
    """
    try:
        parse_many(value)
    except ValueError:
        raise ValueError(f"not a rate limit such as 10/minute: {value!r}") from None
    return value


def storage_url(configured: str, redis_url: str) -> str:
    """Where attempts are counted: the configured URL, else Redis, else this process."""
    return configured or redis_url or "memory://"


class CredentialLimiter:
    """Counts password checks per client; says how long to wait once over the limit."""

    def __init__(self, rate_limit: str, storage: str) -> None:
        """Apply ``rate_limit`` ("10/minute" style), counting in the ``storage`` URL."""
        self._limits = parse_many(rate_limit)
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage))

    def hit(self, client: str) -> int | None:
        """Count one attempt by ``client``; return the seconds to wait when over a limit."""
        for limit in self._limits:
            if not self._limiter.hit(limit, SCOPE, client):
                reset_at = self._limiter.get_window_stats(limit, SCOPE, client).reset_time
                return max(1, math.ceil(reset_at - time.time()))
        return None
