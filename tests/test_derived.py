"""Computed answers follow the answers they come from, unless the user wrote their own."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import REPO_ROOT

from scaffold.answers import Question, read_questions
from scaffold.derived import followed_defaults


@pytest.fixture(scope="module")
def questions() -> dict[str, Question]:
    found = read_questions(str(REPO_ROOT), None, remote=False)
    assert found is not None
    return found


def recorded(**answers: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "_commit": "v0.1.0",
        "project_name": "Demo Service",
        "package_name": "demo_service",
        "framework": "fastapi",
        "ml": "scikit-learn",
        "description": "A machine-learning web service built with FastAPI",
    }
    return {**base, **answers}


def test_a_description_left_to_the_template_follows_ml(questions: dict[str, Question]) -> None:
    followed = followed_defaults(questions, recorded(), {"ml": "none"})
    assert followed == {"description": "A data web service built with FastAPI"}
    back = recorded(ml="none", **followed)
    assert followed_defaults(questions, back, {"ml": "scikit-learn"}) == {
        "description": recorded()["description"]
    }


def test_a_description_of_ones_own_stays(questions: dict[str, Question]) -> None:
    own = recorded(description="Predicts the weather")
    assert followed_defaults(questions, own, {"ml": "none"}) == {}


def test_a_changed_description_is_not_overridden(questions: dict[str, Question]) -> None:
    wanted = {"ml": "none", "description": "Our words"}
    assert followed_defaults(questions, recorded(), wanted) == {}


def test_the_package_is_not_renamed_with_the_project(questions: dict[str, Question]) -> None:
    assert followed_defaults(questions, recorded(), {"project_name": "Other Name"}) == {}


def test_an_option_no_default_depends_on_changes_nothing_else(
    questions: dict[str, Question],
) -> None:
    assert followed_defaults(questions, recorded(), {"database": "sqlite"}) == {}
