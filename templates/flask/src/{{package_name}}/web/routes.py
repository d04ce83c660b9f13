"""HTML pages: the prediction form and its result, and the model card."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from pydantic import ValidationError

from ..extensions import model_store
from ..ml.model import Prediction
from ..schemas import IrisFeatures

bp = Blueprint("web", __name__)

FIELD_LABELS = {
    name: field.description or name for name, field in IrisFeatures.model_fields.items()
}


@bp.route("/", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """Show the form; on submit, validate it and show the predicted label."""
    values = dict.fromkeys(FIELD_LABELS, "")
    errors: dict[str, str] = {}
    result: Prediction | None = None
    if request.method == "POST":
        values = {name: request.form.get(name, "").strip() for name in FIELD_LABELS}
        try:
            features = IrisFeatures.model_validate(values)
        except ValidationError as exc:
            for error in exc.errors(include_url=False, include_input=False):
                errors[str(error["loc"][0])] = error["msg"]
        else:
            result = model_store.get().predict([features.model_dump()])[0]
    page = render_template(
        "web/index.html",
        fields=FIELD_LABELS,
        values=values,
        errors=errors,
        result=result,
    )
    return page, 422 if errors else 200


@bp.get("/model")
def model_card() -> ResponseReturnValue:
    """Show what the served model is, how it was trained and how well it scores."""
    return render_template("web/model.html", metadata=model_store.get().metadata)
