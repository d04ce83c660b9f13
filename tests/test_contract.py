"""Both frameworks meet the same HTTP contract, on real production servers.

The contract is ``templates/common/docs/api.md.jinja`` (each project's
``docs/api.md``). For each case below, the FastAPI and the Flask project are
rendered with the same options, installed once per run (the ``projects`` cache in
conftest.py) and started with ``python -m <package>`` in production mode on
127.0.0.1. Every test then runs the same requests and the same assertions against
both: the tests are parametrized over the framework and never branch on it. What
differs between the frameworks is only data: the v0.1.0 paths that now redirect.

Bodies are judged against the Pydantic models of the project's own
``schemas.py`` (rendered from ``templates/common/``): they must validate in strict
mode and carry exactly the model's fields. The two OpenAPI documents must
describe the same operations (see openapi_compare.py).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from types import ModuleType
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from conftest import PROJECT_NAME, Projects
from openapi_compare import differences, operations, spec_errors
from served import API, IRIS, USER, VIRGINICA, Running, in_production, raw_request

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("contract")]

FRAMEWORKS = ["fastapi", "flask"]
CASES: dict[str, dict[str, Any]] = {
    "default": {},
    "oauth2": {"auth": "oauth2"},
    "ml-none": {"ml": "none"},
}
ML_CASES = ["default", "oauth2"]

# Operations of the contract per case: "METHOD path" -> operationId.
PROBES = {"GET /health": "get_health", "GET /health/ready": "get_readiness"}
INFO = {f"GET {API}/info": "get_info"}
ML_OPERATIONS = {f"POST {API}/predict": "predict", f"GET {API}/model": "get_model_card"}
ITEM_OPERATIONS = {
    f"GET {API}/items": "list_items",
    f"POST {API}/items": "create_item",
    f"GET {API}/items/{{item_id}}": "get_item",
}
OAUTH2_OPERATIONS = {f"POST {API}/token": "create_token", f"GET {API}/users/me": "get_current_user"}
OPERATIONS = {
    "default": PROBES | INFO | ML_OPERATIONS,
    "oauth2": PROBES | INFO | ML_OPERATIONS | OAUTH2_OPERATIONS,
    "ml-none": PROBES | INFO | ITEM_OPERATIONS,
}

# A JSON endpoint of each case and a valid body for it.
JSON_ENDPOINT: dict[str, tuple[str, dict[str, Any]]] = {
    "default": (f"{API}/predict", IRIS),
    "oauth2": (f"{API}/predict", IRIS),
    "ml-none": (f"{API}/items", {"name": "Widget", "description": "A small part"}),
}

# Bodies a case must refuse with 422, and a location each refusal must name.
INVALID_BODIES: dict[str, list[tuple[Any, list[str | int]]]] = {
    "ml": [
        ({**IRIS, "sepal_length": -1}, ["body", "sepal_length"]),
        ({**IRIS, "sepal_length": "5.1"}, ["body", "sepal_length"]),
        ({**IRIS, "sepal_width": True}, ["body", "sepal_width"]),
        ({k: v for k, v in IRIS.items() if k != "petal_width"}, ["body", "petal_width"]),
        ({**IRIS, "colour": "blue"}, ["body", "colour"]),
        (
            {"instances": [IRIS, {**IRIS, "petal_length": 0}]},
            ["body", "instances", 1, "petal_length"],
        ),
        ({"instances": []}, ["body", "instances"]),
    ],
    "items": [
        ({"name": ""}, ["body", "name"]),
        ({"name": "x" * 101}, ["body", "name"]),
        ({}, ["body", "name"]),
        ({"name": "Widget", "colour": "blue"}, ["body", "colour"]),
        ({"name": "Widget", "description": "x" * 1001}, ["body", "description"]),
    ],
}

# The v0.1.0 API paths, the method to try them with, and their new home (data, not logic).
MOVED: dict[str, dict[str, list[tuple[str, str, str]]]] = {
    "fastapi": {
        "default": [("POST", "/predict", "/predict"), ("GET", "/model", "/model")],
        "oauth2": [
            ("POST", "/predict", "/predict"),
            ("GET", "/model", "/model"),
            ("POST", "/token", "/token"),
            ("GET", "/users/me", "/users/me"),
        ],
        "ml-none": [
            ("GET", "/items", "/items"),
            ("POST", "/items", "/items"),
            ("GET", "/items/1", "/items/1"),
        ],
    },
    "flask": {
        "default": [
            ("POST", "/api/predict", "/predict"),
            ("GET", "/api/model", "/model"),
            ("GET", "/api/info", "/info"),
        ],
        "oauth2": [
            ("POST", "/api/predict", "/predict"),
            ("GET", "/api/model", "/model"),
            ("GET", "/api/info", "/info"),
            ("POST", "/api/token", "/token"),
        ],
        "ml-none": [("GET", "/api/info", "/info")],
    },
}
MOVED_PREDICT = {"fastapi": "/predict", "flask": "/api/predict"}

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
MAX_BODY_BYTES = 1_048_576


# --- servers ------------------------------------------------------------------------------


class Servers:
    """Each (case, framework) project served once for the whole module.

    A project that fails to install or start fails every test that needs it with
    the same error, without trying again.
    """

    def __init__(self, projects: Projects, stack: ExitStack) -> None:
        self.projects = projects
        self.stack = stack
        self.running: dict[tuple[str, str], Running] = {}
        self.failed: dict[tuple[str, str], str] = {}

    def get(self, case: str, framework: str) -> Running:
        key = (case, framework)
        if key in self.failed:
            pytest.fail(self.failed[key], pytrace=False)
        if key not in self.running:
            try:
                installed = self.projects.get(framework, **CASES[case])
                self.running[key] = self.stack.enter_context(in_production(installed))
            except Exception as error:
                self.failed[key] = f"{framework} ({case}) did not start: {error}"[:6000]
                raise
        return self.running[key]


@pytest.fixture(scope="module")
def servers(projects: Projects) -> Iterator[Servers]:
    with ExitStack() as stack:
        yield Servers(projects, stack)


_SCHEMAS: dict[str, ModuleType] = {}


def schemas_of(app: Running) -> ModuleType:
    """The project's own ``<package>/schemas.py``, imported into the test process."""
    path = app.installed.project / "src" / app.installed.package / "schemas.py"
    key = str(path)
    if key not in _SCHEMAS:
        name = f"contract_schemas_{len(_SCHEMAS)}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        _SCHEMAS[key] = module
    return _SCHEMAS[key]


