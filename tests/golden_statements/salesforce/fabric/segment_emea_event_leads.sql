SELECT
  CAST(u.user_id AS VARCHAR(MAX)) AS external_user_id
FROM (
  SELECT
    user_id AS user_id,
    lead_id AS lead_id,
    email AS email,
    first_name AS first_name,
    last_name AS last_name,
    title AS title,
    company AS company,
    status AS status,
    industry AS industry,
    lead_source AS lead_source,
    country AS country,
    created_at AS created_at,
    updated_at AS updated_at,
    'lead' AS person_type,
    CAST(NULL AS VARCHAR(MAX)) AS account_id
  FROM b2b.b2b_leads
) AS u
WHERE
  u.person_type = 'lead'
  AND u.lead_source = 'Event'
  AND u.country IN ('GB', 'DE', 'FR', 'NL', 'ES', 'IT')
