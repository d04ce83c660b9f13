"""The selection rules: each one a requirement, the framework it favours, and why.

The reasoning comes from the comparison this project was founded on
(``shared/seeds/``, "Flask vs FastAPI"); ``source`` names the section of that
document each rule rests on. The wording of ``why`` is scaffold's own.

Rules are data: the engine in ``scaffold.engine`` adds up the weights of the
rules that fire. A rule with ``requires=True`` is a hard constraint: only the
favoured framework's skeleton can meet the requirement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scaffold.requirements import Framework, Requirements

__all__ = ["RULES", "SECTIONS", "Cost", "Rule", "COSTS"]

SECTIONS: tuple[str, ...] = (
    "What is Flask",
    "Pros of using Flask",
    "Cons of using Flask",
    "What is FastAPI",
    "Pros of using FastAPI",
    "Cons of using FastAPI",
    "FastAPI vs. Flask performance",
    "Conclusion",
)
"""The founding document's sections, as its table of contents names them."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One selection rule."""

    name: str
    """Stable identifier, shown in output and JSON."""
    trigger: str
    """The requirement that makes the rule fire, as a user would say it."""
    favors: Framework
    weight: int
    why: str
    source: str
    """The founding document's section(s) the rule comes from."""
    applies: Callable[[Requirements], bool]
    requires: bool = False


RULES: tuple[Rule, ...] = (
    Rule(
        "api-product",
        "kind=api",
        "fastapi",
        3,
        "When the API itself is the product, typed endpoints and a generated schema "
        "pay off on every route, and APIs and microservices are where FastAPI leads.",
        "Conclusion",
        lambda r: r.kind == "api",
    ),
    Rule(
        "model-service",
        "kind=ml-service",
        "fastapi",
        2,
        "A model that other programs call is a small API service, the case the "
        "comparison gives to FastAPI.",
        "Conclusion",
        lambda r: r.kind == "ml-service",
    ),
    Rule(
        "html-site",
        "kind=web",
        "flask",
        3,
        "A site people browse is rendered HTML, which is what Flask and its Jinja2 "
        "templates were built around.",
        "What is Flask; Cons of using Flask",
        lambda r: r.kind == "web",
    ),
    Rule(
        "data-prototype",
        "kind=prototype",
        "flask",
        3,
        "A quick, data-backed demo of a model wants the smallest core that puts a "
        "page in front of people, and Flask's is small.",
        "Conclusion",
        lambda r: r.kind == "prototype",
    ),
    Rule(
        "heavy-traffic",
        "traffic=high",
        "fastapi",
        3,
        "Heavy expected load favours the ASGI stack that the comparison ranks among "
        "the quickest Python has.",
        "Pros of using FastAPI; Conclusion",
        lambda r: r.traffic == "high",
    ),
    Rule(
        "moderate-traffic",
        "traffic=medium",
        "fastapi",
        1,
        "Moderate load already benefits a little from FastAPI's faster request path.",
        "Pros of using FastAPI",
        lambda r: r.traffic == "medium",
    ),
    Rule(
        "concurrent-io",
        "concurrency",
        "fastapi",
        3,
        "Many requests waiting on I/O at once suit async endpoints on an event loop; "
        "Flask serves one request per worker thread unless you add more.",
        "Cons of using Flask; Pros of using FastAPI",
        lambda r: r.concurrency,
    ),
    Rule(
        "few-endpoints",
        "endpoints<=5",
        "flask",
        1,
        "A service with a handful of endpoints is the small microservice the "
        "comparison calls Flask's home ground.",
        "Conclusion",
        lambda r: r.endpoints <= 5,
    ),
    Rule(
        "many-endpoints",
        "endpoints>=20",
        "fastapi",
        1,
        "A wide API surface is easier to manage with a schema and tooling generated from the code.",
        "FastAPI vs. Flask performance",
        lambda r: r.endpoints >= 20,
    ),
    Rule(
        "flask-team",
        "team=flask",
        "flask",
        4,
        "A team that already runs Flask widely should keep it; the comparison names "
        "this as the case where Flask is the right call.",
        "Conclusion",
        lambda r: r.team == "flask",
    ),
    Rule(
        "fastapi-team",
        "team=fastapi",
        "fastapi",
        4,
        "A team fluent in FastAPI no longer pays for its thinner pool of books and "
        "guides, its main drawback.",
        "Cons of using FastAPI",
        lambda r: r.team == "fastapi",
    ),
    Rule(
        "tight-deadline",
        "deadline=tight",
        "flask",
        2,
        "Short on time with a simple API to ship, the comparison points to Flask.",
        "FastAPI vs. Flask performance",
        lambda r: r.deadline == "tight",
    ),
    Rule(
        "newcomer",
        "experience=newcomer",
        "flask",
        2,
        "Flask's vocabulary is quicker to pick up, and FastAPI has less teaching "
        "material for someone starting out.",
        "Pros of using Flask; Cons of using FastAPI",
        lambda r: r.experience == "newcomer",
    ),
    Rule(
        "interactive-docs",
        "docs",
        "fastapi",
        2,
        "FastAPI publishes browsable, try-it-out API documentation straight from the code.",
        "Pros of using FastAPI",
        lambda r: r.docs,
    ),
    Rule(
        "typed-validation",
        "validation",
        "fastapi",
        2,
        "FastAPI checks request bodies against type hints with Pydantic and answers "
        "bad input with field-level JSON errors.",
        "Pros of using FastAPI",
        lambda r: r.validation,
    ),
    Rule(
        "dependency-injection",
        "di",
        "fastapi",
        2,
        "FastAPI's built-in dependency injection keeps settings, models and sessions "
        "swappable, which makes routes easy to test.",
        "Pros of using FastAPI",
        lambda r: r.di,
    ),
    Rule(
        "oauth2",
        "auth=oauth2",
        "fastapi",
        1,
        "OAuth2 flows come ready-made in fastapi.security.",
        "Cons of using FastAPI",
        lambda r: r.auth == "oauth2",
    ),
    Rule(
        "login-sessions",
        "auth=session",
        "flask",
        0,
        "Cookie login sessions go with server-rendered pages; Flask lacks them built "
        "in, so scaffold's Flask skeleton is the one that supplies them.",
        "Cons of using Flask",
        lambda r: r.auth == "session",
        requires=True,
    ),
    Rule(
        "html-pages",
        "html",
        "flask",
        3,
        "Pages rendered on the server with Jinja2 are what Flask was made for.",
        "What is Flask",
        lambda r: r.html,
    ),
    Rule(
        "monitoring",
        "monitoring",
        "fastapi",
        2,
        "A service that must stay up and be watched gains from FastAPI's wider API "
        "management and monitoring tooling.",
        "FastAPI vs. Flask performance",
        lambda r: r.monitoring,
    ),
)


