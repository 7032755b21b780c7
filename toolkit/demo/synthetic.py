"""A synthetic Salesforce org (Fivetran naming) with the defects of a real one, in known amounts,
plus the platform's external IDs with known mismatches. Built inside DuckDB with set-based SQL
(`range(N)`), never row by row in Python, so it scales to 10 million contacts.

Every defect is decided by the record's number: contact n has r = n % 100, and the residue
classes below are disjoint, so each injected amount is `count_residue(N, r)`. `Manifest` holds
those amounts; the validator's tests compare its findings with them.

Contacts (r = n % 100):
  1 is_deleted        2 _fivetran_deleted   3 account_id stored as 15 chars
  4 no account        5 account is deleted  6, 7, 15 converted from a lead (7: the lead's
  converted_contact_id is the 15-char form)
  16 account_id is an 18-char id lowercased (its checksum is wrong; it matches no account)
  20-24 all on account 0 (account skew)
  30-34 AccountContactRelation direct to own account (same pair as the contact link)
  35-39 AccountContactRelation to another account (indirect)
  40 ACR is_deleted   41 ACR to a deleted account   42 ACR inactive
  50-54 OpportunityContactRole on their own account's opportunity (50: primary)
  55-57 OpportunityContactRole on another account's opportunity
  58 OpportunityContactRole with the 15-char contact id   59 OCR is_deleted
  1 (deleted contact) also has an OCR row, which must drop out
Platform external IDs, for live contacts:
  10 lowercase (case_mismatch)  11 trailing space (whitespace)  12 15-char form (15_vs_18)
  6 the converted lead's id (converted_lead)  13 the email (email_as_id)  14 absent (unknown)
  15 both the contact id and its converted lead's id (a person twice in the platform)
  1 (deleted contacts) stay in the platform: platform ids with no person
  plus N // 50 platform-only ids
Open leads (m = lead number, q = m % 100): 1 is_deleted, 2 _fivetran_deleted, 50 absent from the
platform (unknown).
Every table was synced at build time, except OpportunityContactRole, whose sync stalled 36 hours
earlier (source_freshness).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from toolkit.render import ident

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SPACE = 62**10
MULT = 48271 * 1000003  # coprime with 62**10: distinct numbers give distinct ids
INDUSTRIES = [
    "Software",
    "Manufacturing",
    "Healthcare",
    "Financial Services",
    "Retail",
    "Education",
    "Energy",
    "Media",
]
COUNTRIES = ["US", "GB", "DE", "FR", "NL", "ES", "IT", "CA", "AU", "JP"]
LEAD_SOURCES = ["Event", "Web", "Partner Referral", "Webinar", "Cold Call"]
STATUSES = ["Open - Not Contacted", "Working - Contacted", "Nurturing"]
STAGES_OPEN = ["Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review"]

CONTACT_PREFIX, LEAD_PREFIX, ACCOUNT_PREFIX, OPP_PREFIX = "003", "00Q", "001", "006"
SALT = {"003": 11, "00Q": 23, "001": 37, "006": 53, "07k": 71, "00K": 89}


def count_residue(total: int, residue: int, modulus: int = 100) -> int:
    return total // modulus + (1 if total % modulus > residue else 0)


@dataclass(frozen=True)
class Manifest:
    contacts: int
    accounts: int
    deleted_accounts: int
    open_leads: int
    platform_only: int
    # injected amounts (the validator must find exactly these)
    case_mismatch: int
    whitespace: int
    salesforce_15_vs_18: int
    converted_lead: int
    email_as_id: int
    unknown_contacts: int
    unknown_leads: int
    platform_twice: int
    platform_ids_without_person: int
    orphan_contacts: int
    bad_checksum_ids: int
    skewed_account_contacts: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def manifest(n_contacts: int) -> Manifest:
    a, d, m = sizes(n_contacts)
    c = lambda r: count_residue(n_contacts, r)  # noqa: E731
    leads_live = m - count_residue(m, 1) - count_residue(m, 2)
    return Manifest(
        contacts=n_contacts,
        accounts=a,
        deleted_accounts=d,
        open_leads=leads_live,
        platform_only=n_contacts // 50,
        case_mismatch=c(10),
        whitespace=c(11),
        salesforce_15_vs_18=c(12),
        converted_lead=c(6),
        email_as_id=c(13),
        unknown_contacts=c(14),
        unknown_leads=count_residue(m, 50),
        platform_twice=c(15),
        # deleted contacts' ids, every mismatched variant, converted leads' ids, platform-only users
        platform_ids_without_person=sum(c(r) for r in (1, 6, 10, 11, 12, 13, 15)) + n_contacts // 50,
        orphan_contacts=c(4) + c(5) + c(16),
        bad_checksum_ids=c(16),
        skewed_account_contacts=sum(c(r) for r in range(20, 25)),
    )


def integrity_expected(n_contacts: int) -> dict[str, int]:
    """Rows of the views that point at a CRM record that does not exist, from the rules above:
    opportunities reached through a deleted account (r = 5), and account rows whose parent is a
    deleted account (accounts k % 50 == 7). A loop over the contacts: for tests at small N."""
    a, d, _ = sizes(n_contacts)
    opp_rows = account_rows = 0
    for n in range(n_contacts):
        r = n % 100
        if r in (1, 2):
            continue
        if r == 5:
            opp_rows += (a + (n // 100) % d) % 10 != 9
            continue
        k = None if r == 4 else 0 if 20 <= r <= 24 else 1 + (n * 7919) % (a - 1)
        linked = set()
        if k is not None and r != 16:
            linked.add(k)
        if 35 <= r <= 39:
            linked.add(1 + (n * 13) % (a - 1))
        account_rows += sum(1 for x in linked if x % 50 == 7)
    return {"opportunities": opp_rows, "accounts": account_rows}


def sizes(n_contacts: int) -> tuple[int, int, int]:
    accounts = max(n_contacts // 10, 20)
    deleted = max(accounts // 50, 2)
    open_leads = n_contacts // 2
    return accounts, deleted, open_leads


def _lit(items: list[str]) -> str:
    return "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in items) + "]"


def _ids_table(name: str, prefix: str, count: int) -> str:
    """A temp table (n, id15, id18) of `count` Salesforce-looking ids. The 18-char checksum is
    computed from the base-62 digits directly (cheap integer arithmetic); the tests check these
    ids against `toolkit.sfid.to_18`, and the views' SQL checksum against both."""
    fixed = prefix + "Dm"  # 'Dm' guarantees an uppercase and a lowercase letter in every id
    g1 = sum(1 << j for j, ch in enumerate(fixed) if "A" <= ch <= "Z")
    x = f"CAST((CAST(n AS HUGEINT) * {MULT} + {SALT[prefix]}) % {SPACE} AS BIGINT)"
    digits = ", ".join(f"CAST((x // {62**k}) % 62 AS INTEGER) AS d{k}" for k in range(10))
    id15 = f"'{fixed}' || " + " || ".join(f"substr('{BASE62}', d{k} + 1, 1)" for k in range(10))
    up = lambda k: f"CAST(d{k} BETWEEN 10 AND 35 AS INTEGER)"  # noqa: E731
    g2 = " + ".join(f"{up(k)} * {1 << k}" for k in range(5))
    g3 = " + ".join(f"{up(k + 5)} * {1 << k}" for k in range(5))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    return f"""CREATE OR REPLACE TEMP TABLE {name} AS
SELECT n, id15, id15 || '{alphabet[g1]}' || substr('{alphabet}', g2 + 1, 1) || substr('{alphabet}', g3 + 1, 1) AS id18
FROM (SELECT n, {id15} AS id15, {g2} AS g2, {g3} AS g3
      FROM (SELECT n, {digits} FROM (SELECT range AS n, {x.replace("n", "range")} AS x FROM range({count}))))"""


