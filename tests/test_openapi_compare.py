"""The OpenAPI comparison the contract tests rely on sees what matters and nothing else."""

from __future__ import annotations

import copy
from typing import Any

from openapi_compare import differences, spec_errors


def _document(ref: bool = True) -> dict[str, Any]:
    thing = {
        "title": "Thing",
        "type": "object",
        "properties": {"name": {"title": "Name", "type": "string", "examples": ["a"]}},
        "required": ["name"],
    }
    schema = {"$ref": "#/components/schemas/Thing"} if ref else thing
    return {
        "openapi": "3.1.0",
        "info": {"title": "x", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "create_thing",
                    "description": "Make one.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": schema}},
                    },
                    "responses": {
                        "201": {
                            "description": "Made",
                            "content": {"application/json": {"schema": schema}},
                        }
                    },
                }
            }
        },
        "components": {"schemas": {"Thing": thing}},
    }


def test_refs_titles_descriptions_and_examples_do_not_count() -> None:
    plain = _document(ref=False)
    plain["paths"]["/things"]["post"]["description"] = "Something else."
    plain["components"]["schemas"]["Thing"]["properties"]["name"]["title"] = "Other"
    assert differences(_document(), plain) == []
    assert spec_errors(_document()) == []


def test_status_codes_operation_ids_and_shapes_count() -> None:
    changed = copy.deepcopy(_document())
    post = changed["paths"]["/things"]["post"]
    post["responses"]["200"] = post["responses"].pop("201")
    post["operationId"] = "create_things_post"
    changed["components"]["schemas"]["Thing"]["properties"]["name"]["type"] = "integer"
    found = "\n".join(differences(_document(), changed))
    assert "responses 201: only in a" in found
    assert "responses 200: only in b" in found
    assert 'operationId: a "create_thing" != b "create_things_post"' in found
    assert "properties name type" in found


def test_an_operation_missing_from_one_document_counts() -> None:
    fewer = copy.deepcopy(_document())
    fewer["paths"]["/things"]["get"] = {"operationId": "list_things", "responses": {}}
    assert differences(_document(), fewer) == ["only in b: GET /things"]


def test_a_document_that_breaks_the_specification_is_reported() -> None:
    broken = _document()
    broken["components"]["securitySchemes"] = None
    assert any("securitySchemes" in error for error in spec_errors(broken))
