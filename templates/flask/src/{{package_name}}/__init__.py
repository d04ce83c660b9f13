"""The application factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import api, config, errors, extensions, health, logs, security, web
from .ml.train import train_command


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the Flask application.

    Args:
        test_config: Config values that override the environment (tests use it).

    Returns:
        The configured application.

    Raises:
        config.ConfigError: A setting is unsafe for the configured environment.
    """
    app = Flask(__name__)
    app.config.from_mapping(config.from_env())
    if test_config is not None:
        app.config.from_mapping(test_config)
    config.validate(app.config)

    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    logs.init_app(app)
    extensions.init_app(app)
    errors.init_app(app)
    security.init_app(app)

    app.register_blueprint(health.bp)
    app.register_blueprint(web.bp)
    app.register_blueprint(api.bp)
    extensions.csrf.exempt(api.bp)
    app.cli.add_command(train_command)
    return app


__all__ = ["create_app"]
