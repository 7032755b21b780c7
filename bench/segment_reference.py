"""Hand-written SQL over the raw CRM tables for the demo segments (canonical SQL, transpiled by
sqlglot per engine). The tests check the compiled segments against it; the benchmark times it."""

from __future__ import annotations

from sqlglot import exp

HOSTILE = "x' OR '1'='1"


def live(a: str) -> str:
    return f"NOT COALESCE({a}.is_deleted, FALSE) AND NOT COALESCE({a}._fivetran_deleted, FALSE)"


def same(a: str, b: str) -> str:
    """15/18-char Salesforce ids match on their first 15 (case-sensitive) characters."""
    return f"SUBSTRING({a}, 1, 15) = SUBSTRING({b}, 1, 15)"


# Hand-written over the raw tables: live contacts (lc), open leads (ol), live accounts (la),
# person-account pairs (pa: own account or active AccountContactRelation), live opportunities
# (lo), person-opportunity pairs (po: contact role or the person's account owns it).
BASE = f"""
WITH lc AS (SELECT * FROM salesforce.contact AS c WHERE {live("c")}),
ol AS (SELECT * FROM salesforce.lead AS l WHERE {live("l")} AND NOT COALESCE(l.is_converted, FALSE)),
la AS (SELECT * FROM salesforce.account AS a WHERE {live("a")}),
pa AS (
  SELECT lc.id AS cid, la.id AS aid, la.industry, la.number_of_employees, la.annual_revenue, la.type
  FROM lc JOIN la ON {same("la.id", "lc.account_id")}
  UNION
  SELECT lc.id, la.id, la.industry, la.number_of_employees, la.annual_revenue, la.type
  FROM salesforce.account_contact_relation AS r
  JOIN lc ON {same("r.contact_id", "lc.id")}
  JOIN la ON {same("la.id", "r.account_id")}
  WHERE {live("r")} AND COALESCE(r.is_active, TRUE)
),
lo AS (SELECT * FROM salesforce.opportunity AS o WHERE {live("o")}),
po AS (
  SELECT lc.id AS cid, lo.is_closed, lo.amount, lo.close_date, lo.stage_name
  FROM salesforce.opportunity_contact_role AS r
  JOIN lc ON {same("r.contact_id", "lc.id")}
  JOIN lo ON {same("lo.id", "r.opportunity_id")}
  WHERE {live("r")}
  UNION ALL
  SELECT lc.id, lo.is_closed, lo.amount, lo.close_date, lo.stage_name
  FROM lc JOIN lo ON {same("lo.account_id", "lc.account_id")}
)
"""

REFERENCE = {
    "software_open_pipeline": """SELECT lc.id FROM lc
        WHERE EXISTS (SELECT 1 FROM pa WHERE pa.cid = lc.id AND pa.industry = 'Software' AND pa.number_of_employees > 1000)
          AND EXISTS (SELECT 1 FROM po WHERE po.cid = lc.id AND NOT COALESCE(po.is_closed, FALSE) AND po.amount > 50000)""",
    "emea_event_leads": """SELECT ol.id FROM ol
        WHERE ol.lead_source = 'Event' AND ol.country IN ('GB', 'DE', 'FR', 'NL', 'ES', 'IT')""",
    "no_open_pipeline": """SELECT lc.id FROM lc WHERE lc.account_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM po WHERE po.cid = lc.id AND NOT COALESCE(po.is_closed, FALSE))""",
    "vp_mid_market": """SELECT lc.id FROM lc WHERE LOWER(lc.title) LIKE '%vp%'
        AND EXISTS (SELECT 1 FROM pa WHERE pa.cid = lc.id AND pa.annual_revenue BETWEEN 1000000 AND 5000000
                    AND pa.number_of_employees <= 4000)""",
    "nurture_or_japan": """SELECT ol.id FROM ol WHERE ol.status = 'Nurturing' AND (ol.industry NOT IN ('Retail', 'Media') OR ol.industry IS NULL)
        UNION
        SELECT lc.id FROM lc WHERE lc.mailing_country = 'JP'
          AND EXISTS (SELECT 1 FROM pa WHERE pa.cid = lc.id AND (pa.type <> 'Partner' OR pa.type IS NULL))""",
    "closing_in_q2": f"""SELECT lc.id FROM lc WHERE lc.email IS NOT NULL
        AND EXISTS (SELECT 1 FROM po WHERE po.cid = lc.id AND po.close_date >= CAST('2025-04-01' AS DATE)
                    AND po.close_date < CAST('2025-07-01' AS DATE)
                    AND (po.stage_name <> {exp.Literal.string(HOSTILE).sql()} OR po.stage_name IS NULL))""",
}
ACCOUNTS_REFERENCE = """SELECT la.name FROM la WHERE la.industry IN ('Software', 'Financial Services')
    AND EXISTS (SELECT 1 FROM lo WHERE {same} AND NOT COALESCE(lo.is_closed, FALSE))""".format(
    same=same("lo.account_id", "la.id")
)
