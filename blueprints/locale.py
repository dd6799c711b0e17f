"""Language: `?lang=vi|en` switches and is remembered; else Accept-Language; else Vietnamese."""

from __future__ import annotations

from flask import current_app, request, session


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if request:
        asked = request.args.get("lang")
        if asked in languages:
            if session.get("lang") != asked:
                session["lang"] = asked
            return asked
        remembered = session.get("lang")
        if remembered in languages:
            return remembered
        return request.accept_languages.best_match(languages) or languages[0]
    return languages[0]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
