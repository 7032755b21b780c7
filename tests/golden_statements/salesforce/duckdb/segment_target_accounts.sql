SELECT
  a.account_name AS companyname,
  a.website AS companywebsite,
  a.website_domain AS companyemaildomain,
  a.industry AS industry,
  a.billing_city AS city,
  a.billing_state AS state,
  a.billing_country AS companycountry,
  a.billing_postal_code AS zipcode
FROM b2b.b2b_catalog_accounts AS a
WHERE
  a.industry IN ('Software', 'Financial Services')
  AND a.id IN (
    SELECT
      opp9.account_id
    FROM b2b.b2b_catalog_opportunities AS opp9
    WHERE
      NOT opp9.account_id IS NULL AND CASE WHEN opp9.is_closed THEN 1 ELSE 0 END = 0
  )
