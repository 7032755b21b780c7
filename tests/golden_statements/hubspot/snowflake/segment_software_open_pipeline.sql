SELECT DISTINCT
  CAST(u.user_id AS VARCHAR) AS external_user_id
FROM b2b.b2b_opportunities AS u
WHERE
  NOT u.user_id IS NULL
  AND (
    CASE WHEN u.is_closed THEN 1 ELSE 0 END = 0
    AND u.amount > 50000
    AND u.user_id IN (
      SELECT
        acc1.user_id
      FROM b2b.b2b_accounts AS acc1
      WHERE
        NOT acc1.user_id IS NULL
        AND acc1.industry = 'Software'
        AND acc1.number_of_employees > 1000
    )
  )