# --- requests and judgements --------------------------------------------------------------


Answer = tuple[int, dict[str, str], bytes]


def call(
    app: Running,
    method: str,
    path: str,
    body: Any = None,
    *,
    headers: Mapping[str, str] | None = None,
    auth: bool = True,
    raw: bytes | None = None,
    content_type: str = "application/json",
    early_answer: bool = False,
) -> Answer:
    """One request, redirects not followed; a JSON ``body`` or ``raw`` bytes."""
    sent = {"Accept": "application/json", **(app.auth_headers if auth else {})}
    payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    if raw is not None or body is not None:
        sent["Content-Type"] = content_type
    sent.update(headers or {})
    return raw_request(app.base + path, method, payload, sent, early_answer=early_answer)


def where(app: Running, method: str, path: str) -> str:
    return f"{app.framework} {method} {path}"


def assert_shape(app: Running, model: str, body: bytes | Any) -> Any:
    """``body`` validates strictly against the schema ``model`` and has exactly its fields."""
    cls = getattr(schemas_of(app), model)
    data = json.loads(body) if isinstance(body, bytes) else body
    cls.model_validate_json(json.dumps(data), strict=True)
    assert isinstance(data, dict), data
    assert set(data) == set(cls.model_fields), f"{model}: {sorted(data)} != fields"
    return data


def assert_error(app: Running, answer: Answer, status: int, code: str) -> dict[str, Any]:
    """The contract's error body, with the status, the code and the request id."""
    got, headers, body = answer
    assert got == status, f"{app.framework}: {got} != {status}: {body[:400]!r}"
    assert "json" in headers.get("content-type", ""), headers
    data = json.loads(body)
    assert set(data) == {"error"}, data
    error: dict[str, Any] = assert_shape(app, "ErrorInfo", data["error"])
    assert_shape(app, "ErrorResponse", data)
    assert error["status"] == status and error["code"] == code, error
    assert error["message"], error
    assert error["request_id"] == headers.get("x-request-id"), (error, headers)
    for detail in error["details"]:
        assert set(detail) == {"loc", "msg", "type"}, detail
    return error


