"""The published OpenAPI document and the validator are one and the same contract."""

from __future__ import annotations

import pytest

from blueprints.api import schema


def _walk(node, found: set[str]):
    if isinstance(node, dict):
        found.update(node)
        for key, value in node.items():
            if key == "properties":
                for child in value.values():
                    _walk(child, found)
            elif key in ("items", "additionalProperties") and isinstance(value, dict):
                _walk(value, found)


def test_the_schemas_use_only_keywords_the_validator_enforces():
    for name, body in schema.SCHEMAS.items():
        found: set[str] = set()
        _walk(body, found)
        assert found <= schema.SUPPORTED_KEYWORDS, (name, found - schema.SUPPORTED_KEYWORDS)


def test_the_document_is_served_without_a_key_and_names_every_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["schemas"] == schema.SCHEMAS
    served = {rule.rule.removeprefix("/api/v1") for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api.")}
    assert served == set(document["paths"])
    for path, operations in document["paths"].items():
        for method in operations:
            rule = next(r for r in app.url_map.iter_rules() if r.rule == "/api/v1" + path)
            assert method.upper() in rule.methods


def test_every_reference_in_the_document_resolves():
    document = schema.document()

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        assert ref.rsplit("/", 1)[1] in document["components"]["schemas"]


@pytest.mark.parametrize(("value", "ok"), [
    ("2026-03-10T09:00:00+07:00", True),
    ("2026-03-10T09:00Z", True),
    ("2026-03-10T09:00:00.123456Z", True),
    ("2026-03-10 09:00:00Z", False),
    ("2026-03-10T09:00:00", False),
    ("2026-03-10T09:00:00Z\n", False),
])
def test_patterns_follow_json_schema_not_python(value, ok):
    item = {"partner_reference": "A", "status": "paid", "paid_at": value}
    if ok:
        schema.validate(item, "StatusRequestItem")
    else:
        with pytest.raises(schema.SchemaError):
            schema.validate(item, "StatusRequestItem")


def test_booleans_are_not_integers_and_null_only_where_allowed():
    with pytest.raises(schema.SchemaError):
        schema.validate({"received": True, "created": 0, "updated": 0, "unchanged": 0,
                         "rejected": 0}, schema.SCHEMAS["StatusResponse"]["properties"]["summary"])
    schema.validate({"partner_reference": "A", "status": "failed", "paid_at": None,
                     "failure_reason": None}, "StatusRequestItem")
    with pytest.raises(schema.SchemaError):
        schema.validate({"partner_reference": None, "status": "failed"}, "StatusRequestItem")
