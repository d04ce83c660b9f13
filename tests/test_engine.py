"""The engine: scores, the tie-break, hard constraints, determinism and monotonicity."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffold.engine import TIE_BREAK, recommend
from scaffold.requirements import Requirements
from scaffold.rules import RULES


def test_scores_add_up_the_weights_of_fired_rules() -> None:
    result = recommend(Requirements(kind="api", traffic="high", docs=True, endpoints=3))
    assert result.scores == {"fastapi": 3 + 3 + 2, "flask": 1}
    assert result.framework == "fastapi"
    assert result.decided_by == "score"


@pytest.mark.parametrize(
    ("requirements", "expected"),
    [
        # The founding document's own cases, one per line of its conclusion.
        (Requirements(kind="api", traffic="high", concurrency=True), "fastapi"),
        (Requirements(kind="ml-service", endpoints=40, monitoring=True), "fastapi"),
        (Requirements(kind="prototype", endpoints=3), "flask"),
        (Requirements(kind="web", html=True), "flask"),
        (Requirements(kind="api", team="flask", endpoints=4), "flask"),
        (Requirements(kind="api", deadline="tight", experience="newcomer", endpoints=3), "flask"),
        (Requirements(kind="api", docs=True, validation=True, di=True), "fastapi"),
    ],
)
def test_founding_document_cases(requirements: Requirements, expected: str) -> None:
    assert recommend(requirements).framework == expected


def test_equal_scores_go_to_the_documented_tie_break() -> None:
    # ml-service (+2 FastAPI) against a tight deadline (+2 Flask), endpoints neutral.
    result = recommend(Requirements(kind="ml-service", deadline="tight", endpoints=10))
    assert result.scores["flask"] == result.scores["fastapi"] == 2
    assert result.framework == TIE_BREAK == "flask"
    assert result.decided_by == "tie"


def test_session_login_requires_flask_whatever_the_scores() -> None:
    result = recommend(Requirements(kind="api", traffic="high", concurrency=True, auth="session"))
    assert result.scores["fastapi"] > result.scores["flask"]
    assert result.framework == "flask"
    assert result.decided_by == "requirement"


def test_reasons_against_a_framework_are_strongest_first() -> None:
    result = recommend(Requirements(kind="api", traffic="medium", docs=True))
    against_flask = result.reasons_against("flask")
    assert [rule.name for rule in against_flask] == [
        "api-product",
        "interactive-docs",
        "moderate-traffic",
    ]


def test_json_form_lists_every_fired_rule_with_its_source() -> None:
    result = recommend(Requirements(kind="web", html=True))
    data = json.loads(json.dumps(result.to_json()))
    assert data["framework"] == "flask"
    assert data["scores"] == {"flask": 7, "fastapi": 0}
    assert {r["rule"] for r in data["reasons"]} == {"html-site", "few-endpoints", "html-pages"}
    for reason in data["reasons"]:
        assert set(reason) >= {"rule", "favors", "weight", "why", "source"}


# --- properties over generated requirements ------------------------------------------

requirements_strategy = st.builds(
    Requirements,
    kind=st.sampled_from(["api", "web", "ml-service", "prototype"]),
    traffic=st.sampled_from(["low", "medium", "high"]),
    concurrency=st.booleans(),
    endpoints=st.integers(min_value=1, max_value=60),
    team=st.sampled_from(["none", "flask", "fastapi"]),
    deadline=st.sampled_from(["tight", "normal"]),
    experience=st.sampled_from(["newcomer", "experienced"]),
    docs=st.booleans(),
    validation=st.booleans(),
    di=st.booleans(),
    auth=st.sampled_from(["none", "oauth2", "session"]),
    html=st.booleans(),
    monitoring=st.booleans(),
)

# Each signal's values ordered from most Flask-leaning to most FastAPI-leaning, as
# the table of signals describes them (not derived from the rule weights).
TOWARD_FASTAPI: dict[str, list[list[Any]]] = {
    "kind": [["web", "prototype"], ["ml-service"], ["api"]],
    "traffic": [["low"], ["medium"], ["high"]],
    "concurrency": [[False], [True]],
    "team": [["flask"], ["none"], ["fastapi"]],
    "deadline": [["tight"], ["normal"]],
    "experience": [["newcomer"], ["experienced"]],
    "docs": [[False], [True]],
    "validation": [[False], [True]],
    "di": [[False], [True]],
    "auth": [["session"], ["none"], ["oauth2"]],
    "html": [[True], [False]],
    "monitoring": [[False], [True]],
}


def _rank(field: str, value: Any) -> int:
    if field == "endpoints":
        return int(value)
    return next(i for i, group in enumerate(TOWARD_FASTAPI[field]) if value in group)


def _values(field: str) -> list[Any]:
    if field == "endpoints":
        return list(range(1, 61))
    return [value for group in TOWARD_FASTAPI[field] for value in group]


@settings(max_examples=400, deadline=None)
@given(requirements_strategy, st.sampled_from([*TOWARD_FASTAPI, "endpoints"]), st.data())
def test_strengthening_a_signal_never_moves_the_pick_away(
    base: Requirements, field: str, data: st.DataObject
) -> None:
    current = getattr(base, field)
    other = data.draw(st.sampled_from(_values(field)))
    changed = replace(base, **{field: other})
    before, after = recommend(base).framework, recommend(changed).framework
    if _rank(field, other) > _rank(field, current):  # toward FastAPI
        assert not (before == "fastapi" and after == "flask")
    elif _rank(field, other) < _rank(field, current):  # toward Flask
        assert not (before == "flask" and after == "fastapi")


@settings(max_examples=200, deadline=None)
@given(requirements_strategy)
def test_engine_is_deterministic_and_scores_match_fired_rules(requirements: Requirements) -> None:
    first, second = recommend(requirements), recommend(requirements)
    assert first == second
    for framework in ("flask", "fastapi"):
        expected = sum(r.weight for r in first.fired if r.favors == framework)
        assert first.scores[framework] == expected
    assert {r.name for r in first.fired} == {r.name for r in RULES if r.applies(requirements)}