def assert_ok(app: Running, answer: Answer, status: int = 200) -> bytes:
    got, headers, body = answer
    assert got == status, f"{app.framework}: {got} != {status}: {body[:400]!r}"
    assert REQUEST_ID.fullmatch(headers.get("x-request-id", "")), headers
    return body


both = pytest.mark.parametrize("framework", FRAMEWORKS)
every_case = pytest.mark.parametrize("case", list(CASES))
ml_cases = pytest.mark.parametrize("case", ML_CASES)


@pytest.fixture
def app(servers: Servers, case: str, framework: str) -> Running:
    return servers.get(case, framework)


# --- paths and bodies ---------------------------------------------------------------------


@every_case
@both
def test_probes_answer_their_bodies(app: Running, case: str) -> None:
    assert_shape(app, "Health", assert_ok(app, call(app, "GET", "/health")))
    ready = assert_shape(app, "Readiness", assert_ok(app, call(app, "GET", "/health/ready")))
    # Only the process's own state: a shared database or Redis never takes replicas out.
    own = {"model"} if CASES[case].get("ml") != "none" else set()
    assert set(ready["checks"]) == own, ready


@every_case
@both
def test_info_names_the_service(app: Running) -> None:
    info = assert_shape(app, "Info", assert_ok(app, call(app, "GET", f"{API}/info", auth=False)))
    assert info["name"] == PROJECT_NAME and info["version"], info


@every_case
@both
def test_openapi_lists_the_contract_operations(app: Running, case: str) -> None:
    document = json.loads(assert_ok(app, call(app, "GET", "/openapi.json")))
    assert document["openapi"].startswith("3."), document["openapi"]
    assert not spec_errors(document), spec_errors(document)
    found = {key: summary["operationId"] for key, summary in operations(document).items()}
    assert found == OPERATIONS[case]
    for _, old, _ in MOVED[app.framework][case]:
        assert old not in document["paths"], f"moved path {old} is in the OpenAPI document"
    status, headers, page = call(app, "GET", "/docs", headers={"Accept": "text/html"})
    assert status == 200 and headers.get("content-type", "").startswith("text/html"), status
    assert b"swagger" in page.lower(), page[:300]


@ml_cases
@both
def test_predict_answers_one_flower_and_a_batch(app: Running) -> None:
    card = assert_shape(app, "ModelCard", assert_ok(app, call(app, "GET", f"{API}/model")))
    one = assert_shape(app, "Prediction", assert_ok(app, call(app, "POST", f"{API}/predict", IRIS)))
    assert one["label"] == "setosa", one
    assert set(one["probabilities"]) == set(card["classes"]), (one, card)
    assert abs(sum(one["probabilities"].values()) - 1) < 1e-6, one
    probabilities = one["probabilities"]
    assert one["probability"] == max(probabilities.values()) == probabilities["setosa"], one
    assert one["model_version"] == card["version"], (one, card)

    batch_body = {"instances": [IRIS, VIRGINICA]}
    answer = assert_ok(app, call(app, "POST", f"{API}/predict", batch_body))
    batch = assert_shape(app, "BatchPrediction", answer)
    for prediction in batch["predictions"]:
        assert_shape(app, "Prediction", prediction)
    assert [p["label"] for p in batch["predictions"]] == ["setosa", "virginica"], batch
    assert batch["model_version"] == card["version"], batch


@ml_cases
@both
def test_model_card_describes_the_served_model(app: Running) -> None:
    card = assert_shape(app, "ModelCard", assert_ok(app, call(app, "GET", f"{API}/model")))
    assert card["features"] == list(IRIS), card
    assert card["classes"] == ["setosa", "versicolor", "virginica"], card
    assert re.fullmatch(r"[0-9a-f]{64}", card["sha256"]), card
    assert "scikit-learn" in card["library_versions"], card
    assert card["metrics"] and all(0 <= value <= 1 for value in card["metrics"].values()), card


