"""Compare a view across engines: rows normalised for type, then an order-independent checksum."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
from typing import Any

ARRAY_COLUMNS = {"opportunity_ids"}
#: JSON text (the CDI views' payloads): compared as the document, not as this engine's spelling
JSON_COLUMNS = {"payload"}


def _number(value: int | float | decimal.Decimal) -> str:
    return format(decimal.Decimal(str(value)).quantize(decimal.Decimal("0.01")), "f")


def _canon(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _canon(v) for k, v in sorted(doc.items())}
    if isinstance(doc, list):
        return [_canon(v) for v in doc]
    if isinstance(doc, int | float) and not isinstance(doc, bool):
        return _number(doc)
    return doc


def norm_value(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in JSON_COLUMNS:
        return json.dumps(_canon(json.loads(value) if isinstance(value, str) else value))
    if column in ARRAY_COLUMNS:
        if isinstance(value, str):  # Snowflake returns ARRAY as JSON text; Redshift/Fabric build JSON text
            value = json.loads(value)
        return tuple(str(v) for v in value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | decimal.Decimal):
        return _number(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def checksum(columns: list[str], rows: list[tuple[Any, ...]]) -> tuple[int, str]:
    cols = [c.lower() for c in columns]
    digests = sorted(
        hashlib.sha256(
            repr(tuple(norm_value(c, v) for c, v in zip(cols, row, strict=True))).encode()
        ).hexdigest()
        for row in rows
    )
    return len(rows), hashlib.sha256("".join(digests).encode()).hexdigest()
