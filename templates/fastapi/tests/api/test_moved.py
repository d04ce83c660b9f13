from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ..conftest import BODY_PATH, VALID_BODY

OLD_PATH = BODY_PATH.removeprefix("/api/v1")


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_0_1_0_paths_redirect_permanently_keeping_the_method(
    client: TestClient, method: str
) -> None:
    response = client.request(method, OLD_PATH, params={"a": "1"}, follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == f"{BODY_PATH}?a=1"
    assert response.headers["x-request-id"]


def test_a_redirected_post_keeps_its_body(client: TestClient) -> None:
    response = client.post(OLD_PATH, json=VALID_BODY)
    assert response.status_code in {200, 201}
    assert response.url.path == BODY_PATH


def test_redirects_keep_the_root_path(app: FastAPI) -> None:
    client = TestClient(app, root_path="/prefix")
    response = client.get(OLD_PATH, follow_redirects=False)
    assert response.headers["location"] == f"/prefix{BODY_PATH}"


def test_moved_paths_are_not_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert OLD_PATH not in paths
    assert BODY_PATH in paths
