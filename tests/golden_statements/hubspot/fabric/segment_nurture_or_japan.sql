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
  (
    u.user_id IN (
      SELECT
        lea5.user_id
      FROM b2b.b2b_leads AS lea5
      WHERE
        NOT lea5.user_id IS NULL
        AND lea5.status = 'marketingqualifiedlead'
        AND (
          NOT lea5.industry IN ('Retail', 'Media') OR lea5.industry IS NULL
        )
    )
  )
  OR (
    u.user_id IN (
      SELECT
        con6.user_id
      FROM b2b.b2b_contacts AS con6
      WHERE
        NOT con6.user_id IS NULL AND con6.country = 'JP'
    )
    AND u.user_id IN (
      SELECT
        acc7.user_id
      FROM b2b.b2b_accounts AS acc7
      WHERE
        NOT acc7.user_id IS NULL
        AND (
          acc7.account_type <> 'PARTNER' OR acc7.account_type IS NULL
        )
    )
  )
