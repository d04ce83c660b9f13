"""Structured logging: one JSON object per line, carrying the id of the request being served."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

#: Id of the request the current task serves (set by ``RequestContextMiddleware``).
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else on a record came in through ``extra=``.
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's coloured duplicate of the message
}


class JsonFormatter(logging.Formatter):
    """Format a record as a single JSON line with its ``extra`` fields and the request id."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the JSON line for ``record``."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id is not None:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _AppHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler :func:`configure_logging` installs (recognised so it is installed once)."""


def configure_logging(level: str = "INFO", *, json_format: bool = True) -> None:
    """Send log records at ``level`` and above to stderr, as JSON lines or plain text.

    Calling it again only updates the level and format, so every app the factory
    builds (one per worker, many in tests) shares one handler.
    """
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _AppHandler)), None)
    if handler is None:
        handler = _AppHandler(sys.stderr)
        root.addHandler(handler)
    handler.setFormatter(
        JsonFormatter() if json_format else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    root.setLevel(level)
