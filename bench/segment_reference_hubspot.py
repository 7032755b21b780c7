"""Hand-written SQL over a HubSpot portal's raw tables (Fivetran's) for the demo segments in
HubSpot values (toolkit/demo/run.py DEMO_SEGMENTS_HUBSPOT): canonical SQL, transpiled by sqlglot
per engine. Written from HubSpot's rules, not from the templates."""

from __future__ import annotations

from sqlglot import exp

from bench.segment_reference import HOSTILE

LEAD_STAGES = "'subscriber', 'lead', 'marketingqualifiedlead'"


def gone(a: str, is_deleted: bool = True) -> str:
    flag = f"COALESCE({a}.is_deleted, FALSE) OR " if is_deleted else ""
    return f"({flag}COALESCE({a}._fivetran_deleted, FALSE))"


# live contacts (lc), leads (ol: contacts at a lead stage), live companies (la), person-company
# pairs (pa: primary company or a contact_company association), live deals with their stage's
# verdict and lowest associated company (lo), person-deal pairs (po: deal_contact, or the
# person's primary company is the deal's company)
BASE = f"""
WITH lc AS (
  SELECT * FROM hubspot.contact AS c
  WHERE NOT {gone("c", False)} AND c.id IS NOT NULL
    AND (c.property_lifecyclestage IS NULL OR c.property_lifecyclestage NOT IN ({LEAD_STAGES}))
),
ol AS (
  SELECT * FROM hubspot.contact AS c
  WHERE NOT {gone("c", False)} AND c.id IS NOT NULL AND c.property_lifecyclestage IN ({LEAD_STAGES})
),
la AS (SELECT * FROM hubspot.company AS a WHERE NOT {gone("a")}),
pa AS (
  SELECT lc.id AS cid, la.property_industry AS industry, la.property_numberofemployees AS employees,
    la.property_annualrevenue AS revenue, la.property_type AS type
  FROM lc JOIN la ON la.id = lc.property_associatedcompanyid
  UNION
  SELECT lc.id, la.property_industry, la.property_numberofemployees, la.property_annualrevenue, la.property_type
  FROM hubspot.contact_company AS r
  JOIN lc ON lc.id = r.contact_id
  JOIN la ON la.id = r.company_id
  WHERE NOT {gone("r", False)}
),
lo AS (
  SELECT d.deal_id, d.property_amount AS amount, CAST(d.property_closedate AS DATE) AS close_date,
    s.label AS stage_name,
    COALESCE(s.closed_won OR s.probability = 0, FALSE) AS is_closed,
    (SELECT MIN(dc.company_id) FROM hubspot.deal_company AS dc
     WHERE dc.deal_id = d.deal_id AND NOT {gone("dc", False)}) AS company_id
  FROM hubspot.deal AS d
  LEFT JOIN (SELECT * FROM hubspot.deal_pipeline_stage AS s0 WHERE NOT {gone("s0", False)}) AS s
    ON s.stage_id = d.deal_pipeline_stage_id
  WHERE NOT {gone("d")}
),
po AS (
  SELECT lc.id AS cid, lo.is_closed, lo.amount, lo.close_date, lo.stage_name
  FROM hubspot.deal_contact AS r
  JOIN lc ON lc.id = r.contact_id
  JOIN lo ON lo.deal_id = r.deal_id
  WHERE NOT {gone("r", False)}
  UNION ALL
  SELECT lc.id, lo.is_closed, lo.amount, lo.close_date, lo.stage_name
  FROM lc JOIN lo ON lo.company_id = lc.property_associatedcompanyid
)
"""

REFERENCE = {
    "software_open_pipeline": """SELECT lc.id FROM lc
        WHERE EXISTS (SELECT 1 FROM pa WHERE pa.cid = lc.id AND pa.industry = 'Software' AND pa.employees > 1000)
          AND EXISTS (SELECT 1 FROM po WHERE po.cid = lc.id AND NOT po.is_closed AND po.amount > 50000)""",
    "emea_event_leads": """SELECT ol.id FROM ol
        WHERE ol.property_hs_analytics_source = 'OFFLINE' AND ol.property_country IN ('GB', 'DE', 'FR', 'NL', 'ES', 'IT')""",
    "no_open_pipeline": """SELECT lc.id FROM lc WHERE lc.property_associatedcompanyid IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM po WHERE po.cid = lc.id AND NOT po.is_closed)""",
    "vp_mid_market": """SELECT lc.id FROM lc WHERE LOWER(lc.property_jobtitle) LIKE '%vp%'
        AND EXISTS (SELECT 1 FROM pa WHERE pa.cid = lc.id AND pa.revenue BETWEEN 1000000 AND 5000000
                    AND pa.employees <= 4000)""",
    "nurture_or_japan": """SELECT ol.id FROM ol WHERE ol.property_lifecyclestage = 'marketingqualifiedlead'
          AND (ol.property_industry NOT IN ('Retail', 'Media') OR ol.property_industry IS NULL)
        UNION
        SELECT lc.id FROM lc WHERE lc.property_country = 'JP'
          AND EXISTS (SELECT 1 FROM pa WHERE pa.cid = lc.id AND (pa.type <> 'PARTNER' OR pa.type IS NULL))""",
    "closing_in_q2": f"""SELECT lc.id FROM lc WHERE lc.property_email IS NOT NULL
        AND EXISTS (SELECT 1 FROM po WHERE po.cid = lc.id AND po.close_date >= CAST('2023-04-01' AS DATE)
                    AND po.close_date < CAST('2023-07-01' AS DATE)
                    AND (po.stage_name <> {exp.Literal.string(HOSTILE).sql()} OR po.stage_name IS NULL))""",
}
ACCOUNTS_REFERENCE = """SELECT la.property_name FROM la WHERE la.property_industry IN ('Software', 'Financial Services')
    AND EXISTS (SELECT 1 FROM lo WHERE lo.company_id = la.id AND NOT lo.is_closed)"""