@pytest.mark.parametrize("case", ["ml-none"])
@both
def test_items_are_created_listed_and_fetched(app: Running) -> None:
    sent = {"name": "Widget", "description": "A small part"}
    created = assert_shape(
        app, "Item", assert_ok(app, call(app, "POST", f"{API}/items", sent), status=201)
    )
    assert {key: created[key] for key in sent} == sent and created["id"] >= 1, created
    assert re.search(r"(Z|[+-]\d\d:\d\d)$", created["created_at"]), created  # has a zone
    listed = json.loads(assert_ok(app, call(app, "GET", f"{API}/items?offset=0&limit=100")))
    assert isinstance(listed, list) and created in listed, listed
    for item in listed:
        assert_shape(app, "Item", item)
    fetched = assert_ok(app, call(app, "GET", f"{API}/items/{created['id']}"))
    assert json.loads(fetched) == created

    assert_error(app, call(app, "GET", f"{API}/items/2147483647"), 404, "not_found")
    for bad_id in ("0", "abc", "2147483648"):
        answer = call(app, "GET", f"{API}/items/{bad_id}")
        error = assert_error(app, answer, 422, "validation_error")
        assert ["path", "item_id"] in [d["loc"] for d in error["details"]], error
    for query in ("limit=0", "limit=101", "offset=-1"):
        answer = call(app, "GET", f"{API}/items?{query}")
        error = assert_error(app, answer, 422, "validation_error")
        assert ["query", query.split("=")[0]] in [d["loc"] for d in error["details"]], error


# --- errors -------------------------------------------------------------------------------


@every_case
@both
def test_malformed_json_is_a_400(app: Running, case: str) -> None:
    path, _ = JSON_ENDPOINT[case]
    error = assert_error(app, call(app, "POST", path, raw=b'{"name": '), 400, "invalid_json")
    assert isinstance(error["details"], list)


@every_case
@both
def test_invalid_fields_are_a_422_located_in_the_body(app: Running, case: str) -> None:
    path, _ = JSON_ENDPOINT[case]
    for body, loc in INVALID_BODIES["items" if case == "ml-none" else "ml"]:
        error = assert_error(app, call(app, "POST", path, body), 422, "validation_error")
        locations = [detail["loc"] for detail in error["details"]]
        assert loc in locations, f"{where(app, 'POST', path)} {body}: {loc} not in {locations}"
    for not_an_object in ([IRIS], "flower", 5):
        assert_error(app, call(app, "POST", path, not_an_object), 422, "validation_error")


@every_case
@both
def test_unknown_path_is_a_404(app: Running) -> None:
    assert_error(app, call(app, "GET", f"{API}/no-such-thing"), 404, "not_found")
    assert_error(app, call(app, "POST", f"{API}/no-such-thing", {}), 404, "not_found")
    assert_error(app, call(app, "GET", "/no-such-thing"), 404, "not_found")


@every_case
@both
def test_wrong_method_is_a_405_naming_the_allowed_ones(app: Running, case: str) -> None:
    for method, path in (("DELETE", f"{API}/info"), ("PUT", "/health"), *_wrong_for(case)):
        answer = call(app, method, path, {} if method in {"PUT", "PATCH"} else None)
        assert_error(app, answer, 405, "method_not_allowed")
        allowed = {part.strip() for part in answer[1].get("allow", "").split(",")}
        assert allowed & {"GET", "POST"}, f"{where(app, method, path)}: Allow {allowed}"


def _wrong_for(case: str) -> list[tuple[str, str]]:
    if case == "ml-none":
        return [("DELETE", f"{API}/items"), ("PATCH", f"{API}/items")]
    return [("GET", f"{API}/predict"), ("POST", f"{API}/model")]


@every_case
@both
def test_oversized_body_is_a_413(app: Running, case: str) -> None:
    path, body = JSON_ENDPOINT[case]
    padding = MAX_BODY_BYTES + 1024
    oversized = json.dumps({**body, "padding": "x" * padding}).encode()
    answer = call(app, "POST", path, raw=oversized, early_answer=True)
    assert_error(app, answer, 413, "content_too_large")


