{#- The rows behind a person's CDI attributes row (cdi_user_attributes.sql), as CTEs ending in
    `touches` (user_id, changed_at): the person, their own account, the opportunities their
    account owns, their contact roles and the roles' opportunities, deleted rows included
    (changed() reads a deletion's sync time), and the leads. Call inside WITH. -#}
{% import '_people.sql' as identity_sql with context %}
{% set a = src.account %}
{% set o = src.opportunity %}
{% set r = src.opportunity_contact_role %}
{% macro touches_ctes() -%}
account_versions AS (
{% set accounts -%}
(
  SELECT
    {{ sfid(a.col('a', 'id')) }} AS account_id,
    {{ a.col('a', 'id') }} AS account_id_stored,
    {{ a.changed('a') }} AS changed_at
  FROM {{ a.table }} AS a
  WHERE {{ a.current('a') }}{{ a.col('a', 'id') }} IS NOT NULL
)
{%- endset %}
{{ identity_sql.ref_keys(accounts, 'account_id', 'account_id_stored', test_on='rows') }}
), opportunity_versions AS (
{% set opportunities -%}
(
  SELECT
    {{ sfid(o.col('o', 'account_id')) }} AS account_id,
    {{ o.col('o', 'account_id') }} AS account_id_stored,
    {{ o.changed('o') }} AS changed_at
  FROM {{ o.table }} AS o
  WHERE {{ o.current('o') }}{{ o.col('o', 'account_id') }} IS NOT NULL
)
{%- endset %}
{{ identity_sql.ref_keys(opportunities, 'account_id', 'account_id_stored', test_on='rows') }}
), role_versions AS (
{% set roles -%}
(
  SELECT
    {{ sfid(r.col('r', 'contact_id')) }} AS contact_id,
    {{ sfid(r.col('r', 'opportunity_id')) }} AS opportunity_id,
    {{ r.changed('r') }} AS changed_at
  FROM {{ r.table }} AS r
  WHERE {{ r.current('r') }}{{ r.col('r', 'contact_id') }} IS NOT NULL
)
{%- endset %}
{{ identity_sql.ref_keys(roles, 'contact_id') }}
), person_roles AS (
  SELECT bc.user_id, rv.opportunity_id, rv.changed_at
  FROM role_versions AS rv
  JOIN {{ identity_sql.person_keys() }} AS bc
    ON {{ identity_sql.ref_match('rv', 'contact_id', 'bc.contact_ref') }}
), role_opportunities AS (
{{ identity_sql.ref_keys('person_roles', 'opportunity_id') }}
), touches AS (
  SELECT bc.user_id, bc.updated_at AS changed_at
  FROM {{ identity_sql.person_keys() }} AS bc
  UNION ALL
  SELECT bc.user_id, av.changed_at
  FROM {{ identity_sql.person_keys() }} AS bc
  JOIN account_versions AS av
    ON {{ identity_sql.ref_match('av', 'account_id', 'bc.account_ref', test_on='rows') }}
  UNION ALL
  SELECT bc.user_id, ov.changed_at
  FROM {{ identity_sql.person_keys() }} AS bc
  JOIN opportunity_versions AS ov
    ON {{ identity_sql.ref_match('ov', 'account_id', 'bc.account_ref', test_on='rows') }}
  UNION ALL
  SELECT pr.user_id, pr.changed_at
  FROM person_roles AS pr
  UNION ALL
  SELECT ro.user_id, {{ o.changed('o') }} AS changed_at
  FROM role_opportunities AS ro
  JOIN {{ o.table }} AS o
    ON {{ identity_sql.ref_match('ro', 'opportunity_id', o.col('o', 'id')) }}
  WHERE {{ o.current('o') }}1 = 1
  UNION ALL
  SELECT bl.user_id, bl.updated_at AS changed_at
  FROM {{ view('leads') }} AS bl
)
{%- endmacro %}
