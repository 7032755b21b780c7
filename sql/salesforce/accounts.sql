{#- One row per (person, account): the contact's own account (direct) and, where the org syncs
    AccountContactRelation, the accounts it relates to. Grain: user_id, account_id. -#}
{% import '_people.sql' as identity_sql with context %}
{% set a = src.account %}
{% set r = src.account_contact_relation %}
WITH pairs AS (
  {#- the direct link is unique per person (the contacts view's grain); relation rows that repeat
      it are dropped and only the rest are grouped, instead of grouping every link: a reader
      filtering on the account pays a join, not a GROUP BY over all people -#}
  SELECT bc.user_id, bc.account_id, 1 AS is_direct
  FROM {{ identity_sql.person_keys() }} AS bc
  WHERE bc.account_id IS NOT NULL
{% if r.present %}
  UNION ALL
  SELECT
    bc.user_id,
    {{ sfid(r.col('r', 'account_id')) }} AS account_id,
    MAX(CASE WHEN {{ r.col('r', 'is_direct') }} THEN 1 ELSE 0 END) AS is_direct
  FROM {{ r.table }} AS r
  JOIN {{ identity_sql.person_keys() }} AS bc
    ON bc.contact_id = {{ sfid(r.col('r', 'contact_id')) }}
  WHERE {{ r.live('r') }}
    AND B2B_IS_NOT_FALSE({{ r.col('r', 'is_active') }})
    AND {{ r.col('r', 'account_id') }} IS NOT NULL
    AND (bc.account_id IS NULL OR bc.account_id <> {{ sfid(r.col('r', 'account_id')) }})
  GROUP BY bc.user_id, {{ sfid(r.col('r', 'account_id')) }}
{% endif %}
), accounts AS (
  SELECT
    {{ sfid(a.col('a', 'id')) }} AS account_id,
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
    {{ sfid(a.col('a', 'parent_id')) }} AS parent_account_id
    {% for e in extras('a', 'account') %}, {{ e }}
    {% endfor %}
  FROM {{ a.table }} AS a
  WHERE {{ a.live('a') }} AND {{ a.col('a', 'id') }} IS NOT NULL
)
SELECT
  p.user_id,
  p.account_id,
  ac.account_name,
  ac.account_type,
  ac.industry,
  ac.annual_revenue,
  ac.number_of_employees,
  ac.billing_country,
  ac.billing_city,
  ac.billing_state,
  ac.billing_postal_code,
  ac.website,
  ac.parent_account_id,
  p.is_direct = 1 AS is_direct
  {% for e in extra_names('account', 'ac') %}, {{ e }}
  {% endfor %}
FROM pairs AS p
JOIN accounts AS ac
  ON ac.account_id = p.account_id
