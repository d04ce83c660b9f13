from __future__ import annotations

from fastapi.testclient import TestClient

from ..conftest import BODY_PATH, INVALID_BODY, INVALID_FIELD


def test_unknown_route_gets_the_error_shape(client: TestClient) -> None:
    response = client.get("/no-such-thing")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["status"] == 404
    assert error["code"] == "not_found"
    assert error["request_id"] == response.headers["x-request-id"]


def test_invalid_field_is_reported_by_location(client: TestClient) -> None:
    response = client.post(BODY_PATH, json=INVALID_BODY)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    locations = [detail["loc"] for detail in error["details"]]
    assert any(loc[-1] == INVALID_FIELD for loc in locations)


def test_malformed_json_is_a_422(client: TestClient) -> None:
    response = client.post(
        BODY_PATH, content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["type"] == "json_invalid"


def test_method_not_allowed_keeps_its_allow_header(client: TestClient) -> None:
    response = client.delete(BODY_PATH)
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]
    assert response.json()["error"]["code"] == "method_not_allowed"
