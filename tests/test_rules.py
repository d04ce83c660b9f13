"""Each selection rule fires for its requirement and nowhere else, and cites its source."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from scaffold.requirements import Requirements
from scaffold.rules import COSTS, RULES, SECTIONS

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"

# For every rule: one set of requirements that must fire it. Every other rule's
# trigger must then stay silent against the defaults-plus-this-change input,
# except for the rules listed as firing alongside.
TRIGGERS: dict[str, dict[str, object]] = {
    "api-product": {"kind": "api"},
    "model-service": {"kind": "ml-service"},
    "html-site": {"kind": "web"},
    "data-prototype": {"kind": "prototype"},
    "heavy-traffic": {"traffic": "high"},
    "moderate-traffic": {"traffic": "medium"},
    "concurrent-io": {"concurrency": True},
    "few-endpoints": {"endpoints": 5},
    "many-endpoints": {"endpoints": 20},
    "flask-team": {"team": "flask"},
    "fastapi-team": {"team": "fastapi"},
    "tight-deadline": {"deadline": "tight"},
    "newcomer": {"experience": "newcomer"},
    "interactive-docs": {"docs": True},
    "typed-validation": {"validation": True},
    "dependency-injection": {"di": True},
    "oauth2": {"auth": "oauth2"},
    "login-sessions": {"auth": "session"},
    "html-pages": {"html": True},
    "monitoring": {"monitoring": True},
}
# A neutral base on which no rule fires: kind and endpoints have no neutral
# value, so the base picks ones whose rules the test accounts for.
BASE = Requirements(kind="ml-service", endpoints=10)
BASE_FIRES = {"model-service"}


def fired(requirements: Requirements) -> set[str]:
    return {rule.name for rule in RULES if rule.applies(requirements)}


def test_every_rule_has_a_trigger_case() -> None:
    assert set(TRIGGERS) == {rule.name for rule in RULES}


def test_neutral_base_fires_only_the_kind_rule() -> None:
    assert fired(BASE) == BASE_FIRES


@pytest.mark.parametrize("rule_name", sorted(TRIGGERS))
def test_rule_fires_for_its_requirement_and_no_other_rule_does(rule_name: str) -> None:
    requirements = replace(BASE, **TRIGGERS[rule_name])  # type: ignore[arg-type]
    expected = {rule_name} | (BASE_FIRES if "kind" not in TRIGGERS[rule_name] else set())
    assert fired(requirements) == expected


def test_endpoint_thresholds_leave_a_neutral_band() -> None:
    assert "few-endpoints" in fired(replace(BASE, endpoints=5))
    assert fired(replace(BASE, endpoints=6)) == BASE_FIRES
    assert fired(replace(BASE, endpoints=19)) == BASE_FIRES
    assert "many-endpoints" in fired(replace(BASE, endpoints=20))


def test_rules_are_well_formed() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert rule.favors in ("flask", "fastapi")
        assert rule.weight >= 1 or rule.requires
        assert rule.why.endswith(".") and len(rule.why) > 40
        for section in rule.source.split("; "):
            assert section in SECTIONS, f"{rule.name} cites unknown section {section!r}"


def test_costs_cover_both_frameworks_and_cite_sections() -> None:
    assert {cost.framework for cost in COSTS} == {"flask", "fastapi"}
    for cost in COSTS:
        assert cost.source in SECTIONS


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


@pytest.mark.skipif(
    not SEED_DIR.is_dir(), reason="the founding document (../shared/seeds) is absent"
)
def test_sections_exist_in_the_founding_document_and_no_reason_copies_it() -> None:
    seed = " ".join(p.read_text(encoding="utf-8") for p in SEED_DIR.glob("*.txt"))
    for section in SECTIONS:
        assert section in seed, section
    seed_words = _words(seed)
    seed_runs = {tuple(seed_words[i : i + 7]) for i in range(len(seed_words) - 6)}
    texts = [rule.why for rule in RULES] + [c.weakness + " " + c.remedy for c in COSTS]
    for text in texts:
        words = _words(text)
        copied = [
            words[i : i + 7] for i in range(len(words) - 6) if tuple(words[i : i + 7]) in seed_runs
        ]
        assert not copied, f"{text!r} copies the founding document: {' '.join(copied[0])}"
