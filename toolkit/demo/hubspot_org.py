"""A synthetic HubSpot portal (Fivetran's HubSpot connector tables) with the defects of a real
one, in known amounts, plus the platform's external IDs with known mismatches. Built inside
DuckDB with set-based SQL, like the Salesforce org (toolkit/demo/synthetic.py).

Every defect is decided by the record's number: contact n (id 100000 + n) has r = n % 100; the
residue classes below are disjoint, so each planted amount is `count_residue(N, r)`.

Contacts (r = n % 100):
  1 _fivetran_deleted (also holds a deal_contact row, which must drop out)
  2 no primary company   3 primary company is deleted
  4 subscriber, 5 lead, 6 marketingqualifiedlead: leads (the default lead stages)
  7 salesqualifiedlead, 8 no lifecycle stage: contacts
  12, 15 merged: two older contacts (ids 9000000 + 2n, 9000000 + 2n + 1) were merged into it
  20-24 all at company 0 (company skew)
  30-34 contact_company to its own primary company (the same link twice: one row)
  35-39 contact_company to another company   40 that association _fivetran_deleted
  41 contact_company to a deleted company
  50-54 deal_contact on its own company's deal   55-57 on another company's deal
  59 deal_contact _fivetran_deleted
Companies k (id 500000 + k): the last N // 100 are is_deleted; k % 20 = 3 has parent k - 1.
Deals: one per company k (id 700000 + k), owned by company k (deal_company); k % 10 = 0 also
  associated with company k + 1 (the deal's account is the lowest company id); k % 50 = 7 is
  is_deleted; stage by k % 5: appointmentscheduled, qualifiedtobuy, closedwon, closedlost, and
  (4) a stage deleted from the pipeline (unknown: the deal is open).
Platform external IDs, for live contacts and leads:
  11 trailing space (whitespace)  12 the first merged-away id (merged_contact)
  13 the email (email_as_id)  14 absent (unknown)
  15 both its id and a merged-away id (a person twice in the platform)
  1 (deleted contacts) stay in the platform; plus N // 50 platform-only ids
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from toolkit.demo.synthetic import COUNTRIES, INDUSTRIES, _lit, count_residue
from toolkit.render import ident

PLATFORM_TABLE = "user_latest_state_default_attributes_view_shared"
LEAD_STAGES = {4: "subscriber", 5: "lead", 6: "marketingqualifiedlead"}


@dataclass(frozen=True)
class HubSpotManifest:
    contacts: int
    companies: int
    deleted_companies: int
    leads: int
    no_company: int
    deleted_company: int
    platform_only: int
    whitespace: int
    merged_contact: int
    email_as_id: int
    unknown: int


def manifest(n: int) -> HubSpotManifest:
    def c(r: int) -> int:
        return count_residue(n, r)

    return HubSpotManifest(
        contacts=n,
        companies=max(n // 10, 10),
        deleted_companies=max(n // 100, 1),
        leads=c(4) + c(5) + c(6),
        no_company=c(2),
        deleted_company=c(3),
        platform_only=n // 50,
        whitespace=c(11),
        merged_contact=c(12),
        email_as_id=c(13),
        unknown=c(14),
    )


def build_statements(n: int, schema: str = "hubspot", platform_schema: str = "braze") -> list[str]:
    m = manifest(n)
    a, d = m.companies, m.deleted_companies
    s, p = ident(schema).sql("duckdb"), ident(platform_schema).sql("duckdb")
    k = (
        f"CASE WHEN n % 100 = 2 THEN NULL WHEN n % 100 = 3 THEN {a} + (n // 100) % {d} "
        f"WHEN n % 100 BETWEEN 20 AND 24 THEN 0 ELSE 1 + (n * 7919) % {a - 1} END"
    )
    other = f"1 + (n * 13) % {a - 1}"
    ts = "TIMESTAMP '2022-03-07 10:00:00'"
    synced = "CAST(timezone('UTC', now()) AS TIMESTAMP)"
    stage = "CASE n % 100 " + " ".join(f"WHEN {r} THEN '{v}'" for r, v in LEAD_STAGES.items())
    stage += (
        " WHEN 7 THEN 'salesqualifiedlead' WHEN 8 THEN NULL WHEN 9 THEN 'opportunity' ELSE 'customer' END"
    )
    email = "'person' || n || '@company' || coalesce(CAST(k AS VARCHAR), 'none') || '.example.com'"
    merged = (
        "CASE WHEN n % 100 IN (12, 15) THEN CAST(9000000 + 2 * n AS VARCHAR) || ':1646647200000;' || "
        "CAST(9000001 + 2 * n AS VARCHAR) || ':1646733600000' END"
    )
    return [
        f"CREATE OR REPLACE TEMP TABLE hs_people AS SELECT n, {k} AS k, {other} AS k2 FROM range({n}) AS t(n)",
        f"CREATE SCHEMA IF NOT EXISTS {s}",
        f"CREATE SCHEMA IF NOT EXISTS {p}",
        f"""CREATE OR REPLACE TABLE {s}.contact AS
