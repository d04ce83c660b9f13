from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from ..conftest import BODY_PATH, INVALID_BODY, INVALID_FIELD, VALID_BODY


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


def test_invalid_field_details_carry_a_message(client: TestClient) -> None:
    response = client.post(BODY_PATH, json=INVALID_BODY)
    (detail,) = response.json()["error"]["details"]
    assert (detail["loc"][0], detail["loc"][-1]) == ("body", INVALID_FIELD)
    assert detail["msg"]
    assert detail["type"]


def test_malformed_json_is_a_400(client: TestClient) -> None:
    response = client.post(
        BODY_PATH, content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_json"
    assert error["details"][0]["type"] == "json_invalid"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_json_sent_as_another_media_type_is_a_415(client: TestClient, content_type: str) -> None:
    response = client.post(
        BODY_PATH, content=json.dumps(VALID_BODY), headers={"content-type": content_type}
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_json_with_a_charset_or_a_json_suffix_is_accepted(client: TestClient) -> None:
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = client.post(
            BODY_PATH, content=json.dumps(VALID_BODY), headers={"content-type": content_type}
        )
        assert response.status_code in {200, 201}, content_type


def test_method_not_allowed_keeps_its_allow_header(client: TestClient) -> None:
    response = client.delete(BODY_PATH)
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]
    assert response.json()["error"]["code"] == "method_not_allowed"