def build_statements(
    n_contacts: int, schema: str = "salesforce", platform_schema: str = "braze"
) -> list[str]:
    a, d, m = sizes(n_contacts)
    s = ident(schema).sql("duckdb")
    p = ident(platform_schema).sql("duckdb")
    # contact n's account number (NULL: no account)
    acct = (
        f"CASE WHEN n % 100 = 4 THEN NULL WHEN n % 100 = 5 THEN {a} + (n // 100) % {d} "
        f"WHEN n % 100 BETWEEN 20 AND 24 THEN 0 ELSE 1 + (n * 7919) % {a - 1} END"
    )
    other_acct = f"1 + (n * 13) % {a - 1}"
    ind, ctry = _lit(INDUSTRIES), _lit(COUNTRIES)
    ts = "TIMESTAMP '2021-01-04 09:00:00'"
    # the loader's sync time (source_freshness): now, except a sync of OpportunityContactRole
    # that stalled a day and a half ago
    synced = "CAST(timezone('UTC', now()) AS TIMESTAMP)"
    stalled = f"({synced} - INTERVAL 36 HOUR)"
    email = "'person' || n || '@company' || coalesce(CAST(k AS VARCHAR), 'none') || '.example.com'"
    return [
        _ids_table("ids_account", ACCOUNT_PREFIX, a + d),
        _ids_table("ids_contact", CONTACT_PREFIX, n_contacts),
        _ids_table("ids_lead", LEAD_PREFIX, m + n_contacts),
        _ids_table("ids_opp", OPP_PREFIX, a + d),
        # contact number -> its account number, and the other account it may relate to
        f"CREATE OR REPLACE TEMP TABLE demo_people AS SELECT n, {acct} AS k, {other_acct} AS k2 FROM range({n_contacts}) AS t(n)",
        f"CREATE SCHEMA IF NOT EXISTS {s}",
        f"CREATE SCHEMA IF NOT EXISTS {p}",
        f"""CREATE OR REPLACE TABLE {s}.account AS
SELECT i.id18 AS id,
  'Company ' || k AS name,
  CASE k % 3 WHEN 0 THEN 'Customer' WHEN 1 THEN 'Prospect' ELSE 'Partner' END AS type,
  {ind}[k % 8 + 1] AS industry,
  CAST((k % 97 + 1) * 125000 AS DECIMAL(18, 2)) AS annual_revenue,
  CAST((k * 37) % 5000 + 1 AS INTEGER) AS number_of_employees,
  {ctry}[k % 10 + 1] AS billing_country,
  'City ' || (k % 211) AS billing_city,
  'State ' || (k % 17) AS billing_state,
  lpad(CAST(k % 99991 AS VARCHAR), 5, '0') AS billing_postal_code,
  CASE k % 4 WHEN 0 THEN 'https://www.company' || k || '.example.com'
             WHEN 1 THEN 'http://company' || k || '.example.com/'
             WHEN 2 THEN 'www.company' || k || '.example.com'
             ELSE 'company' || k || '.example.com' END AS website,
  CASE WHEN k % 50 = 7 THEN pd.id18 WHEN k % 20 = 1 THEN pp.id15 WHEN k % 10 = 1 THEN pp.id18 END AS parent_id,
  'T' || (k % 5) AS territory__c,
  {ts} + to_days(CAST(k % 900 AS INTEGER)) AS last_modified_date,
  k >= {a} AND k % 2 = 0 AS is_deleted,
  k >= {a} AND k % 2 = 1 AS _fivetran_deleted,
  {synced} AS _fivetran_synced
FROM (SELECT n AS k, id18 FROM ids_account) AS i
LEFT JOIN ids_account AS pp ON pp.n = i.k - 1
LEFT JOIN ids_account AS pd ON pd.n = {a} + i.k % {d}
ORDER BY k""",
        f"""CREATE OR REPLACE TABLE {s}.contact AS
SELECT c.id18 AS id,
  CASE WHEN n % 100 = 3 THEN ac.id15 WHEN n % 100 = 16 THEN lower(ac.id18) ELSE ac.id18 END AS account_id,
  {email} AS email,
  'First' || (n % 1000) AS first_name,
  'Last' || n AS last_name,
  CASE n % 5 WHEN 0 THEN 'VP Marketing' WHEN 1 THEN 'Engineer' WHEN 2 THEN 'CTO' WHEN 3 THEN 'Analyst' ELSE NULL END AS title,
  {ctry}[n % 10 + 1] AS mailing_country,
  {ts} + to_days(CAST(n % 1000 AS INTEGER)) AS created_date,
  {ts} + to_days(CAST(n % 1000 AS INTEGER) + 30) AS last_modified_date,
  n % 100 = 1 AS is_deleted,
  n % 100 = 2 AS _fivetran_deleted,
  {synced} AS _fivetran_synced
FROM demo_people AS dp
JOIN ids_contact AS c USING (n)
LEFT JOIN ids_account AS ac ON ac.n = dp.k
ORDER BY n""",
        f"""CREATE OR REPLACE TABLE {s}.lead AS
SELECT l.id18 AS id,
  CASE WHEN m % 100 = 3 THEN NULL ELSE 'lead' || m || '@prospect' || (m % 997) || '.example.org' END AS email,
  'Lead' || (m % 1000) AS first_name, 'Person' || m AS last_name, 'Manager' AS title,
  'Prospect ' || (m % 997) AS company,
  {_lit(STATUSES)}[m % 3 + 1] AS status,
  {ind}[m % 8 + 1] AS industry,
  {_lit(LEAD_SOURCES)}[m % 5 + 1] AS lead_source,
  {ctry}[m % 10 + 1] AS country,
  FALSE AS is_converted, CAST(NULL AS VARCHAR) AS converted_contact_id,
  CAST(NULL AS VARCHAR) AS converted_account_id,
  {ts} + to_days(CAST(m % 700 AS INTEGER)) AS created_date,
  {ts} + to_days(CAST(m % 700 AS INTEGER) + 7) AS last_modified_date,
  m % 100 = 1 AS is_deleted, m % 100 = 2 AS _fivetran_deleted, {synced} AS _fivetran_synced
FROM (SELECT n AS m, id18 FROM ids_lead WHERE n < {m}) AS l
UNION ALL
SELECT l.id18, 'person' || dp.n || '@old-lead.example.org', 'First' || (dp.n % 1000), 'Last' || dp.n, NULL,
  'Converted Co', 'Closed - Converted', NULL, 'Web', NULL,
  TRUE, CASE WHEN dp.n % 100 = 7 THEN c.id15 ELSE c.id18 END, ac.id18,
  {ts}, {ts}, FALSE, FALSE, {synced}
FROM demo_people AS dp
JOIN ids_contact AS c ON c.n = dp.n
JOIN ids_lead AS l ON l.n = {m} + dp.n
LEFT JOIN ids_account AS ac ON ac.n = dp.k
WHERE dp.n % 100 IN (6, 7, 15)""",
        f"""CREATE OR REPLACE TABLE {s}.opportunity AS
SELECT o.id18 AS id, 'Deal ' || k AS name,
  CASE WHEN k % 10 = 3 THEN ac.id15 ELSE ac.id18 END AS account_id,
  CASE WHEN k % 8 = 0 THEN 'Closed Won' WHEN k % 4 = 0 THEN 'Closed Lost' ELSE {_lit(STAGES_OPEN)}[k % 4 + 1] END AS stage_name,
  CAST(1000 * (k % 97 + 1) AS DECIMAL(18, 2)) AS amount,
  DATE '2025-01-01' + CAST(k % 365 AS INTEGER) AS close_date,
  k % 4 = 0 AS is_closed, k % 8 = 0 AS is_won,
  {ts} AS last_modified_date,
  k % 10 = 9 AS is_deleted, FALSE AS _fivetran_deleted, {synced} AS _fivetran_synced
FROM (SELECT n AS k, id18 FROM ids_opp) AS o
JOIN ids_account AS ac ON ac.n = o.k
ORDER BY k""",
        f"""CREATE OR REPLACE TABLE {s}.opportunity_contact_role AS
SELECT 'OCR' || lpad(CAST(dp.n AS VARCHAR), 12, '0') AS id,
  CASE WHEN dp.n % 100 = 58 THEN c.id15 ELSE c.id18 END AS contact_id,
  o.id18 AS opportunity_id,
  CASE WHEN dp.n % 100 = 50 THEN 'Decision Maker' WHEN dp.n % 100 BETWEEN 55 AND 57 THEN 'Influencer' ELSE 'Evaluator' END AS role,
  dp.n % 100 = 50 AS is_primary,
  {ts} + to_days(CAST(dp.n % 800 AS INTEGER) + 60) AS last_modified_date,
  dp.n % 100 = 59 AS is_deleted, FALSE AS _fivetran_deleted, {stalled} AS _fivetran_synced
FROM demo_people AS dp
JOIN ids_contact AS c ON c.n = dp.n
JOIN ids_opp AS o ON o.n = CASE WHEN dp.n % 100 BETWEEN 55 AND 57 THEN dp.k2 WHEN dp.n % 100 = 1 THEN 1 ELSE dp.k END
WHERE dp.n % 100 BETWEEN 50 AND 59 OR dp.n % 100 = 1""",
        f"""CREATE OR REPLACE TABLE {s}.account_contact_relation AS
SELECT 'ACR' || lpad(CAST(dp.n AS VARCHAR), 12, '0') AS id,
  ac.id18 AS account_id,
  c.id18 AS contact_id,
  dp.n % 100 BETWEEN 30 AND 34 AS is_direct,
  dp.n % 100 <> 42 AS is_active,
  {ts} + to_days(CAST(dp.n % 800 AS INTEGER) + 45) AS last_modified_date,
  dp.n % 100 = 40 AS is_deleted, FALSE AS _fivetran_deleted, {synced} AS _fivetran_synced
FROM demo_people AS dp
JOIN ids_contact AS c ON c.n = dp.n
JOIN ids_account AS ac ON ac.n = CASE WHEN dp.n % 100 BETWEEN 30 AND 34 THEN dp.k WHEN dp.n % 100 = 41 THEN {a} ELSE dp.k2 END
WHERE dp.n % 100 BETWEEN 30 AND 42""",
        f"""CREATE OR REPLACE TABLE {p}.user_latest_state_default_attributes_view_shared AS
SELECT CASE dp.n % 100
    WHEN 10 THEN lower(c.id18)
    WHEN 11 THEN c.id18 || ' '
    WHEN 12 THEN c.id15
    WHEN 6 THEN l.id18
    WHEN 13 THEN {email.replace("n ||", "dp.n ||")}
    ELSE c.id18 END AS external_id,
  {email.replace("n ||", "dp.n ||")} AS email
FROM demo_people AS dp
JOIN ids_contact AS c ON c.n = dp.n
LEFT JOIN ids_lead AS l ON l.n = {m} + dp.n
WHERE dp.n % 100 NOT IN (2, 14)
UNION ALL
SELECT l.id18, NULL FROM ids_lead AS l WHERE l.n >= {m} AND (l.n - {m}) % 100 = 15
UNION ALL
SELECT l.id18, NULL FROM ids_lead AS l WHERE l.n < {m} AND l.n % 100 NOT IN (1, 2, 50)
UNION ALL
SELECT 'app-user-' || lpad(CAST(i AS VARCHAR), 9, '0'), NULL FROM range({n_contacts // 50}) AS t(i)""",
        "DROP TABLE ids_account",
        "DROP TABLE ids_contact",
        "DROP TABLE ids_lead",
        "DROP TABLE ids_opp",
        "DROP TABLE demo_people",
    ]


def build(
    connection: Any, n_contacts: int, schema: str = "salesforce", platform_schema: str = "braze"
) -> Manifest:
    """Build the org into a DuckDB connection (a duckdb.DuckDBPyConnection)."""
    if n_contacts < 100:
        raise ValueError("the synthetic org needs at least 100 contacts (one of each defect class)")
    for stmt in build_statements(n_contacts, schema, platform_schema):
        connection.execute(stmt)
    return manifest(n_contacts)
