{#- Catalog-shaped accounts for the platform's copy-based alternative (a catalog keyed by the CRM
    id): one row per live account (Person Accounts are people, never companies: left out), `id` first. website_domain: the website without scheme,
    `www.` and path, for company-list destinations. -#}
{% import '_people.sql' as identity_sql with context %}
{% set a = src[identity_sql.account_object] %}
WITH accounts AS (
  SELECT
    {{ crm_id(a.col('a', 'id')) }} AS id,
    {{ a.col('a', 'name') }} AS account_name,
    {{ a.col('a', 'type') }} AS account_type,
    {{ a.col('a', 'industry') }} AS industry,
    {{ a.col('a', 'annual_revenue') }} AS annual_revenue,
    {{ a.col('a', 'number_of_employees') }} AS number_of_employees,
    {{ a.col('a', 'billing_country') }} AS billing_country,
    {{ a.col('a', 'billing_city') }} AS billing_city,
    {{ a.col('a', 'billing_state') }} AS billing_state,
    {{ a.col('a', 'billing_postal_code') }} AS billing_postal_code,
    {{ a.col('a', 'website') }} AS website,
    LOWER(TRIM({{ a.col('a', 'website') }})) AS site,
    {{ crm_id(a.col('a', 'parent_id')) }} AS parent_account_id,
    {{ a.modified('a') }} AS updated_at
    {% for e in extras('a', 'account') %}, {{ e }}
    {% endfor %}
  FROM {{ a.table }} AS a
  WHERE {{ a.live('a') }} AND {{ a.col('a', 'id') }} IS NOT NULL
    AND B2B_IS_NOT_TRUE({{ a.col('a', 'is_person_account') }})
), no_scheme AS (
  SELECT ac.*,
    CASE
      WHEN ac.site LIKE 'https://%' THEN SUBSTRING(ac.site, 9, LENGTH(ac.site))
      WHEN ac.site LIKE 'http://%' THEN SUBSTRING(ac.site, 8, LENGTH(ac.site))
      ELSE ac.site
    END AS host_path
  FROM accounts AS ac
), no_www AS (
  SELECT ns.*,
    CASE WHEN ns.host_path LIKE 'www.%' THEN SUBSTRING(ns.host_path, 5, LENGTH(ns.host_path)) ELSE ns.host_path END AS host
  FROM no_scheme AS ns
)
SELECT
  nw.id,
  nw.account_name,
  nw.account_type,
  nw.industry,
  nw.annual_revenue,
  nw.number_of_employees,
  nw.billing_country,
  nw.billing_city,
  nw.billing_state,
  nw.billing_postal_code,
  nw.website,
  CASE
    WHEN nw.host IS NULL OR nw.host = '' THEN NULL
    WHEN POSITION('/' IN nw.host) > 0 THEN SUBSTRING(nw.host, 1, POSITION('/' IN nw.host) - 1)
    ELSE nw.host
  END AS website_domain,
  nw.parent_account_id,
  nw.updated_at
  {% for e in extra_names('account', 'nw') %}, {{ e }}
  {% endfor %}
FROM no_www AS nw
