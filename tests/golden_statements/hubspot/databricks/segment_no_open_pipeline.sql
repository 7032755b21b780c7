SELECT
  CAST(u.user_id AS STRING) AS external_user_id
FROM (
  SELECT
    user_id,
    contact_id,
    account_id,
    email,
    first_name,
    last_name,
    title,
    country,
    converted_from_lead_id,
    created_at,
    updated_at,
    is_person_account,
    'contact' AS person_type
  FROM b2b.b2b_contacts
) AS u
WHERE
  u.person_type = 'contact'
  AND NOT u.account_id IS NULL
  AND (
    NOT (
      u.user_id IN (
        SELECT
          opp2.user_id
        FROM b2b.b2b_opportunities AS opp2
        WHERE
          NOT opp2.user_id IS NULL AND CASE WHEN opp2.is_closed THEN 1 ELSE 0 END = 0
      )
    )
  )
