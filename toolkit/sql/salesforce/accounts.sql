{#- One row per (person, account): the contact's own account (direct) and, where the org syncs
    AccountContactRelation, the accounts it relates to. Grain: user_id, account_id.
    is_person_account: the account is a Person Account (a B2C person, never a company).
    linked_at: when the link was made or last changed, as far as the CRM records it: the
    contact's last modification for its own account (the contact row holds the link), the
    relation's for a related account.
    Every join has a column as stored on one side (the planners have statistics for it): the
    contact's stored account id to the account's id forms; a relation's contact and account
    (converted, then in the forms a stored id may take) to the contact's and the account's
    stored ids. -#}
{% import '_people.sql' as identity_sql with context %}
{% set a = src.account %}
{% set r = src.account_contact_relation %}
{% macro account_columns(x) -%}
{{ x }}.account_id, {{ x }}.account_name, {{ x }}.account_type, {{ x }}.industry, {{ x }}.annual_revenue,
{{ x }}.number_of_employees, {{ x }}.billing_country, {{ x }}.billing_city, {{ x }}.billing_state,
{{ x }}.billing_postal_code, {{ x }}.website, {{ x }}.parent_account_id, {{ x }}.is_person_account
{%- for e in extra_names('account', x) %}, {{ e }}{% endfor %}
{%- endmacro %}
{% macro live_accounts() -%}
{#- inline (not a CTE: PostgreSQL materialises a CTE read twice, and its columns lose their
    statistics) -#}
(
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
    {{ sfid(a.col('a', 'parent_id')) }} AS parent_account_id,
    B2B_IS_TRUE({{ a.col('a', 'is_person_account') }}) AS is_person_account,
    {{ a.col('a', 'id') }} AS account_id_stored
    {% for e in extras('a', 'account') %}, {{ e }}
    {% endfor %}
  FROM {{ a.table }} AS a
  WHERE {{ a.live('a') }} AND {{ a.col('a', 'id') }} IS NOT NULL
)
{%- endmacro %}
WITH account_keys AS (
{{ identity_sql.ref_keys(live_accounts(), 'account_id', 'account_id_stored', test_on='rows') }}
{% if r.present %}
), relation_rows AS (
  SELECT
    {{ sfid(r.col('r', 'contact_id')) }} AS contact_id,
    {{ sfid(r.col('r', 'account_id')) }} AS account_id,
    CASE WHEN {{ r.col('r', 'is_direct') }} THEN 1 ELSE 0 END AS is_direct,
    {{ r.changed('r') }} AS linked_at
  FROM {{ r.table }} AS r
  WHERE {{ r.live('r') }}
    AND B2B_IS_NOT_FALSE({{ r.col('r', 'is_active') }})
    AND {{ r.col('r', 'account_id') }} IS NOT NULL
), relation_keys AS (
{{ identity_sql.ref_keys('relation_rows', 'contact_id') }}
), relations AS (
  {#- relation rows that repeat the direct link are dropped; only these are grouped, so a reader
      filtering on the account pays a join, not a GROUP BY over all people -#}
  SELECT bc.user_id, rk.account_id, MAX(rk.is_direct) AS is_direct, MAX(rk.linked_at) AS linked_at
  FROM relation_keys AS rk
  JOIN {{ identity_sql.person_keys() }} AS bc
    ON {{ identity_sql.ref_match('rk', 'contact_id', 'bc.contact_ref') }}
  WHERE bc.account_ref IS NULL OR {{ sfid('bc.account_ref') }} <> rk.account_id
  GROUP BY bc.user_id, rk.account_id
), relation_accounts AS (
{{ identity_sql.ref_keys('relations', 'account_id') }}
{% endif %}
), pairs AS (
  {#- the direct link (the contact's own account) is unique per person (the contacts view's
      grain); the contact's stored account id joins the account's key forms as it is -#}
  SELECT bc.user_id, 1 AS is_direct, bc.updated_at AS linked_at, {{ account_columns('ak') }}
  FROM {{ identity_sql.person_keys() }} AS bc
  JOIN account_keys AS ak
    ON {{ identity_sql.ref_match('ak', 'account_id', 'bc.account_ref', test_on='rows') }}
{% if r.present %}
  UNION ALL
  SELECT ra.user_id, ra.is_direct, ra.linked_at, {{ account_columns('ac') }}
  FROM relation_accounts AS ra
  JOIN {{ live_accounts() }} AS ac
    ON {{ identity_sql.ref_match('ra', 'account_id', 'ac.account_id_stored') }}
{% endif %}
)
SELECT
  p.user_id,
  p.account_id,
  p.account_name,
  p.account_type,
  p.industry,
  p.annual_revenue,
  p.number_of_employees,
  p.billing_country,
  p.billing_city,
  p.billing_state,
  p.billing_postal_code,
  p.website,
  p.parent_account_id,
  p.is_direct = 1 AS is_direct,
  p.is_person_account,
  p.linked_at
  {% for e in extra_names('account', 'p') %}, {{ e }}
  {% endfor %}
FROM pairs AS p