@dataclass(frozen=True, slots=True)
class Cost:
    """A weakness of a framework, and how the generated skeleton makes up for it."""

    framework: Framework
    weakness: str
    source: str
    remedy: str


COSTS: tuple[Cost, ...] = (
    Cost(
        "flask",
        "Synchronous by default: a worker handles one request at a time.",
        "Cons of using Flask",
        "The skeleton serves with gunicorn's threaded workers (WORKERS x THREADS), so "
        "a slow request does not hold up the others.",
    ),
    Cost(
        "flask",
        "No server-side session management built in.",
        "Cons of using Flask",
        "The skeleton keeps sessions on the server with hardened cookies, and "
        "auth=session adds a login flow.",
    ),
    Cost(
        "flask",
        "Extensions shared with the framework widen the attack surface.",
        "Cons of using Flask",
        "Each extension is set up in one extensions module, dependencies live in one "
        "pyproject, and lint, type checks and tests run in CI on every change.",
    ),
    Cost(
        "flask",
        "HTML-first, with no standard way to shape a JSON API.",
        "Cons of using Flask",
        "A separate JSON blueprint validates requests with Pydantic and answers with "
        "field-level errors.",
    ),
    Cost(
        "flask",
        "No database migrations built in.",
        "Cons of using Flask",
        "With a database, the skeleton adds Alembic migrations through Flask-Migrate.",
    ),
    Cost(
        "fastapi",
        "Security is not built in; it is assembled from fastapi.security.",
        "Cons of using FastAPI",
        "auth=oauth2 wires the OAuth2 password flow with signed tokens and hashed "
        "passwords, and settings refuse a default secret outside development.",
    ),
    Cost(
        "fastapi",
        "A younger framework with a smaller community and fewer guides.",
        "Cons of using FastAPI",
        "The skeleton keeps the widely copied layout (settings, dependencies, one "
        "router per module) and its README explains each part.",
    ),
)
