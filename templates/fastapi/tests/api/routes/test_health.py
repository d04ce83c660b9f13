from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_health_answers_ok(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_ready_once_the_model_is_loaded(client: TestClient) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"model": "ok"}}


def test_not_ready_without_a_model(app: FastAPI) -> None:
    # No `with`: the lifespan does not run, so no model is loaded.
    response = TestClient(app).get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["model"] == "unavailable"
