-- Each HubSpot view's rows, written by hand over Fivetran's HubSpot tables the way an analytics
-- engineer would for this portal (crm_id identity, the default lead stages, contact_company
-- synced): the baseline for bench/hubspot_case.py. Same rows and columns as the views; none of
-- their generality (typed NULLs, other namings, other identity strategies).

-- view: contacts
SELECT CAST(c.id AS TEXT) AS user_id, CAST(c.id AS TEXT) AS contact_id,
  CAST(c.property_associatedcompanyid AS TEXT) AS account_id, c.property_email AS email,
  c.property_firstname AS first_name, c.property_lastname AS last_name, c.property_jobtitle AS title,
  c.property_country AS country, CAST(NULL AS TEXT) AS converted_from_lead_id,
  c.property_createdate AS created_at, c.property_lastmodifieddate AS updated_at, FALSE AS is_person_account
FROM hubspot.contact AS c
WHERE c._fivetran_deleted IS NOT TRUE AND c.id IS NOT NULL
  AND (c.property_lifecyclestage IS NULL
       OR c.property_lifecyclestage NOT IN ('subscriber', 'lead', 'marketingqualifiedlead'));

-- view: leads
SELECT CAST(c.id AS TEXT) AS user_id, CAST(c.id AS TEXT) AS lead_id, c.property_email AS email,
  c.property_firstname AS first_name, c.property_lastname AS last_name, c.property_jobtitle AS title,
  c.property_company AS company, c.property_lifecyclestage AS status, c.property_industry AS industry,
  c.property_hs_analytics_source AS lead_source, c.property_country AS country,
  c.property_createdate AS created_at, c.property_lastmodifieddate AS updated_at
FROM hubspot.contact AS c
WHERE c._fivetran_deleted IS NOT TRUE AND c.id IS NOT NULL
  AND c.property_lifecyclestage IN ('subscriber', 'lead', 'marketingqualifiedlead');

-- view: accounts
WITH c AS (
  SELECT c.id, c.property_associatedcompanyid AS company_id, c.property_lastmodifieddate AS updated_at
  FROM hubspot.contact AS c
  WHERE c._fivetran_deleted IS NOT TRUE AND c.id IS NOT NULL
    AND (c.property_lifecyclestage IS NULL
         OR c.property_lifecyclestage NOT IN ('subscriber', 'lead', 'marketingqualifiedlead'))
), links AS (
  SELECT c.id AS contact_id, c.company_id, 1 AS is_direct, c.updated_at AS linked_at FROM c
  UNION ALL
  SELECT cc.contact_id, cc.company_id, 0, MAX(cc._fivetran_synced)
  FROM hubspot.contact_company AS cc
  JOIN c ON c.id = cc.contact_id
  WHERE cc._fivetran_deleted IS NOT TRUE AND (c.company_id IS NULL OR cc.company_id <> c.company_id)
  GROUP BY cc.contact_id, cc.company_id
)
SELECT CAST(l.contact_id AS TEXT) AS user_id, CAST(a.id AS TEXT) AS account_id, a.property_name AS account_name,
  a.property_type AS account_type, a.property_industry AS industry, a.property_annualrevenue AS annual_revenue,
  a.property_numberofemployees AS number_of_employees, a.property_country AS billing_country,
  a.property_city AS billing_city, a.property_state AS billing_state, a.property_zip AS billing_postal_code,
  a.property_domain AS website, CAST(a.property_hs_parent_company_id AS TEXT) AS parent_account_id,
  l.is_direct = 1 AS is_direct, FALSE AS is_person_account, l.linked_at
FROM links AS l
JOIN hubspot.company AS a
  ON a.id = l.company_id
WHERE a.is_deleted IS NOT TRUE AND a._fivetran_deleted IS NOT TRUE;

