from __future__ import annotations

from fastapi.testclient import TestClient


def test_model_card_describes_the_served_model(client: TestClient) -> None:
    response = client.get("/model")
    assert response.status_code == 200
    card = response.json()
    assert card["features"] == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    assert card["labels"] == ["setosa", "versicolor", "virginica"]
    assert 0 < card["metrics"]["accuracy"] <= 1
    assert card["version"]
    assert card["trained_at"]
