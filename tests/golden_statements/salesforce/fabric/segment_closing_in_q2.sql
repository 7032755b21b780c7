SELECT
  CAST(u.user_id AS VARCHAR(MAX)) AS external_user_id
FROM (
  SELECT
    user_id,
    email,
    account_id,
    updated_at,
    'contact' AS person_type
  FROM b2b.b2b_contacts
  UNION ALL
  SELECT
    user_id,
    email,
    CAST(NULL AS VARCHAR(MAX)) AS account_id,
    updated_at,
    'lead' AS person_type
  FROM b2b.b2b_leads
) AS u
WHERE
  NOT u.email IS NULL
  AND u.user_id IN (
    SELECT
      opp8.user_id
    FROM b2b.b2b_opportunities AS opp8
    WHERE
      NOT opp8.user_id IS NULL
      AND opp8.close_date >= CAST('2025-04-01' AS DATE)
      AND opp8.close_date < CAST('2025-07-01' AS DATE)
      AND (
        opp8.stage_name <> 'x'' OR ''1''=''1' OR opp8.stage_name IS NULL
      )
  )