-- view: opportunities
WITH c AS (
  SELECT c.id, c.property_associatedcompanyid AS company_id
  FROM hubspot.contact AS c
  WHERE c._fivetran_deleted IS NOT TRUE AND c.id IS NOT NULL
    AND (c.property_lifecyclestage IS NULL
         OR c.property_lifecyclestage NOT IN ('subscriber', 'lead', 'marketingqualifiedlead'))
), deals AS (
  SELECT d.deal_id, dk.company_id, d.property_dealname, s.label, d.property_amount,
    CAST(d.property_closedate AS DATE) AS close_date,
    COALESCE(s.closed_won IS TRUE OR s.probability = 0, FALSE) AS is_closed,
    COALESCE(s.closed_won IS TRUE, FALSE) AS is_won
  FROM hubspot.deal AS d
  LEFT JOIN hubspot.deal_pipeline_stage AS s
    ON s.stage_id = d.deal_pipeline_stage_id AND s._fivetran_deleted IS NOT TRUE
  LEFT JOIN (
    SELECT deal_id, MIN(company_id) AS company_id FROM hubspot.deal_company
    WHERE _fivetran_deleted IS NOT TRUE GROUP BY deal_id
  ) AS dk ON dk.deal_id = d.deal_id
  WHERE d.is_deleted IS NOT TRUE AND d._fivetran_deleted IS NOT TRUE
), roles AS (
  SELECT DISTINCT r.contact_id, r.deal_id
  FROM hubspot.deal_contact AS r
  JOIN c ON c.id = r.contact_id
  WHERE r._fivetran_deleted IS NOT TRUE
), pairs AS (
  SELECT contact_id, deal_id, 1 AS via_role FROM roles
  UNION ALL
  SELECT c.id, d.deal_id, 0
  FROM c JOIN deals AS d ON d.company_id = c.company_id
  WHERE NOT EXISTS (SELECT 1 FROM roles AS r WHERE r.contact_id = c.id AND r.deal_id = d.deal_id)
)
SELECT CAST(p.contact_id AS TEXT) AS user_id, CAST(d.deal_id AS TEXT) AS opportunity_id,
  CAST(d.company_id AS TEXT) AS account_id, d.property_dealname AS opportunity_name, d.label AS stage_name,
  d.property_amount AS amount, d.close_date, d.is_closed, d.is_won, CAST(NULL AS TEXT) AS contact_role,
  FALSE AS is_primary_contact, CASE WHEN p.via_role = 1 THEN 'contact_role' ELSE 'account' END AS link_type
FROM pairs AS p
JOIN deals AS d ON d.deal_id = p.deal_id;

-- view: users
WITH c AS (
  SELECT c.*
  FROM hubspot.contact AS c
  WHERE c._fivetran_deleted IS NOT TRUE AND c.id IS NOT NULL
), deals AS (
  SELECT d.deal_id, dk.company_id, d.property_amount,
    COALESCE(s.closed_won IS TRUE OR s.probability = 0, FALSE) AS is_closed
  FROM hubspot.deal AS d
  LEFT JOIN hubspot.deal_pipeline_stage AS s
    ON s.stage_id = d.deal_pipeline_stage_id AND s._fivetran_deleted IS NOT TRUE
  LEFT JOIN (
    SELECT deal_id, MIN(company_id) AS company_id FROM hubspot.deal_company
    WHERE _fivetran_deleted IS NOT TRUE GROUP BY deal_id
  ) AS dk ON dk.deal_id = d.deal_id
  WHERE d.is_deleted IS NOT TRUE AND d._fivetran_deleted IS NOT TRUE
), contacts AS (
  SELECT * FROM c
  WHERE c.property_lifecyclestage IS NULL
     OR c.property_lifecyclestage NOT IN ('subscriber', 'lead', 'marketingqualifiedlead')
), pairs AS (
  SELECT r.contact_id, r.deal_id
  FROM hubspot.deal_contact AS r
  WHERE r._fivetran_deleted IS NOT TRUE
  UNION
  SELECT ct.id, d.deal_id FROM contacts AS ct JOIN deals AS d ON d.company_id = ct.property_associatedcompanyid
), pipeline AS (
  SELECT p.contact_id, ARRAY_AGG(CAST(d.deal_id AS TEXT) ORDER BY CAST(d.deal_id AS TEXT)) AS opportunity_ids,
    SUM(CASE WHEN d.is_closed THEN 0 ELSE 1 END) AS open_opportunity_count,
    SUM(CASE WHEN d.is_closed THEN 0 ELSE COALESCE(d.property_amount, 0) END) AS open_pipeline_amount
  FROM pairs AS p JOIN deals AS d ON d.deal_id = p.deal_id
  GROUP BY p.contact_id
)
SELECT CAST(ct.id AS TEXT) AS user_id, 'contact' AS person_type, ct.property_email AS email,
  CAST(ct.property_associatedcompanyid AS TEXT) AS account_id, a.property_name AS account_name,
  a.property_industry AS industry, COALESCE(pl.opportunity_ids, ARRAY[]::TEXT[]) AS opportunity_ids,
  COALESCE(pl.open_opportunity_count, 0) AS open_opportunity_count,
  COALESCE(pl.open_pipeline_amount, 0) AS open_pipeline_amount, ct.property_lastmodifieddate AS updated_at
FROM contacts AS ct
LEFT JOIN hubspot.company AS a
  ON a.id = ct.property_associatedcompanyid AND a.is_deleted IS NOT TRUE AND a._fivetran_deleted IS NOT TRUE
LEFT JOIN pipeline AS pl ON pl.contact_id = ct.id
UNION ALL
SELECT CAST(l.id AS TEXT), 'lead', l.property_email, NULL, NULL, l.property_industry, NULL, NULL, NULL,
  l.property_lastmodifieddate
FROM c AS l
WHERE l.property_lifecyclestage IN ('subscriber', 'lead', 'marketingqualifiedlead');
