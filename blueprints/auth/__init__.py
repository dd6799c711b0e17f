"""Citizen sign-in with the simulated national e-ID (ID number + SMS code)."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from blueprints.auth import views  # noqa: E402,F401
