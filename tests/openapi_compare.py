"""Compare two OpenAPI documents by the operations they describe.

Each operation (path and method) is reduced to what a client depends on: its
operationId, its parameters, its request body and its responses per status code,
each schema with ``$ref``s resolved and titles, descriptions and examples dropped.
Two frameworks that meet the same contract reduce to the same summary.
"""

from __future__ import annotations

import json
from typing import Any

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: Keys that describe a schema for people, not its shape.
IGNORED_KEYS = frozenset({"title", "description", "examples", "example", "summary"})

#: Lists whose order carries no meaning.
UNORDERED_LISTS = frozenset({"required", "enum", "anyOf", "oneOf", "type"})


def resolve(document: dict[str, Any], node: Any, seen: tuple[str, ...] = ()) -> Any:
    """``node`` with every local ``$ref`` replaced by what it points to (cycles cut)."""
    if isinstance(node, list):
        return [resolve(document, item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            return {"$cycle": ref.rsplit("/", 1)[-1]}
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        return resolve(document, {**target, **siblings}, (*seen, ref))
    return {key: resolve(document, value, seen) for key, value in node.items()}


def normalize(node: Any, key: str = "") -> Any:
    """Drop what is for people; sort what is unordered; ``anyOf`` of one is that one."""
    if isinstance(node, dict):
        cleaned = {
            name: normalize(value, name)
            for name, value in node.items()
            if name not in IGNORED_KEYS and not name.startswith("x-")
        }
        if key != "properties":
            for single in ("anyOf", "oneOf", "allOf"):
                if isinstance(cleaned.get(single), list) and len(cleaned[single]) == 1:
                    inner = cleaned.pop(single)[0]
                    cleaned = {**inner, **cleaned}
        return cleaned
    if isinstance(node, list):
        items = [normalize(item) for item in node]
        if key in UNORDERED_LISTS:
            items.sort(key=lambda item: json.dumps(item, sort_keys=True))
        return items
    return node


def _schema(document: dict[str, Any], schema: Any) -> Any:
    return normalize(resolve(document, schema or {}))


def _content(document: dict[str, Any], content: dict[str, Any] | None) -> dict[str, Any]:
    return {
        media: _schema(document, (body or {}).get("schema"))
        for media, body in (content or {}).items()
    }


def operation_summary(
    document: dict[str, Any], path_item: dict[str, Any], operation: dict[str, Any]
) -> dict[str, Any]:
    """What a client of one operation depends on."""
    parameters = {}
    for raw in [*path_item.get("parameters", []), *operation.get("parameters", [])]:
        parameter = resolve(document, raw)
        parameters[f"{parameter['in']}:{parameter['name']}"] = {
            "required": bool(parameter.get("required", False)),
            "schema": _schema(document, parameter.get("schema")),
        }
    body = resolve(document, operation.get("requestBody")) or {}
    responses = {
        str(status): _content(document, resolve(document, answer).get("content"))
        for status, answer in operation.get("responses", {}).items()
    }
    security = operation.get("security", document.get("security", []))
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    return {
        "operationId": operation.get("operationId"),
        "parameters": parameters,
        "requestBody": {
            "required": bool(body.get("required", False)),
            "content": _content(document, body.get("content")),
        }
        if body
        else None,
        "responses": responses,
        "security": sorted(
            {schemes.get(name, {}).get("type", name) for item in security for name in item}
        ),
    }


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every operation of ``document`` as ``"METHOD /path"`` and its summary."""
    found = {}
    for path, path_item in document.get("paths", {}).items():
        for method in METHODS:
            if method in path_item:
                found[f"{method.upper()} {path}"] = operation_summary(
                    document, path_item, path_item[method]
                )
    return found


def spec_errors(document: dict[str, Any]) -> list[str]:
    """Where ``document`` breaks the OpenAPI 3.0 or 3.1 specification's own JSON Schema.

    The meta-schemas are the ones schemathesis validates with before it fuzzes.
    """
    import jsonschema_rs  # noqa: PLC0415
    from schemathesis.specs.openapi import definitions  # noqa: PLC0415

    version = str(document.get("openapi", ""))
    validator: jsonschema_rs.Draft4Validator | jsonschema_rs.Draft202012Validator
    if version.startswith("3.0"):
        validator = jsonschema_rs.Draft4Validator(definitions.OPENAPI_30)
    else:
        validator = jsonschema_rs.Draft202012Validator(definitions.OPENAPI_31)
    return [
        f"{list(error.instance_path)}: {error.message}" for error in validator.iter_errors(document)
    ]


def differences(
    first: dict[str, Any], second: dict[str, Any], names: tuple[str, str] = ("a", "b")
) -> list[str]:
    """Where two documents describe their operations differently, one line each."""
    ours, theirs = operations(first), operations(second)
    found = [f"only in {names[0]}: {key}" for key in sorted(set(ours) - set(theirs))]
    found += [f"only in {names[1]}: {key}" for key in sorted(set(theirs) - set(ours))]
    for key in sorted(set(ours) & set(theirs)):
        found += _diff(ours[key], theirs[key], key, names)
    return found


def _diff(a: Any, b: Any, where: str, names: tuple[str, str]) -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        lines = []
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                side = names[0] if key in a else names[1]
                value = a.get(key, b.get(key))
                lines.append(f"{where} {key}: only in {side}: {_short(value)}")
            else:
                lines += _diff(a[key], b[key], f"{where} {key}", names)
        return lines
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            line
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for line in _diff(x, y, f"{where}[{i}]", names)
        ]
    if a != b:
        return [f"{where}: {names[0]} {_short(a)} != {names[1]} {_short(b)}"]
    return []


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 300 else text[:300] + "..."
