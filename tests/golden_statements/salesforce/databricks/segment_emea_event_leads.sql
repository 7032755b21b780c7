SELECT
  CAST(u.user_id AS STRING) AS external_user_id
FROM (
  SELECT
    user_id,
    lead_id,
    email,
    first_name,
    last_name,
    title,
    company,
    status,
    industry,
    lead_source,
    country,
    created_at,
    updated_at,
    'lead' AS person_type,
    CAST(NULL AS STRING) AS account_id
  FROM b2b.b2b_leads
) AS u
WHERE
  u.person_type = 'lead'
  AND u.lead_source = 'Event'
  AND u.country IN ('GB', 'DE', 'FR', 'NL', 'ES', 'IT')
