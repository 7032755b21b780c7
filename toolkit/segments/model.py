"""Segment definitions from `segments:` in b2b_project.yml, parsed into a small tree.

    segments:
      emea_event_leads:
        kind: people                 # people (default) | accounts
        description: Open leads from events in EMEA
        where:
          all:
            - {field: person.person_type, eq: lead}
            - {field: lead.lead_source, eq: Event}
            - {field: lead.country, in: [GB, DE, FR, NL, ES, IT]}

A condition is `all: [...]`, `any: [...]`, `not: {...}`, or a leaf `{field: entity.column, OP: value}`
with OP one of eq, ne, in, not_in, gt, gte, lt, lte, between, contains, is_null. Leaves on the same
related entity inside one `all` must hold for the same related row (one account, one opportunity).
`ne` and `not_in` keep rows where the column is NULL (NULL is not equal to the value).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Union

from toolkit.errors import ConfigError

OPS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "between", "contains", "is_null")
KINDS = ("people", "accounts")


@dataclass(frozen=True)
class Leaf:
    entity: str
    column: str
    op: str
    value: Any
    path: str


@dataclass(frozen=True)
class Group:
    kind: str  # all | any
    items: tuple[Node, ...]
    path: str


@dataclass(frozen=True)
class Not:
    item: Node
    path: str


Node = Union[Leaf, Group, Not]  # noqa: UP007


@dataclass(frozen=True)
class Segment:
    name: str
    kind: str
    description: str
    where: Node | None


def _err(path: str, message: str, hint: str | None = None) -> ConfigError:
    return ConfigError(f"b2b_project.yml: {path}: {message}", hint=hint)


def parse_node(raw: Any, path: str) -> Node:
    if isinstance(raw, list):
        return Group("all", tuple(parse_node(item, f"{path}[{i}]") for i, item in enumerate(raw)), path)
    if not isinstance(raw, dict) or not raw:
        raise _err(path, "expected a condition: all/any/not or {field: ..., <op>: value}")
    if "field" in raw:
        return _parse_leaf(raw, path)
    if len(raw) != 1:
        raise _err(path, f"a condition has exactly one of all, any, not (got {sorted(raw)})")
    key, value = next(iter(raw.items()))
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise _err(f"{path}.{key}", "expected a non-empty list of conditions")
        return Group(
            key,
            tuple(parse_node(item, f"{path}.{key}[{i}]") for i, item in enumerate(value)),
            f"{path}.{key}",
        )
    if key == "not":
        return Not(parse_node(value, f"{path}.not"), f"{path}.not")
    guess = difflib.get_close_matches(str(key), ["all", "any", "not", "field"], n=1)
    raise _err(
        path,
        f"unknown key {key!r}",
        hint=f"did you mean {guess[0]!r}?" if guess else "use all, any, not or field",
    )


def _parse_leaf(raw: dict[str, Any], path: str) -> Leaf:
    field = raw["field"]
    if not isinstance(field, str) or field.count(".") != 1:
        raise _err(
            f"{path}.field", f"{field!r} is not entity.column", hint="e.g. account.industry or person.email"
        )
    ops = [k for k in raw if k != "field"]
    unknown = [k for k in ops if k not in OPS]
    if unknown:
        guess = difflib.get_close_matches(str(unknown[0]), OPS, n=1)
        raise _err(
            path,
            f"unknown operator {unknown[0]!r}",
            hint=f"did you mean {guess[0]!r}?" if guess else f"operators: {', '.join(OPS)}",
        )
    if len(ops) != 1:
        raise _err(
            path,
            f"give exactly one operator for {field} (got {ops or 'none'})",
            hint=f"operators: {', '.join(OPS)}",
        )
    op, value = ops[0], raw[ops[0]]
    if op in ("in", "not_in") and (not isinstance(value, list) or not value):
        raise _err(f"{path}.{op}", "expected a non-empty list")
    if op == "between" and (not isinstance(value, list) or len(value) != 2):
        raise _err(f"{path}.between", "expected [low, high]")
    if op == "is_null" and not isinstance(value, bool):
        raise _err(f"{path}.is_null", "expected true or false")
    if op not in ("in", "not_in", "between", "is_null") and (value is None or isinstance(value, list | dict)):
        raise _err(
            f"{path}.{op}",
            f"expected a single value, got {value!r}",
            hint="use is_null for NULL tests, in for lists",
        )
    values = value if isinstance(value, list) else [value]
    if any(isinstance(v, list | dict) or v is None for v in values) and op != "is_null":
        raise _err(f"{path}.{op}", "values must be strings, numbers, booleans or dates")
    entity, column = field.split(".")
    return Leaf(entity, column, op, value, path)


def parse_segments(raw: dict[str, Any]) -> dict[str, Segment]:
    out: dict[str, Segment] = {}
    for name, body in raw.items():
        path = f"segments.{name}"
        if not isinstance(body, dict):
            raise _err(path, "expected a mapping with kind, description, where")
        unknown = set(body) - {"kind", "description", "where"}
        if unknown:
            key = sorted(unknown)[0]
            guess = difflib.get_close_matches(key, ["kind", "description", "where"], n=1)
            raise _err(f"{path}.{key}", "unknown key", hint=f"did you mean {guess[0]!r}?" if guess else None)
        kind = body.get("kind", "people")
        if kind not in KINDS:
            raise _err(f"{path}.kind", f"{kind!r} is not a segment kind", hint="people or accounts")
        where = parse_node(body["where"], f"{path}.where") if body.get("where") is not None else None
        out[str(name)] = Segment(str(name), kind, str(body.get("description", "")), where)
    return out
