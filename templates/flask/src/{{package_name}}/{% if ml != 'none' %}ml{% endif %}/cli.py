"""``flask train``: train the model and save it where the app will load it."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .train import train_and_save


@click.command("train")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the estimator (default: the MODEL_PATH setting).",
)
@with_appcontext
def train_command(output: Path | None) -> None:
    """Train the model on the iris data and save it with its metadata."""
    path = output or Path(current_app.config["MODEL_PATH"])
    model = train_and_save(path)
    accuracy = model.metadata.metrics["accuracy"]
    click.echo(f"Saved model {model.version} to {path} (accuracy {accuracy})")