SELECT CAST(100000 + n AS BIGINT) AS id,
  {email} AS property_email,
  'First' || n AS property_firstname, 'Last' || n AS property_lastname,
  CASE n % 7 WHEN 0 THEN 'VP Marketing' WHEN 1 THEN 'Head of Growth' ELSE 'Manager' END AS property_jobtitle,
  {_lit(COUNTRIES)}[1 + n % {len(COUNTRIES)}] AS property_country,
  'Company ' || coalesce(CAST(k AS VARCHAR), 'none') AS property_company,
  {_lit(INDUSTRIES)}[1 + n % {len(INDUSTRIES)}] AS property_industry,
  CASE n % 3 WHEN 0 THEN 'ORGANIC_SEARCH' WHEN 1 THEN 'PAID_SOCIAL' ELSE 'OFFLINE' END AS property_hs_analytics_source,
  {stage} AS property_lifecyclestage,
  CAST(500000 + k AS BIGINT) AS property_associatedcompanyid,
  {merged} AS property_hs_calculated_merged_vids,
  {ts} + to_days(CAST(n % 500 AS INTEGER)) AS property_createdate,
  {ts} + to_days(CAST(n % 800 AS INTEGER) + 30) AS property_lastmodifieddate,
  n % 100 = 1 AS _fivetran_deleted, {synced} AS _fivetran_synced
FROM hs_people""",
        f"""CREATE OR REPLACE TABLE {s}.company AS
SELECT CAST(500000 + k AS BIGINT) AS id,
  'Company ' || k AS property_name,
  CASE k % 3 WHEN 0 THEN 'PROSPECT' WHEN 1 THEN 'CUSTOMER' ELSE 'PARTNER' END AS property_type,
  {_lit(INDUSTRIES)}[1 + k % {len(INDUSTRIES)}] AS property_industry,
  CAST(100000 * (1 + k % 500) AS DECIMAL(18, 2)) AS property_annualrevenue,
  CAST(10 + (k * 37) % 5000 AS BIGINT) AS property_numberofemployees,
  {_lit(COUNTRIES)}[1 + k % {len(COUNTRIES)}] AS property_country,
  'City ' || (k % 40) AS property_city, 'State ' || (k % 12) AS property_state,
  lpad(CAST(k % 99999 AS VARCHAR), 5, '0') AS property_zip,
  'company' || k || '.example.com' AS property_domain,
  CASE WHEN k % 20 = 3 THEN CAST(500000 + k - 1 AS BIGINT) END AS property_hs_parent_company_id,
  {ts} + to_days(CAST(k % 600 AS INTEGER)) AS property_hs_lastmodifieddate,
  k >= {a} AS is_deleted, FALSE AS _fivetran_deleted, {synced} AS _fivetran_synced
FROM range({a + d}) AS t(k)""",
        f"""CREATE OR REPLACE TABLE {s}.deal_pipeline_stage AS
SELECT * FROM (VALUES
  ('appointmentscheduled', 'default', 'Appointment scheduled', FALSE, TRUE, 0.2, FALSE),
  ('qualifiedtobuy', 'default', 'Qualified to buy', FALSE, TRUE, 0.4, FALSE),
  ('closedwon', 'default', 'Closed won', TRUE, TRUE, 1.0, FALSE),
  ('closedlost', 'default', 'Closed lost', FALSE, TRUE, 0.0, FALSE),
  ('retiredstage', 'default', 'Retired stage', FALSE, FALSE, 0.1, TRUE)
) AS v(stage_id, pipeline_id, label, closed_won, active, probability, _fivetran_deleted)
CROSS JOIN (SELECT {synced} AS _fivetran_synced)""",
        f"""CREATE OR REPLACE TABLE {s}.deal AS
