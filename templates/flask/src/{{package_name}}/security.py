"""Security headers: the contract's set on every response, and HSTS only over HTTPS."""

from __future__ import annotations

from collections.abc import Iterable

from .contract import CONTENT_SECURITY_POLICY, HSTS_HEADER, SECURITY_HEADERS

__all__ = ["CONTENT_SECURITY_POLICY", "HEADERS", "HSTS", "missing_headers"]

HEADERS = SECURITY_HEADERS
HSTS = HSTS_HEADER

_ALWAYS = [(name.lower(), (name, value)) for name, value in HEADERS.items()]
_OVER_HTTPS = [*_ALWAYS, (HSTS[0].lower(), HSTS)]


def missing_headers(headers: Iterable[tuple[str, str]], *, secure: bool) -> list[tuple[str, str]]:
    """Return the security headers that ``headers`` lacks (a view may set its own).

    ``secure`` adds HSTS: the request came over HTTPS and the app is not in development.
    """
    present = {name.lower() for name, _ in headers}
    wanted = _OVER_HTTPS if secure else _ALWAYS
    return [header for lowered, header in wanted if lowered not in present]
