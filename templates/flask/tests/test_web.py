"""The HTML pages."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from .helpers import IRIS_SETOSA, form_data


def test_form_page(client: FlaskClient) -> None:
    """GET / shows the form with the four fields and a CSRF token."""
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for field in IRIS_SETOSA:
        assert f'name="{field}"' in page
    assert 'name="csrf_token"' in page


def test_submit_shows_prediction(client: FlaskClient) -> None:
    """POST / with valid values renders the predicted label."""
    response = client.post("/", data=form_data(client, IRIS_SETOSA))
    assert response.status_code == 200
    assert 'id="prediction">setosa<' in response.get_data(as_text=True)


def test_submit_without_csrf_token_is_refused(client: FlaskClient) -> None:
    """A form post without the CSRF token gets the friendly 400 page."""
    response = client.post("/", data={k: str(v) for k, v in IRIS_SETOSA.items()})
    assert response.status_code == 400
    assert "could not be handled" in response.get_data(as_text=True)


def test_submit_invalid_shows_errors(client: FlaskClient) -> None:
    """Bad values re-render the form with a message next to the field."""
    data = form_data(client, IRIS_SETOSA) | {"sepal_width": "abc"}
    response = client.post("/", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="sepal_width-error"' in page
    assert 'value="abc"' in page


def test_model_card(client: FlaskClient) -> None:
    """GET /model shows the model's version, inputs and metrics."""
    response = client.get("/model")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="model-version"' in page
    assert "petal_width" in page
    assert "accuracy" in page


def test_missing_page_is_friendly(client: FlaskClient) -> None:
    """Unknown pages render the HTML error page."""
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "There is no page at this address." in response.get_data(as_text=True)


def test_unexpected_error_hides_details(app: Flask) -> None:
    """A crash answers 500 without the exception text, as a page or as JSON."""

    def crash() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", "boom", crash)
    app.add_url_rule("/api/boom", "api_boom", crash)
    client = app.test_client()
    page = client.get("/boom")
    assert page.status_code == 500
    assert "secret internals" not in page.get_data(as_text=True)
    api = client.get("/api/boom")
    assert api.status_code == 500
    assert api.get_json()["error"]["code"] == "internal_server_error"
