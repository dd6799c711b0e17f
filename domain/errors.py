"""Errors the domain raises for input a person can correct."""

from typing import Any


def N_(message: str) -> str:
    """Mark an English message id for extraction; the web layer translates it at render time."""
    return message


class ValidationError(ValueError):
    """Input that a person can fix; `message` is an English msgid saying what to do."""

    def __init__(self, message: str, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)