@every_case
@both
def test_wrong_content_type_is_a_415(app: Running, case: str) -> None:
    path, body = JSON_ENDPOINT[case]
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        answer = call(app, "POST", path, raw=json.dumps(body).encode(), content_type=content_type)
        assert_error(app, answer, 415, "unsupported_media_type")


# --- request ids --------------------------------------------------------------------------


@every_case
@both
def test_a_valid_request_id_comes_back(app: Running) -> None:
    for request_id in ("client-42.retry_1", "a" * 128, "4bf92f3577b34da6a3ce929d0e0e4736"):
        sent = {"X-Request-ID": request_id}
        status, headers, _ = call(app, "GET", "/health", headers=sent)
        assert status == 200 and headers.get("x-request-id") == request_id, headers
        answer = call(app, "GET", f"{API}/no-such-thing", headers=sent)
        assert assert_error(app, answer, 404, "not_found")["request_id"] == request_id


@every_case
@both
def test_an_invalid_request_id_is_replaced(app: Running) -> None:
    for request_id in ("has space", "a" * 129, "semi;colon", "<script>"):
        sent = {"X-Request-ID": request_id}
        status, headers, _ = call(app, "GET", "/health", headers=sent)
        fresh = headers.get("x-request-id", "")
        assert status == 200 and fresh != request_id and REQUEST_ID.fullmatch(fresh), headers
        error = assert_error(app, call(app, "GET", f"{API}/nope", headers=sent), 404, "not_found")
        assert error["request_id"] != request_id


# --- auth=oauth2 --------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["oauth2"])
@both
def test_token_for_the_password_flow(app: Running) -> None:
    form = urlencode({"grant_type": "password", "username": USER, "password": app.password})
    answer = call(
        app,
        "POST",
        f"{API}/token",
        raw=form.encode(),
        content_type="application/x-www-form-urlencoded",
        auth=False,
    )
    token = assert_shape(app, "Token", assert_ok(app, answer))
    assert token["token_type"] == "bearer" and token["expires_in"] > 0, token
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    me = call(app, "GET", f"{API}/users/me", headers=bearer, auth=False)
    assert assert_shape(app, "Me", assert_ok(app, me)) == {"username": USER}

    wrong = urlencode({"grant_type": "password", "username": USER, "password": "wrong-password"})
    answer = call(
        app,
        "POST",
        f"{API}/token",
        raw=wrong.encode(),
        content_type="application/x-www-form-urlencoded",
        auth=False,
    )
    assert_error(app, answer, 401, "unauthorized")


@pytest.mark.parametrize("case", ["oauth2"])
@both
def test_missing_or_invalid_bearer_token_is_a_401(app: Running) -> None:
    protected = [("POST", f"{API}/predict", IRIS), ("GET", f"{API}/model", None)]
    protected.append(("GET", f"{API}/users/me", None))
    for authorization in (None, "Bearer not-a-token", "Basic dGVzdGVyOnRlc3Rlcg==", "Bearer"):
        headers = {"Authorization": authorization} if authorization else {}
        for method, path, body in protected:
            answer = call(app, method, path, body, headers=headers, auth=False)
            assert_error(app, answer, 401, "unauthorized")
            challenge = answer[1].get("www-authenticate", "")
            assert challenge.startswith("Bearer"), f"{where(app, method, path)}: {answer[1]}"
    assert_ok(app, call(app, "GET", f"{API}/info", auth=False))
    assert_ok(app, call(app, "GET", "/health", auth=False))


@both
def test_token_is_rate_limited_with_retry_after(projects: Projects, framework: str) -> None:
    """Past LOGIN_RATE_LIMIT a client gets 429 rate_limited and Retry-After, documented.

    One worker: ``memory://`` counts per process (test_auth_hardening.py shares Redis).
    """
    installed = projects.get(framework, **CASES["oauth2"])
    with in_production(installed, LOGIN_RATE_LIMIT="3/minute", WORKERS="1") as app:
        # in_production fetched one token already: two more tries, then the limit.
        wrong = urlencode({"username": USER, "password": "wrong-password"}).encode()
        form = {"raw": wrong, "content_type": "application/x-www-form-urlencoded", "auth": False}
        for _ in range(2):
            assert_error(app, call(app, "POST", f"{API}/token", **form), 401, "unauthorized")
        answer = call(app, "POST", f"{API}/token", **form)
        assert_error(app, answer, 429, "rate_limited")
        assert 0 < int(answer[1]["retry-after"]) <= 60, answer[1]
        document = json.loads(assert_ok(app, call(app, "GET", "/openapi.json")))
        assert "429" in document["paths"][f"{API}/token"]["post"]["responses"]


