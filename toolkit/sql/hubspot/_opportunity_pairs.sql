{#- The (person, deal) links behind the opportunities view, as CTEs ending in `pairs` (the
    contract of sql/salesforce/_opportunity_pairs.sql: the view's rows plus contact_ref).
    A person is linked to a deal by a deal_contact association (link_type contact_role) or because
    the contact's primary company is the deal's company (link_type account); a pair linked both
    ways is one row, contact_role. The deal's company (account_id) is the lowest company id among
    its live deal_company associations. A deal is closed when its stage is won or has
    probability 0 (HubSpot's closed-lost convention; Fivetran does not sync the stage's isClosed); a deal
    whose stage is unknown is open. Deleted deals, stages and associations drop out.
    Every join is of stored integer ids. Call inside WITH; import with context. -#}
{% import '_people.sql' as identity_sql with context %}
{% set d = src.deal %}
{% set s = src.deal_pipeline_stage %}
{% set r = src.deal_contact %}
{% set dc = src.deal_company %}
{% set opportunity_object = 'opportunity' %}
{% macro opportunity_columns() -%}
op.opportunity_id, op.account_id, op.opportunity_name, op.stage_name, op.amount, op.close_date, op.is_closed, op.is_won,
{%- endmacro %}
{% macro live_deals(all_rows=false) -%}
{#- inline, not a CTE read twice (PostgreSQL would materialise it: no statistics). all_rows:
    deleted deals too, flagged (the CDI catalog shape) -#}
(
  SELECT
    {{ crm_id(d.col('d', 'id')) }} AS opportunity_id,
    {{ crm_id('dk.company_ref') }} AS account_id,
    {{ d.col('d', 'name') }} AS opportunity_name,
    st.stage_name,
    {{ d.col('d', 'amount') }} AS amount,
    CAST({{ d.col('d', 'close_date') }} AS DATE) AS close_date,
    COALESCE(st.is_closed, 0) = 1 AS is_closed,
    COALESCE(st.is_won, 0) = 1 AS is_won,
    {{ d.col('d', 'id') }} AS deal_ref,
    dk.company_ref,
    {{ d.modified('d') }} AS last_modified_date,
    {{ d.changed('d') }} AS changed_at,
    CASE WHEN {{ d.live('d') }} THEN 1 ELSE 0 END = 0 AS deleted
    {% for e in extras('d', 'opportunity') %}, {{ e }}
    {% endfor %}
  FROM {{ d.table }} AS d
  LEFT JOIN (
    SELECT
      {{ s.col('s', 'stage_id') }} AS stage_id,
      {{ s.col('s', 'label') }} AS stage_name,
      CASE WHEN B2B_IS_TRUE({{ s.col('s', 'closed_won') }}) OR {{ s.col('s', 'probability') }} = 0 THEN 1 ELSE 0 END AS is_closed,
      CASE WHEN B2B_IS_TRUE({{ s.col('s', 'closed_won') }}) THEN 1 ELSE 0 END AS is_won
    FROM {{ s.table }} AS s
    WHERE {{ s.live('s') }}
  ) AS st
    ON st.stage_id = {{ d.col('d', 'stage_id') }}
  LEFT JOIN (
    SELECT {{ dc.col('dc', 'deal_id') }} AS deal_ref, MIN({{ dc.col('dc', 'company_id') }}) AS company_ref
    FROM {{ dc.table }} AS dc
    WHERE {{ dc.live('dc') }}
    GROUP BY {{ dc.col('dc', 'deal_id') }}
  ) AS dk
    ON dk.deal_ref = {{ d.col('d', 'id') }}
  WHERE {% if all_rows %}{{ d.current('d') }}{% else %}{{ d.live('d') }} AND {% endif %}{{ d.col('d', 'id') }} IS NOT NULL
)
{%- endmacro %}
{% macro pairs_ctes() -%}
roles AS (
  SELECT bc.user_id, bc.contact_ref, {{ r.col('r', 'deal_id') }} AS deal_ref
  FROM {{ r.table }} AS r
  JOIN {{ identity_sql.person_keys() }} AS bc
    ON bc.contact_ref = {{ r.col('r', 'contact_id') }}
  WHERE {{ r.live('r') }}
  GROUP BY bc.user_id, bc.contact_ref, {{ r.col('r', 'deal_id') }}
), pairs AS (
  SELECT
    ro.user_id,
    ro.contact_ref,
    {{ opportunity_columns() }}
    CAST(NULL AS TEXT) AS contact_role,
    0 AS is_primary,
    1 AS via_role
    {% for e in extra_names('opportunity', 'op') %}, {{ e }}
    {% endfor %}
  FROM roles AS ro
  JOIN {{ live_deals() }} AS op
    ON op.deal_ref = ro.deal_ref
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
  FROM {{ live_deals() }} AS op
  JOIN {{ identity_sql.person_keys() }} AS bc
    ON bc.account_ref = op.company_ref
  LEFT JOIN roles AS rl
    ON rl.contact_ref = bc.contact_ref AND rl.deal_ref = op.deal_ref
  WHERE rl.contact_ref IS NULL
)
{%- endmacro %}
