"""Measurements of known flowers and form helpers shared by the tests."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask.testing import FlaskClient

IRIS_SETOSA = {
    "sepal_length": 5.1,
    "sepal_width": 3.5,
    "petal_length": 1.4,
    "petal_width": 0.2,
}
IRIS_VIRGINICA = {
    "sepal_length": 6.7,
    "sepal_width": 3.0,
    "petal_length": 5.2,
    "petal_width": 2.3,
}


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """Read the CSRF token from the form on ``path`` (the session keeps its secret)."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None, f"no CSRF token on {path}"
    return match.group(1)


def form_data(client: FlaskClient, values: Mapping[str, object], path: str = "/") -> dict[str, str]:
    """Form fields as strings, plus a valid CSRF token."""
    return {key: str(value) for key, value in values.items()} | {
        "csrf_token": csrf_token(client, path)
    }
