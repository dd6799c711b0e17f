"""The demo's simulated phone: the SMS outbox as a phone inbox, and as JSON.

Registered only when simulation is on; in production configuration these routes do not exist.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from blueprints.access import public
from domain import notifications
from domain.errors import ValidationError
from domain.identifiers import normalize_phone

bp = Blueprint("sim", __name__, url_prefix="/sim")


@bp.route("/outbox.json")
@public
def outbox_json():
    return jsonify(
        [
            {"phone": m.phone, "text": m.text, "created_at": m.created_at.isoformat()}
            for m in notifications.outbox()
        ]
    )


@bp.route("/phone")
@public
def phone():
    raw = request.args.get("phone", "").strip()
    error = None
    number = None
    messages = []
    if raw:
        try:
            number = normalize_phone(raw)
        except ValidationError as exc:
            from blueprints.forms import translated

            error = translated(exc)
        else:
            messages = notifications.recent_for_phone(number)
    return render_template(
        "sim/phone.html",
        raw=raw,
        number=number,
        error=error,
        messages=messages,
        recent_phones=notifications.recent_phones(),
    )
