{#- One row per (person, company): the contact's primary company (property_associatedcompanyid,
    is_direct) and, where the org syncs contact_company, its other company associations.
    Grain: user_id, account_id. Deleted companies and deleted associations drop out.
    linked_at: the contact's last modification for its primary company (the contact row holds
    the link), the association's sync time for the others (HubSpot associations carry none).
    Every join is of stored integer ids. -#}
{% import '_people.sql' as identity_sql with context %}
{% set a = src.company %}
{% set r = src.contact_company %}
{% macro account_columns(x) -%}
{{ x }}.account_id, {{ x }}.account_name, {{ x }}.account_type, {{ x }}.industry, {{ x }}.annual_revenue,
{{ x }}.number_of_employees, {{ x }}.billing_country, {{ x }}.billing_city, {{ x }}.billing_state,
{{ x }}.billing_postal_code, {{ x }}.website, {{ x }}.parent_account_id, {{ x }}.is_person_account
{%- for e in extra_names('account', x) %}, {{ e }}{% endfor %}
{%- endmacro %}
{% macro live_companies() -%}
(
  SELECT
    {{ crm_id(a.col('a', 'id')) }} AS account_id,
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
    {{ crm_id(a.col('a', 'parent_id')) }} AS parent_account_id,
    B2B_IS_TRUE({{ a.col('a', 'is_person_account') }}) AS is_person_account,
    {{ a.col('a', 'id') }} AS account_ref
    {% for e in extras('a', 'account') %}, {{ e }}
    {% endfor %}
  FROM {{ a.table }} AS a
  WHERE {{ a.live('a') }} AND {{ a.col('a', 'id') }} IS NOT NULL
)
{%- endmacro %}
WITH pairs AS (
  SELECT bc.user_id, 1 AS is_direct, bc.updated_at AS linked_at, {{ account_columns('ak') }}
  FROM {{ identity_sql.person_keys() }} AS bc
  JOIN {{ live_companies() }} AS ak
    ON ak.account_ref = bc.account_ref
{% if r.present %}
  UNION ALL
  SELECT rl.user_id, 0 AS is_direct, rl.linked_at, {{ account_columns('ac') }}
  FROM (
    {#- associations that repeat the primary company are dropped -#}
    SELECT bc.user_id, {{ r.col('r', 'company_id') }} AS company_ref, MAX({{ r.loaded('r') }}) AS linked_at
    FROM {{ r.table }} AS r
    JOIN {{ identity_sql.person_keys() }} AS bc
      ON bc.contact_ref = {{ r.col('r', 'contact_id') }}
    WHERE {{ r.live('r') }}
      AND (bc.account_ref IS NULL OR bc.account_ref <> {{ r.col('r', 'company_id') }})
    GROUP BY bc.user_id, {{ r.col('r', 'company_id') }}
  ) AS rl
  JOIN {{ live_companies() }} AS ac
    ON ac.account_ref = rl.company_ref
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
