"""The partner API's contract: one set of JSON Schemas that both checks every request and is
published as the OpenAPI 3.1 document at /api/v1/openapi.json, so the two cannot drift apart.

The validator below implements exactly the JSON Schema keywords these schemas use (a test
walks the schemas to prove no other keyword slipped in); requests are strict: an unknown field
or a wrong type is a 400.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from domain.payment_results import MAX_RESULT_ITEMS
from domain.payment_rows import MAX_REASON_LENGTH, REFERENCE_PATTERN
from domain.payments import PERIOD_PATTERN, STATUSES
from domain.resolve import MAX_RESOLVE_ITEMS, REASON_CODES

API_VERSION = "1.0.0"
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
REFERENCE = f"^{REFERENCE_PATTERN}$"
PERIOD = f"^{PERIOD_PATTERN}$"
DATE_TIME = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})$"
)
RESULT_REASON_CODES = (
    "succ.payment.created",
    "succ.payment.updated",
    "succ.payment.unchanged",
    "rjct.reference.not_found",
    "rjct.reference.invalid",
    "rjct.status.invalid",
    "rjct.status.mismatch",
    "rjct.status.transition",
    "rjct.paid_at.invalid",
    "rjct.paid_at.missing",
    "rjct.paid_at.unexpected",
    "rjct.failure_reason.unexpected",
    "rjct.failure_reason.invalid",
)


PERIOD_PARAMETER = {"type": "string", "pattern": PERIOD}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, required: list[str], description: str | None = None) -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


PROVIDER_INFO = _object(
    {"name": {"type": "string"}, "code": {"type": "string"}},
    ["name", "code"],
    "The bank (code = NAPAS BIN) or wallet / mobile-money provider.",
)

SCHEMAS: dict[str, dict] = {
    "Error": _object(
        {
            "error": _object(
                {
                    "code": {"type": "string", "description": "Stable, machine-readable."},
                    "message": {"type": "string", "description": "For a person, in English."},
                },
                ["code", "message"],
            )
        },
        ["error"],
    ),
    "ResolveRequest": _object(
        {
            "resolve_request": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_RESOLVE_ITEMS,
                "items": _ref("ResolveRequestItem"),
            }
        },
        ["resolve_request"],
    ),
    "ResolveRequestItem": _object(
        {
            "reference_id": {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "pattern": ONE_LINE,
                "description": "Yours; echoed in the answer.",
            },
            "id": {
                "type": "string",
                "maxLength": 64,
                "pattern": ONE_LINE,
                "description": "Personal ID number, 12 digits. A malformed one is answered "
                "with rjct.id.invalid; the other items still resolve.",
                "examples": ["087084000999"],
            },
        },
        ["reference_id", "id"],
    ),
    "ResolveResponse": _object(
        {"resolve_response": {"type": "array", "items": _ref("ResolveResponseItem")}},
        ["resolve_response"],
    ),
    "ResolveResponseItem": _object(
        {
            "reference_id": {"type": "string"},
            "status": {"type": "string", "enum": ["succ", "rjct"]},
            "status_reason_code": {
                "type": "string",
                "enum": list(REASON_CODES),
                "description": "succ.fa.active: paid into `fa`; succ.fa.not_found: no active "
                "account, paid in cash at the commune; succ.id.not_found: not a beneficiary; "
                "succ.id.inactive: deceased, suspended or ended; rjct.id.invalid: not an ID "
                "number.",
            },
            "fa": {
                "type": "string",
                "description": "Financial address, e.g. account:0011001234567@970436 or "
                "mobile:0912345678@vnptmoney; only with succ.fa.active.",
            },
            "account_provider_info": PROVIDER_INFO,
        },
        ["reference_id", "status", "status_reason_code"],
    ),
    "StatusRequest": _object(
        {
            "payment_status": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_RESULT_ITEMS,
                "items": _ref("StatusRequestItem"),
            }
        },
        ["payment_status"],
    ),
    "StatusRequestItem": _object(
        {
            "partner_reference": {
                "type": "string",
                "pattern": REFERENCE,
                "description": "A reference imported earlier, or a payment_reference from "
                "GET /payment-run (RUN-YYYY-MM-…), which is created on its first result.",
            },
            "status": {"type": "string", "enum": list(STATUSES)},
            "paid_at": {
                "type": ["string", "null"],
                "pattern": DATE_TIME,
                "description": "Required for paid and paid_cash; must be empty for failed "
                "and scheduled.",
            },
            "failure_reason": {
                "type": ["string", "null"],
                "maxLength": MAX_REASON_LENGTH,
                "pattern": ONE_LINE,
                "description": "In words, for failed or returned payments only.",
            },
        },
        ["partner_reference", "status"],
    ),
    "StatusResponse": _object(
        {
            "payment_status_response": {
                "type": "array",
                "items": _object(
                    {
                        "partner_reference": {"type": "string"},
                        "status": {"type": "string", "enum": ["succ", "rjct"]},
                        "status_reason_code": {
                            "type": "string",
                            "enum": list(RESULT_REASON_CODES),
                        },
                    },
                    ["partner_reference", "status", "status_reason_code"],
                ),
            },
            "summary": _object(
                {
                    name: {"type": "integer", "minimum": 0}
                    for name in ("received", "created", "updated", "unchanged", "rejected")
                },
                ["received", "created", "updated", "unchanged", "rejected"],
            ),
        },
        ["payment_status_response", "summary"],
    ),
    "RosterLine": _object(
        {
            "payment_reference": {
                "type": "string",
                "description": "Post this payment's result under this reference.",
            },
            "id": {"type": "string", "description": "Personal ID number."},
            "name": {"type": "string", "description": "Full name as in the population registry."},
            "commune_code": {"type": "string"},
            "programme": {"type": "string"},
            "amount": {"type": "integer", "minimum": 0, "description": "Whole đồng."},
            "currency": {"type": "string", "enum": ["VND"]},
            "fa_kind": {"type": "string", "enum": ["bank", "ewallet", "mobile_money", "cash"]},
            "fa": {"type": ["string", "null"]},
            "account_provider_info": {"type": ["object", "null"],
                                      "properties": PROVIDER_INFO["properties"],
                                      "required": PROVIDER_INFO["required"],
                                      "additionalProperties": False},
        },
        ["payment_reference", "id", "name", "commune_code", "programme", "amount", "currency",
         "fa_kind", "fa", "account_provider_info"],
        "One line of the JSON-lines roster.",
    ),
}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _ref("Error")}}}


ERRORS = {
    "400": _error("Not JSON, unknown field, wrong type or value (code invalid_json or "
                  "invalid_request)."),
    "401": _error("No API key, a wrong one, or a revoked one (code unauthorized)."),
    "429": _error("Too many calls for this key (code rate_limited); see Retry-After."),
}
BODY_ERRORS = {
    "413": _error("The body is larger than 8 MiB (code payload_too_large)."),
    "415": _error("The body is not application/json (code unsupported_media_type)."),
}


def _json_body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def document() -> dict:
    """The OpenAPI 3.1 document, built from the same schemas the validator uses."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "An Sinh Link partner API",
            "version": API_VERSION,
            "description": "For disbursement partners: where to pay a beneficiary "
            "(G2P-Connect style mapper/resolve), the roster of a payment run, and payment "
            "results. Every call needs `Authorization: Bearer <key>` and is audited; limits "
            "are per key.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/mapper/resolve": {
                "post": {
                    "operationId": "mapperResolve",
                    "summary": "Resolve personal ID numbers to active financial addresses",
                    "requestBody": _json_body("ResolveRequest"),
                    "responses": {
                        "200": {
                            "description": "One answer per item, in the order asked.",
                            "content": {
                                "application/json": {"schema": _ref("ResolveResponse")}
                            },
                        },
                        **ERRORS,
                        **BODY_ERRORS,
                    },
                }
            },
            "/payments/status": {
                "post": {
                    "operationId": "paymentsStatus",
                    "summary": "Report payment results; idempotent by partner_reference",
                    "requestBody": _json_body("StatusRequest"),
                    "responses": {
                        "200": {
                            "description": "One outcome per item, in the order posted.",
                            "content": {"application/json": {"schema": _ref("StatusResponse")}},
                        },
                        **ERRORS,
                        **BODY_ERRORS,
                    },
                }
            },
            "/payment-run": {
                "get": {
                    "operationId": "paymentRun",
                    "summary": "The roster of a payment run, streamed as JSON lines",
                    "description": "Every active beneficiary and programme with the amount and "
                    "the financial address in force on the period's cut-off date; one "
                    "RosterLine per line.",
                    "parameters": [
                        {
                            "name": "period",
                            "in": "query",
                            "required": True,
                            "schema": PERIOD_PARAMETER,
                            "example": "2026-03",
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "JSON lines, one RosterLine each.",
                            "content": {
                                "application/x-ndjson": {"schema": _ref("RosterLine")}
                            },
                        },
                        **ERRORS,
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A key made with `flask --app app apikey create --partner "
                    "CODE`; shown once.",
                }
            },
        },
    }


