"""Blueprints, one per audience; each carries its own access rule."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from blueprints import access
    from blueprints.account import bp as account_bp
    from blueprints.auth import bp as auth_bp
    from blueprints.public import bp as public_bp

    access.init_app(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    from blueprints.family import bp as family_bp

    app.register_blueprint(family_bp)
    from blueprints.admin import bp as admin_bp
    from blueprints.review import bp as review_bp
    from blueprints.staff_auth import bp as staff_auth_bp

    app.register_blueprint(staff_auth_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(admin_bp)
    from blueprints.support import bp as support_bp

    app.register_blueprint(support_bp)
    from blueprints.api import bp as api_bp
    from blueprints.payments import bp as payments_bp

    app.register_blueprint(payments_bp)
    app.register_blueprint(api_bp)
    if app.config["SIMULATION"]:
        from blueprints.sim import bp as sim_bp

        app.register_blueprint(sim_bp)
