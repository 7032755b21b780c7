"""JSON Schemas for the PAYLOAD of Braze's CDI user syncs, written from Braze's documented
/users/track object formats (not from our templates):

- attributes object: custom attribute names to values. A value is a string, number, boolean,
  null (unsets the attribute), an array of strings, or a nested object. Our B2B attributes add
  what Step 2 of the B2B guide asks for: accountId (an 18-char Salesforce id or null) and
  opportunityIds (an array of 18-char ids).
- event object: `name` (string), `time` (ISO 8601 date-time), optional `properties` (an object
  of property names to values); our account_linked event carries properties.account_id.
"""

from __future__ import annotations

SF18 = {"type": "string", "pattern": "^[A-Za-z0-9]{18}$"}
ISO8601_UTC = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"

ATTRIBUTE_VALUE = {
    "anyOf": [
        {"type": ["string", "number", "boolean", "null"]},
        {"type": "array", "items": {"type": "string"}},
        {"type": "object"},
    ]
}

ATTRIBUTES_OBJECT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["accountId", "opportunityIds"],
    "properties": {
        "accountId": {"anyOf": [SF18, {"type": "null"}]},
        "opportunityIds": {"type": "array", "items": SF18, "uniqueItems": True},
    },
    "additionalProperties": ATTRIBUTE_VALUE,
    # reserved /users/track keys are not attributes; a payload must not carry them
    "not": {
        "anyOf": [{"required": ["external_id"]}, {"required": ["user_alias"]}, {"required": ["braze_id"]}]
    },
}

EVENT_OBJECT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["name", "time"],
    "properties": {
        "name": {"const": "account_linked"},
        "time": {"type": "string", "pattern": ISO8601_UTC},
        "properties": {
            "type": "object",
            "required": ["account_id"],
            "properties": {"account_id": SF18},
            "additionalProperties": ATTRIBUTE_VALUE,
        },
    },
    "additionalProperties": False,
}