# --- the validator ---

SUPPORTED_KEYWORDS = {
    "$ref", "type", "properties", "required", "additionalProperties", "items", "minItems",
    "maxItems", "minLength", "maxLength", "pattern", "enum", "minimum", "description",
    "examples",
}
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


class SchemaError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


@cache
def _pattern(pattern: str) -> re.Pattern:
    # JSON Schema's `$` is the end of the string; Python's would allow a final newline.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _has_lone_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def validate(instance: Any, schema: dict | str, path: str = "$") -> None:
    """Raise SchemaError naming the first place where `instance` breaks `schema`."""
    if isinstance(schema, str):
        schema = SCHEMAS[schema]
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    wanted = schema.get("type")
    if wanted is not None:
        names = [wanted] if isinstance(wanted, str) else wanted
        if not any(_TYPES[name](instance) for name in names):
            raise SchemaError(path, "must be " + " or ".join(names))
    if "enum" in schema and instance not in schema["enum"]:
        raise SchemaError(path, "must be one of " + ", ".join(map(str, schema["enum"])))
    if isinstance(instance, str):
        if _has_lone_surrogate(instance):
            raise SchemaError(path, "is not valid Unicode text")
        if len(instance) < schema.get("minLength", 0):
            raise SchemaError(path, f"must have at least {schema['minLength']} characters")
        if "maxLength" in schema and len(instance) > schema["maxLength"]:
            raise SchemaError(path, f"must have at most {schema['maxLength']} characters")
        if "pattern" in schema and not _pattern(schema["pattern"]).search(instance):
            raise SchemaError(path, f"must match {schema['pattern']}")
    elif isinstance(instance, bool):
        pass
    elif isinstance(instance, int):
        if "minimum" in schema and instance < schema["minimum"]:
            raise SchemaError(path, f"must be at least {schema['minimum']}")
    elif isinstance(instance, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in instance:
                raise SchemaError(path, f"lacks the field {name!r}")
        for name, value in instance.items():
            if name in properties:
                validate(value, properties[name], f"{path}.{name}")
            elif schema.get("additionalProperties", True) is False:
                raise SchemaError(path, f"has an unknown field {name[:40]!r}")
    elif isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            raise SchemaError(path, f"must have at least {schema['minItems']} item(s)")
        if "maxItems" in schema and len(instance) > schema["maxItems"]:
            raise SchemaError(path, f"must have at most {schema['maxItems']} items")
        if "items" in schema:
            for index, value in enumerate(instance):
                validate(value, schema["items"], f"{path}[{index}]")
