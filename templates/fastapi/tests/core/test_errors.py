from __future__ import annotations

from fastapi.testclient import TestClient


def test_unknown_route_gets_the_error_shape(client: TestClient) -> None:
    response = client.get("/no-such-thing")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["status"] == 404
    assert error["code"] == "not_found"
    assert error["request_id"] == response.headers["x-request-id"]


def test_invalid_field_is_reported_by_location(client: TestClient) -> None:
    payload = {"sepal_length": -1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
    response = client.post("/predict", json=payload)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    locations = [detail["loc"] for detail in error["details"]]
    assert any(loc[-1] == "sepal_length" for loc in locations)


def test_malformed_json_is_a_422(client: TestClient) -> None:
    response = client.post(
        "/predict", content=b'{"sepal_length": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["type"] == "json_invalid"


def test_method_not_allowed_keeps_its_allow_header(client: TestClient) -> None:
    response = client.get("/predict")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"
