from __future__ import annotations

from fastapi.testclient import TestClient

from ...conftest import BODY_PATH


def test_swagger_ui_is_served_from_local_assets(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert 'src="/static/docs/swagger-ui-bundle.js"' in response.text
    assert 'data-openapi-url="/openapi.json"' in response.text
    assert "http" not in response.text.split("<body>")[1]  # nothing fetched from elsewhere
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_swagger_ui_starts_from_a_script_file(client: TestClient) -> None:
    response = client.get("/docs/init.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "SwaggerUIBundle(" in response.text


def test_redoc_is_served_from_local_assets(client: TestClient) -> None:
    response = client.get("/redoc")
    assert response.status_code == 200
    assert 'src="/redoc/redoc.standalone.js"' in response.text


def test_redoc_bundle_asks_no_cdn_for_its_badge(client: TestClient) -> None:
    response = client.get("/redoc/redoc.standalone.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "cdn.redoc.ly" not in response.text
    assert "data:image/svg+xml" in response.text


def test_doc_assets_are_present(client: TestClient) -> None:
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        response = client.get(f"/static/docs/{name}")
        assert response.status_code == 200, name
        assert len(response.content) > 10_000, name


def test_openapi_documents_the_error_shape(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "ErrorResponse" in schema["components"]["schemas"]
    assert "4XX" in schema["paths"][BODY_PATH]["post"]["responses"]


def test_swagger_ui_keeps_no_token_in_local_storage(client: TestClient) -> None:
    """persistAuthorization would keep an access token in the browser's localStorage."""
    assert "persistAuthorization: false" in client.get("/docs/init.js").text


def test_docs_pages_cannot_be_framed(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
