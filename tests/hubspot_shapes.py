"""HubSpot portal shapes the synthetic portal does not have, built from its rows in Python.

Like shapes.py for Salesforce: each shape gives `model`, the portal in the Fivetran naming that
the independent model (reference_hubspot.py) reads, and `physical`, what the engine holds."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import shapes
from reference_hubspot import HS

Tables = dict[tuple[str, str], tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]
BIG = 5_000_000_000  # added to company and deal ids: above 2^31 (and 2^32)
CUSTOM_STAGE = "1029384756"  # a custom lifecycle stage: HubSpot gives it a numeric internal id


@dataclass
class PortalShape:
    name: str
    model: Tables
    physical: Tables
    project: dict[str, Any] = field(default_factory=dict)  # dotted key -> value


def rows(tables: Tables, table: str) -> list[dict[str, Any]]:
    return shapes.rows(tables, table, HS)


def put(tables: Tables, table: str, cols: list[tuple[str, str]], data: list[dict[str, Any]]) -> None:
    shapes.put(tables, table, cols, data, HS)


def _edit(
    tables: Tables,
    table: str,
    drop: frozenset[str] | set[str] = frozenset(),
    add: dict[str, str] | None = None,
    **change: Any,
) -> None:
    """Drop columns, add typed columns (from `change`), and rewrite values with `change[col](row)`."""
    cols, _ = tables[(HS, table)]
    data = rows(tables, table)
    for r in data:
        for col, fn in change.items():
            r[col] = fn(r)
    kept = [(c, t) for c, t in cols if c not in drop] + list((add or {}).items())
    put(tables, table, kept, data)


def fivetran_documented(portal: Tables) -> PortalShape:
    """Exactly the columns fivetran/dbt_hubspot_source documents (`get_*_columns`): `company` and
    `deal` carry `is_deleted` and no `_fivetran_deleted`; `deal_company`, `deal_contact` and
    `contact_company` carry ids, `type_id` and `_fivetran_synced`, no deletion flag (the
    synthetic portal's deleted associations become live ones, in the model too). Besides:
    company and deal ids above 2^31, a custom lifecycle stage (numeric id), NULL amounts, and
    optional properties absent (the job title; company and deal `hs_lastmodifieddate`, whose
    times then fall back to `_fivetran_synced`)."""
    t = copy.deepcopy(portal)
    big = lambda col: lambda r: r[col] + BIG if r[col] is not None else None  # noqa: E731
    _edit(
        t,
        "contact",
        drop={"property_jobtitle"},
        property_associatedcompanyid=big("property_associatedcompanyid"),
        property_lifecyclestage=lambda r: (
            CUSTOM_STAGE if r["id"] % 100 == 16 else r["property_lifecyclestage"]
        ),
    )
    _edit(
        t,
        "company",
        drop={"_fivetran_deleted", "property_hs_lastmodifieddate", "property_zip"},
        id=big("id"),
        property_hs_parent_company_id=big("property_hs_parent_company_id"),
    )
    _edit(
        t,
        "deal",
        drop={"_fivetran_deleted", "property_hs_lastmodifieddate"},
        deal_id=big("deal_id"),
        property_amount=lambda r: None if r["deal_id"] % 7 == 0 else r["property_amount"],
    )
    for table, ref in (
        ("deal_company", "company_id"),
        ("deal_contact", None),
        ("contact_company", "company_id"),
    ):
        change: dict[str, Any] = {"type_id": lambda r: 5 if "deal_id" in r else 1}
        if "deal_id" in dict(t[(HS, table)][0]):
            change["deal_id"] = big("deal_id")
        if ref:
            change[ref] = big(ref)
        _edit(t, table, drop={"_fivetran_deleted"}, add={"type_id": "BIGINT"}, **change)
    return PortalShape("fivetran_documented", t, t)


API_TABLES = {
    "contact": "contacts",
    "company": "companies",
    "deal": "deals",
    "deal_pipeline_stage": "deal_pipeline_stages",
}


def api_naming(portal: Tables, crm: dict[str, Any]) -> PortalShape:
    """`naming: api`: HubSpot's object names (contacts, companies, deals) and property internal
    names (email, lifecyclestage, hs_object_id), `archived` as the only deletion flag, and the
    loader's sync time in `_airbyte_extracted_at` (set with source.loaded_at_column). The model
    keeps the portal's Fivetran names, with `archived` = is_deleted OR _fivetran_deleted."""
    model = copy.deepcopy(portal)
    physical: Tables = {k: v for k, v in portal.items() if k[0] != HS}
    for obj, body in crm["objects"].items():
        names = {
            spec["fivetran"]: spec["api"]
            for spec in body["fields"].values()
            if spec.get("fivetran") and spec.get("api")
        }
        cols, _ = portal[(HS, obj)]
        data = rows(portal, obj)
        out_cols: list[tuple[str, str]] = []
        for c, typ in cols:
            if c in ("_fivetran_deleted", "is_deleted"):
                continue
            out_cols.append(("_airbyte_extracted_at" if c == "_fivetran_synced" else names.get(c, c), typ))
        out_cols.append(("archived", "BOOLEAN"))
        renamed = []
        for r in data:
            new = {
                ("_airbyte_extracted_at" if k == "_fivetran_synced" else names.get(k, k)): v
                for k, v in r.items()
                if k not in ("_fivetran_deleted", "is_deleted")
            }
            new["archived"] = bool(r.get("_fivetran_deleted")) or bool(r.get("is_deleted"))
            renamed.append(new)
        table = body["table"]["api"]
        physical[(HS, table)] = (out_cols, [tuple(d[c] for c, _ in out_cols) for d in renamed])
    return PortalShape(
        "api",
        model,
        physical,
        {"source.naming": "api", "source.loaded_at_column": "_airbyte_extracted_at"},
    )
