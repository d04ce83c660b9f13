"""Commands that train and save the model: ``flask train`` and ``python -m <package>.ml.train``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import config
from .model import save, train

OUTPUT_OPTION = click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the artifact (default: the MODEL_PATH setting).",
)


def train_to(path: Path) -> str:
    """Train a model, save it at ``path`` and describe what was written.

    Args:
        path: Where the artifact goes; missing folders are created.

    Returns:
        A one-line summary naming the model version, the path and its accuracy.
    """
    model = train()
    save(model, path)
    accuracy = model.metadata["metrics"]["accuracy"]
    return f"Saved model {model.metadata['version']} to {path} (accuracy {accuracy})"


@click.command("train")
@OUTPUT_OPTION
@with_appcontext
def train_command(output: Path | None) -> None:
    """Train the model on the iris data and save it with its metadata."""
    click.echo(train_to(output or Path(current_app.config["MODEL_PATH"])))


@click.command("train")
@OUTPUT_OPTION
def main(output: Path | None) -> None:
    """Train and save the model without loading the web app (used by the Dockerfile)."""
    click.echo(train_to(output or Path(config.from_env()["MODEL_PATH"])))


if __name__ == "__main__":
    main()
