SELECT
  CAST(u.user_id AS STRING) AS external_user_id
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
    CAST(NULL AS STRING) AS account_id,
    updated_at,
    'lead' AS person_type
  FROM b2b.b2b_leads
) AS u
WHERE
  u.user_id IN (
    SELECT
      con3.user_id
    FROM b2b.b2b_contacts AS con3
    WHERE
      NOT con3.user_id IS NULL AND INSTR(LOWER(con3.title), LOWER('vp')) > 0
  )
  AND u.user_id IN (
    SELECT
      acc4.user_id
    FROM b2b.b2b_accounts AS acc4
    WHERE
      NOT acc4.user_id IS NULL
      AND acc4.annual_revenue BETWEEN 1000000 AND 5000000
      AND acc4.number_of_employees <= 4000
  )
