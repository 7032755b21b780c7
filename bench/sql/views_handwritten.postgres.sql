-- Each view's rows, written by hand over the raw tables the way an analytics engineer would
-- for this org (Fivetran naming, crm_id identity, 18-char ids, AccountContactRelation synced,
-- extra field account.territory): the baseline for bench/planner.py. B2B_SF18(x) is the
-- 15 -> 18 conversion, expanded by the postgres dialect module (the same expression the views
-- use), so the comparison is about the query's structure, not the conversion.

-- view: contacts
WITH conv AS (
  SELECT B2B_SF18(l.converted_contact_id) AS contact_id, MIN(B2B_SF18(l.id)) AS lead_id
  FROM salesforce.lead AS l
  WHERE l.is_converted IS TRUE AND l.converted_contact_id IS NOT NULL
  GROUP BY 1
), c AS (
  SELECT B2B_SF18(c.id) AS contact_id, c.*
  FROM salesforce.contact AS c
  WHERE c.is_deleted IS NOT TRUE AND c._fivetran_deleted IS NOT TRUE AND c.id IS NOT NULL
)
SELECT c.contact_id AS user_id, c.contact_id, B2B_SF18(c.account_id) AS account_id, c.email,
  c.first_name, c.last_name, c.title, c.mailing_country AS country, conv.lead_id AS converted_from_lead_id,
  c.created_date AS created_at, c.last_modified_date AS updated_at, FALSE AS is_person_account
FROM c
LEFT JOIN conv ON conv.contact_id = c.contact_id;

-- view: leads
SELECT B2B_SF18(l.id) AS user_id, B2B_SF18(l.id) AS lead_id, l.email, l.first_name, l.last_name,
  l.title, l.company, l.status, l.industry, l.lead_source, l.country,
  l.created_date AS created_at, l.last_modified_date AS updated_at
FROM salesforce.lead AS l
WHERE l.is_deleted IS NOT TRUE AND l._fivetran_deleted IS NOT TRUE AND l.is_converted IS NOT TRUE
  AND l.id IS NOT NULL;

-- view: accounts
WITH c AS (
  SELECT B2B_SF18(c.id) AS contact_id, B2B_SF18(c.account_id) AS account_id
  FROM salesforce.contact AS c
  WHERE c.is_deleted IS NOT TRUE AND c._fivetran_deleted IS NOT TRUE AND c.id IS NOT NULL
), links AS (
  SELECT c.contact_id, c.account_id, 1 AS is_direct FROM c WHERE c.account_id IS NOT NULL
  UNION ALL
  SELECT B2B_SF18(r.contact_id), B2B_SF18(r.account_id), CASE WHEN r.is_direct THEN 1 ELSE 0 END
  FROM salesforce.account_contact_relation AS r
  WHERE r.is_deleted IS NOT TRUE AND r._fivetran_deleted IS NOT TRUE AND r.is_active IS NOT FALSE
    AND r.account_id IS NOT NULL
    AND B2B_SF18(r.contact_id) IN (SELECT contact_id FROM c)
), pairs AS (
  SELECT contact_id, account_id, MAX(is_direct) AS is_direct FROM links GROUP BY contact_id, account_id
)
SELECT p.contact_id AS user_id, B2B_SF18(a.id) AS account_id, a.name AS account_name, a.type AS account_type,
  a.industry, a.annual_revenue, a.number_of_employees, a.billing_country, a.billing_city, a.billing_state,
  a.billing_postal_code, a.website, B2B_SF18(a.parent_id) AS parent_account_id, p.is_direct = 1 AS is_direct,
  FALSE AS is_person_account, a.territory__c AS territory
FROM pairs AS p
JOIN salesforce.account AS a
  ON B2B_SF18(a.id) = p.account_id
WHERE a.is_deleted IS NOT TRUE AND a._fivetran_deleted IS NOT TRUE;

