"""Security headers: which ones every response gets, and HSTS only over HTTPS."""

from __future__ import annotations

from collections.abc import Iterable

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = ("Strict-Transport-Security", "max-age=63072000")

_ALWAYS = [(name.lower(), (name, value)) for name, value in HEADERS.items()]
_OVER_HTTPS = [*_ALWAYS, (HSTS[0].lower(), HSTS)]


def missing_headers(headers: Iterable[tuple[str, str]], *, secure: bool) -> list[tuple[str, str]]:
    """Return the security headers that ``headers`` lacks (a view may set its own)."""
    present = {name.lower() for name, _ in headers}
    wanted = _OVER_HTTPS if secure else _ALWAYS
    return [header for lowered, header in wanted if lowered not in present]