SELECT CAST(700000 + k AS BIGINT) AS deal_id,
  'Deal ' || k AS property_dealname,
  CAST(1000 * (1 + k % 90) AS DECIMAL(18, 2)) AS property_amount,
  CASE k % 5 WHEN 0 THEN 'appointmentscheduled' WHEN 1 THEN 'qualifiedtobuy' WHEN 2 THEN 'closedwon'
    WHEN 3 THEN 'closedlost' ELSE 'retiredstage' END AS deal_pipeline_stage_id,
  'default' AS deal_pipeline_id,
  {ts} + to_days(CAST(k % 400 AS INTEGER) + 200) AS property_closedate,
  {ts} + to_days(CAST(k % 700 AS INTEGER)) AS property_hs_lastmodifieddate,
  k % 50 = 7 AS is_deleted, FALSE AS _fivetran_deleted, {synced} AS _fivetran_synced
FROM range({a + d}) AS t(k)""",
        f"""CREATE OR REPLACE TABLE {s}.deal_company AS
SELECT CAST(700000 + k AS BIGINT) AS deal_id, CAST(500000 + k AS BIGINT) AS company_id,
  FALSE AS _fivetran_deleted, {synced} AS _fivetran_synced
FROM range({a + d}) AS t(k)
UNION ALL
SELECT CAST(700000 + k AS BIGINT), CAST(500000 + k + 1 AS BIGINT), FALSE, {synced}
FROM range({a - 1}) AS t(k) WHERE k % 10 = 0""",
        f"""CREATE OR REPLACE TABLE {s}.deal_contact AS
SELECT CAST(700000 + CASE WHEN n % 100 BETWEEN 55 AND 57 THEN k2 WHEN n % 100 = 1 THEN 1 ELSE k END AS BIGINT) AS deal_id,
  CAST(100000 + n AS BIGINT) AS contact_id,
  n % 100 = 59 AS _fivetran_deleted, {synced} AS _fivetran_synced
FROM hs_people
WHERE (n % 100 BETWEEN 50 AND 59 AND n % 100 <> 58) OR n % 100 = 1""",
        f"""CREATE OR REPLACE TABLE {s}.contact_company AS
SELECT CAST(100000 + n AS BIGINT) AS contact_id,
  CAST(500000 + CASE WHEN n % 100 BETWEEN 30 AND 34 THEN k WHEN n % 100 = 41 THEN {a} ELSE k2 END AS BIGINT) AS company_id,
  n % 100 = 40 AS _fivetran_deleted, {synced} - to_minutes(CAST(n % 600 AS INTEGER)) AS _fivetran_synced
FROM hs_people
WHERE n % 100 BETWEEN 30 AND 41""",
        f"""CREATE OR REPLACE TABLE {p}.{PLATFORM_TABLE} AS
SELECT CASE n % 100
    WHEN 11 THEN CAST(100000 + n AS VARCHAR) || ' '
    WHEN 12 THEN CAST(9000000 + 2 * n AS VARCHAR)
    WHEN 13 THEN {email}
    ELSE CAST(100000 + n AS VARCHAR) END AS external_id,
  {email} AS email
FROM hs_people
WHERE n % 100 <> 14
UNION ALL
SELECT CAST(9000001 + 2 * n AS VARCHAR), NULL FROM hs_people WHERE n % 100 = 15
UNION ALL
SELECT 'app-user-' || lpad(CAST(i AS VARCHAR), 9, '0'), NULL FROM range({n // 50}) AS t(i)""",
        "DROP TABLE hs_people",
    ]


def build(
    connection: Any, n: int, schema: str = "hubspot", platform_schema: str = "braze"
) -> HubSpotManifest:
    """Build the portal into a DuckDB connection (a duckdb.DuckDBPyConnection)."""
    if n < 100:
        raise ValueError(
            "the synthetic HubSpot portal needs at least 100 contacts (one of each defect class)"
        )
    for stmt in build_statements(n, schema, platform_schema):
        connection.execute(stmt)
    return manifest(n)