# --- security headers ---------------------------------------------------------------------

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


@every_case
@both
def test_security_headers_on_every_answer(app: Running, case: str) -> None:
    """Probes, JSON, errors, the document and the docs page carry the same security headers."""
    path, body = JSON_ENDPOINT[case]
    answers = {
        "GET /health": call(app, "GET", "/health"),
        "GET info": call(app, "GET", f"{API}/info"),
        f"POST {path}": call(app, "POST", path, body),
        "404": call(app, "GET", f"{API}/no-such-thing"),
        "405": call(app, "DELETE", f"{API}/info"),
        "422": call(app, "POST", path, {"nonsense": True}),
        "anonymous": call(app, "POST", path, body, auth=False),
        "GET /openapi.json": call(app, "GET", "/openapi.json"),
        "GET /docs": call(app, "GET", "/docs", headers={"Accept": "text/html"}),
    }
    for name, (status, headers, _) in answers.items():
        assert status < 500, (name, status)
        sent = {key: headers.get(key) for key in SECURITY_HEADERS}
        assert sent == SECURITY_HEADERS, f"{app.framework} {name}: {sent}"
        policy = headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, (name, policy)
        assert "unsafe-eval" not in policy, (name, policy)
        assert "strict-transport-security" not in headers, f"{name}: HSTS over plain HTTP"


@every_case
@both
def test_docs_page_keeps_no_token_in_local_storage(app: Running) -> None:
    """Swagger UI's persistAuthorization would keep a bearer token in localStorage."""
    _, _, page = call(app, "GET", "/docs", headers={"Accept": "text/html"})
    starters = [src for src in re.findall(rb'<script src="([^"]+)"', page) if b"init" in src]
    assert len(starters) == 1, page[:600]
    status, _, script = call(app, "GET", starters[0].decode(), headers={"Accept": "*/*"})
    assert status == 200 and b"SwaggerUIBundle(" in script, script[:300]
    assert b"persistAuthorization: false" in script, script[:600]


# --- moved paths --------------------------------------------------------------------------


@every_case
@both
def test_v0_1_0_paths_redirect_permanently(app: Running, case: str) -> None:
    for method, old, new in MOVED[app.framework][case]:
        body = IRIS if old.endswith("predict") else ({"name": "W"} if method == "POST" else None)
        raw = b"username=x&password=y" if old.endswith("token") else None
        answer = call(
            app,
            method,
            old,
            body if raw is None else None,
            raw=raw,
            content_type="application/x-www-form-urlencoded" if raw else "application/json",
        )
        status, headers, _ = answer
        assert status == 308, f"{where(app, method, old)} answered {status}: {answer[2][:200]!r}"
        location = urlsplit(headers.get("location", ""))
        assert location.path == f"{API}{new}", f"{where(app, method, old)} -> {location}"
        assert location.hostname in {None, "127.0.0.1"}, location


@ml_cases
@both
def test_a_post_that_follows_the_redirect_still_predicts(app: Running) -> None:
    status, headers, _ = call(app, "POST", MOVED_PREDICT[app.framework], IRIS)
    assert status == 308, status
    target = urlsplit(headers["location"])
    path = target.path + (f"?{target.query}" if target.query else "")
    prediction = assert_ok(app, call(app, "POST", path, IRIS))
    assert assert_shape(app, "Prediction", prediction)["label"] == "setosa"


# --- both OpenAPI documents ---------------------------------------------------------------


@every_case
def test_both_openapi_documents_describe_the_same_operations(servers: Servers, case: str) -> None:
    documents = []
    for framework in FRAMEWORKS:
        app = servers.get(case, framework)
        documents.append(json.loads(assert_ok(app, call(app, "GET", "/openapi.json"))))
    found = differences(documents[0], documents[1], names=(FRAMEWORKS[0], FRAMEWORKS[1]))
    assert not found, f"{len(found)} differences:\n" + "\n".join(found[:40])