-- view: opportunities
WITH c AS (
  SELECT B2B_SF18(c.id) AS contact_id, B2B_SF18(c.account_id) AS account_id
  FROM salesforce.contact AS c
  WHERE c.is_deleted IS NOT TRUE AND c._fivetran_deleted IS NOT TRUE AND c.id IS NOT NULL
), o AS (
  SELECT B2B_SF18(o.id) AS opportunity_id, B2B_SF18(o.account_id) AS account_id, o.name, o.stage_name,
    o.amount, o.close_date, o.is_closed, o.is_won
  FROM salesforce.opportunity AS o
  WHERE o.is_deleted IS NOT TRUE AND o._fivetran_deleted IS NOT TRUE AND o.id IS NOT NULL
), roles AS (
  SELECT B2B_SF18(r.contact_id) AS contact_id, B2B_SF18(r.opportunity_id) AS opportunity_id,
    MIN(r.role) AS contact_role, MAX(CASE WHEN r.is_primary THEN 1 ELSE 0 END) AS is_primary
  FROM salesforce.opportunity_contact_role AS r
  WHERE r.is_deleted IS NOT TRUE AND r._fivetran_deleted IS NOT TRUE
  GROUP BY 1, 2
), links AS (
  SELECT rl.contact_id, rl.opportunity_id, rl.contact_role, rl.is_primary, 1 AS via_role
  FROM roles AS rl JOIN c ON c.contact_id = rl.contact_id
  UNION ALL
  SELECT c.contact_id, o.opportunity_id, NULL, 0, 0
  FROM c JOIN o ON o.account_id = c.account_id
  WHERE NOT EXISTS (SELECT 1 FROM roles AS r2 WHERE r2.contact_id = c.contact_id AND r2.opportunity_id = o.opportunity_id)
)
SELECT l.contact_id AS user_id, o.opportunity_id, o.account_id, o.name AS opportunity_name, o.stage_name,
  o.amount, o.close_date, o.is_closed, o.is_won, l.contact_role, l.is_primary = 1 AS is_primary_contact,
  CASE WHEN l.via_role = 1 THEN 'contact_role' ELSE 'account' END AS link_type
FROM links AS l
JOIN o ON o.opportunity_id = l.opportunity_id;

-- view: users
WITH c AS (
  SELECT B2B_SF18(c.id) AS user_id, B2B_SF18(c.account_id) AS account_id, c.email, c.last_modified_date
  FROM salesforce.contact AS c
  WHERE c.is_deleted IS NOT TRUE AND c._fivetran_deleted IS NOT TRUE AND c.id IS NOT NULL
), people AS (
  SELECT c.user_id, 'contact' AS person_type, c.email, c.account_id, CAST(NULL AS TEXT) AS lead_industry,
    c.last_modified_date AS updated_at
  FROM c
  UNION ALL
  SELECT B2B_SF18(l.id), 'lead', l.email, NULL, l.industry, l.last_modified_date
  FROM salesforce.lead AS l
  WHERE l.is_deleted IS NOT TRUE AND l._fivetran_deleted IS NOT TRUE AND l.is_converted IS NOT TRUE AND l.id IS NOT NULL
), o AS (
  SELECT B2B_SF18(o.id) AS opportunity_id, B2B_SF18(o.account_id) AS account_id, o.is_closed, o.amount
  FROM salesforce.opportunity AS o
  WHERE o.is_deleted IS NOT TRUE AND o._fivetran_deleted IS NOT TRUE AND o.id IS NOT NULL
), links AS (
  SELECT DISTINCT B2B_SF18(r.contact_id) AS user_id, B2B_SF18(r.opportunity_id) AS opportunity_id
  FROM salesforce.opportunity_contact_role AS r
  WHERE r.is_deleted IS NOT TRUE AND r._fivetran_deleted IS NOT TRUE
    AND B2B_SF18(r.contact_id) IN (SELECT user_id FROM c)
  UNION
  SELECT c.user_id, o.opportunity_id FROM c JOIN o ON o.account_id = c.account_id
), pipeline AS (
  SELECT l.user_id, ARRAY_AGG(o.opportunity_id ORDER BY o.opportunity_id) AS opportunity_ids,
    SUM(CASE WHEN o.is_closed THEN 0 ELSE 1 END) AS open_opportunity_count,
    SUM(CASE WHEN o.is_closed THEN 0 ELSE COALESCE(o.amount, 0) END) AS open_pipeline_amount
  FROM links AS l JOIN o ON o.opportunity_id = l.opportunity_id
  GROUP BY l.user_id
), a AS (
  SELECT B2B_SF18(a.id) AS account_id, a.name, a.industry FROM salesforce.account AS a
  WHERE a.is_deleted IS NOT TRUE AND a._fivetran_deleted IS NOT TRUE AND a.id IS NOT NULL
)
SELECT p.user_id, p.person_type, p.email, p.account_id, a.name AS account_name,
  COALESCE(a.industry, p.lead_industry) AS industry,
  COALESCE(pl.opportunity_ids, CAST(ARRAY[] AS TEXT[])) AS opportunity_ids,
  COALESCE(pl.open_opportunity_count, 0) AS open_opportunity_count,
  COALESCE(pl.open_pipeline_amount, 0) AS open_pipeline_amount, p.updated_at
FROM people AS p
LEFT JOIN a ON a.account_id = p.account_id
LEFT JOIN pipeline AS pl ON pl.user_id = p.user_id;
