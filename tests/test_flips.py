"""What would change the pick: computed by the engine, minimal, and shown in both outputs."""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import combinations
from typing import Any

from hypothesis import given, settings
from test_engine import requirements_strategy
from typer.testing import CliRunner

from scaffold.cli import app
from scaffold.engine import recommend
from scaffold.flips import MAX_CHANGES, MAX_LISTED, alternatives, find_flips, pick
from scaffold.requirements import FIELDS, Requirements

runner = CliRunner()


def applied(requirements: Requirements, change: dict[str, Any]) -> Requirements:
    return replace(requirements, **change)


@settings(max_examples=150, deadline=None)
@given(requirements_strategy)
def test_every_listed_flip_changes_the_pick_and_no_part_of_it_does(
    requirements: Requirements,
) -> None:
    base = pick(requirements)
    flips = find_flips(requirements)
    assert len(flips) <= MAX_LISTED
    for flip in flips:
        assert 1 <= len(flip) <= MAX_CHANGES
        assert all(getattr(requirements, name) != value for name, value in flip.items())
        outcome = pick(applied(requirements, flip))
        assert outcome is not None and outcome != base, flip
        for size in range(1, len(flip)):
            for names in combinations(flip, size):
                part = {name: flip[name] for name in names}
                assert pick(applied(requirements, part)) in (base, None), (flip, part)


@settings(max_examples=100, deadline=None)
@given(requirements_strategy)
def test_when_fewer_than_five_are_listed_every_single_change_that_flips_is_among_them(
    requirements: Requirements,
) -> None:
    flips = find_flips(requirements)
    if len(flips) == MAX_LISTED:
        return
    base = pick(requirements)
    for field in FIELDS:
        for value in alternatives(field, requirements):
            outcome = pick(applied(requirements, {field.name: value}))
            if outcome is not None and outcome != base:
                assert {field.name: value} in flips


def test_flips_are_smallest_first() -> None:
    flips = find_flips(Requirements(kind="api", docs=True, concurrency=True))
    sizes = [len(flip) for flip in flips]
    assert sizes == sorted(sizes) and flips[0] == {"auth": "session"}


def test_whole_numbers_are_tried_at_the_values_where_rules_change() -> None:
    endpoints = next(field for field in FIELDS if field.name == "endpoints")
    assert alternatives(endpoints, Requirements(endpoints=3)) == (6, 20)
    assert alternatives(endpoints, Requirements(endpoints=12)) == (5, 20)


def test_recommend_prints_the_flips_and_json_carries_them() -> None:
    args = ["recommend", "--no-input", "--kind", "api", "--docs"]
    human = runner.invoke(app, args)
    assert human.exit_code == 0, human.output
    assert "What would give Flask instead (the smallest changes):" in human.stdout
    assert "  - auth=session" in human.stdout
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert data["flips"] == find_flips(Requirements(kind="api", docs=True))
    assert data["margin"] == 4 and data["decided_by"] == "score"
    for flip in data["flips"]:
        changed = applied(Requirements(kind="api", docs=True), flip)
        assert recommend(changed).framework == "flask"


def test_a_two_requirement_flip_reads_as_one_phrase() -> None:
    args = ["recommend", "--no-input", "--kind", "api", "--docs", "--concurrency"]
    assert {"kind": "web", "concurrency": False} in find_flips(
        Requirements(kind="api", docs=True, concurrency=True)
    )
    result = runner.invoke(app, args)
    assert "  - kind=web and no concurrency" in result.stdout
