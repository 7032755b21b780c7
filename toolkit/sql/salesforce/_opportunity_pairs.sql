{#- The (person, opportunity) links behind the opportunities view, as CTEs ending in `pairs`:
    the opportunities view's rows, plus the person's contact id as stored (contact_ref), which
    the users view groups by (see users.sql). Call inside WITH; import with context. -#}
{% import '_people.sql' as identity_sql with context %}
{% set o = src.opportunity %}
{% set r = src.opportunity_contact_role %}
{% set opportunity_object = 'opportunity' %}
{% macro opportunity_columns() -%}
op.opportunity_id, op.account_id, op.opportunity_name, op.stage_name, op.amount, op.close_date, op.is_closed, op.is_won,
{%- endmacro %}
{% macro live_opportunities() -%}
{#- inline, not a CTE: see accounts.sql -#}
(
  SELECT
    {{ sfid(o.col('o', 'id')) }} AS opportunity_id,
    {{ sfid(o.col('o', 'account_id')) }} AS account_id,
    {{ o.col('o', 'name') }} AS opportunity_name,
    {{ o.col('o', 'stage_name') }} AS stage_name,
    {{ o.col('o', 'amount') }} AS amount,
    {{ o.col('o', 'close_date') }} AS close_date,
    {{ o.col('o', 'is_closed') }} AS is_closed,
    {{ o.col('o', 'is_won') }} AS is_won,
    {{ o.col('o', 'id') }} AS opportunity_id_stored,
    {{ o.col('o', 'account_id') }} AS account_id_stored
    {% for e in extras('o', 'opportunity') %}, {{ e }}
    {% endfor %}
  FROM {{ o.table }} AS o
  WHERE {{ o.live('o') }} AND {{ o.col('o', 'id') }} IS NOT NULL
)
{%- endmacro %}
{% macro pairs_ctes() -%}
opportunity_accounts AS (
  {#- keyed by every form of the owning account's id, so that the contact's stored account id
      joins as it is (no conversion of every contact row) -#}
{{ identity_sql.ref_keys(live_opportunities(), 'account_id', 'account_id_stored', test_on='rows') }}
), role_rows AS (
  SELECT
    {{ sfid(r.col('r', 'contact_id')) }} AS contact_id,
    {{ sfid(r.col('r', 'opportunity_id')) }} AS opportunity_id,
    {{ r.col('r', 'role') }} AS contact_role,
    CASE WHEN {{ r.col('r', 'is_primary') }} THEN 1 ELSE 0 END AS is_primary
  FROM {{ r.table }} AS r
  WHERE {{ r.live('r') }}
), role_keys AS (
{{ identity_sql.ref_keys('role_rows', 'contact_id') }}
), roles AS (
  SELECT
    bc.user_id,
    bc.contact_ref,
    rk.opportunity_id,
    MIN(rk.contact_role) AS contact_role,
    MAX(rk.is_primary) AS is_primary
  FROM role_keys AS rk
  JOIN {{ identity_sql.person_keys() }} AS bc
    ON {{ identity_sql.ref_match('rk', 'contact_id', 'bc.contact_ref') }}
  GROUP BY bc.user_id, bc.contact_ref, rk.opportunity_id
), role_opportunities AS (
{{ identity_sql.ref_keys('roles', 'opportunity_id') }}
), pairs AS (
  {#- role pairs, then account pairs that no role already links (an anti-join): only the role
      links are grouped, so a filter on the opportunity reaches the opportunity scan in both
      branches instead of waiting above a GROUP BY over every link -#}
  SELECT
    ro.user_id,
    ro.contact_ref,
    {{ opportunity_columns() }}
    ro.contact_role,
    ro.is_primary,
    1 AS via_role
    {% for e in extra_names('opportunity', 'op') %}, {{ e }}
    {% endfor %}
  FROM role_opportunities AS ro
  JOIN {{ live_opportunities() }} AS op
    ON {{ identity_sql.ref_match('ro', 'opportunity_id', 'op.opportunity_id_stored') }}
  UNION ALL
  SELECT
    bc.user_id,
    bc.contact_ref,
    {{ opportunity_columns() }}
    CAST(NULL AS TEXT) AS contact_role,
    0 AS is_primary,
    0 AS via_role
    {% for e in extra_names('opportunity', 'op') %}, {{ e }}
    {% endfor %}
  FROM opportunity_accounts AS op
  JOIN {{ identity_sql.person_keys() }} AS bc
    ON {{ identity_sql.ref_match('op', 'account_id', 'bc.account_ref', test_on='rows') }}
  LEFT JOIN roles AS rl
    ON rl.user_id = bc.user_id AND rl.opportunity_id = op.opportunity_id
  WHERE rl.user_id IS NULL
)
{%- endmacro %}
