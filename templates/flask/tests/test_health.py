"""The health endpoints."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient


def test_health_is_ok(client: FlaskClient) -> None:
    """GET /health answers 200 with status ok."""
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_ready_when_model_loads(client: FlaskClient) -> None:
    """GET /health/ready answers 200 once the model is available."""
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "checks": {"model": "ok"}}


def test_not_ready_when_model_fails(
    app: Flask, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken model artifact makes readiness answer 503 and names the check."""
    broken = tmp_path / "broken.joblib"
    broken.write_bytes(b"not a model")
    app.config["MODEL_PATH"] = str(broken)
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.get_json()["checks"]["model"] == "unavailable"
    assert "readiness check failed" in caplog.text
