{#- One row per (person, opportunity). A person is linked to an opportunity by an
    OpportunityContactRole (link_type contact_role) or because their account owns it (link_type
    account); a pair linked both ways is one row, contact_role. Roles pointing at deleted
    contacts drop out by the join to the live contacts view. Grain: user_id, opportunity_id. -#}
{% set o = src.opportunity %}
{% set r = src.opportunity_contact_role %}
WITH opportunities AS (
  SELECT
    {{ sfid(o.col('o', 'id')) }} AS opportunity_id,
    {{ sfid(o.col('o', 'account_id')) }} AS account_id,
    {{ o.col('o', 'name') }} AS opportunity_name,
    {{ o.col('o', 'stage_name') }} AS stage_name,
    {{ o.col('o', 'amount') }} AS amount,
    {{ o.col('o', 'close_date') }} AS close_date,
    {{ o.col('o', 'is_closed') }} AS is_closed,
    {{ o.col('o', 'is_won') }} AS is_won
    {% for e in extras('o', 'opportunity') %}, {{ e }}
    {% endfor %}
  FROM {{ o.table }} AS o
  WHERE {{ o.live('o') }} AND {{ o.col('o', 'id') }} IS NOT NULL
), links AS (
  SELECT
    bc.user_id,
    {{ sfid(r.col('r', 'opportunity_id')) }} AS opportunity_id,
    1 AS via_role,
    {{ r.col('r', 'role') }} AS contact_role,
    CASE WHEN {{ r.col('r', 'is_primary') }} THEN 1 ELSE 0 END AS is_primary
  FROM {{ r.table }} AS r
  JOIN {{ view('contacts') }} AS bc
    ON bc.contact_id = {{ sfid(r.col('r', 'contact_id')) }}
  WHERE {{ r.live('r') }}
  UNION ALL
  SELECT bc.user_id, op.opportunity_id, 0 AS via_role, CAST(NULL AS TEXT) AS contact_role, 0 AS is_primary
  FROM opportunities AS op
  JOIN {{ view('contacts') }} AS bc
    ON bc.account_id = op.account_id
), pairs AS (
  SELECT
    lk.user_id,
    lk.opportunity_id,
    MAX(lk.via_role) AS via_role,
    MIN(lk.contact_role) AS contact_role,
    MAX(lk.is_primary) AS is_primary
  FROM links AS lk
  GROUP BY lk.user_id, lk.opportunity_id
)
SELECT
  p.user_id,
  p.opportunity_id,
  op.account_id,
  op.opportunity_name,
  op.stage_name,
  op.amount,
  op.close_date,
  op.is_closed,
  op.is_won,
  p.contact_role,
  p.is_primary = 1 AS is_primary_contact,
  CASE WHEN p.via_role = 1 THEN 'contact_role' ELSE 'account' END AS link_type
  {% for e in extra_names('opportunity', 'op') %}, {{ e }}
  {% endfor %}
FROM pairs AS p
JOIN opportunities AS op
  ON op.opportunity_id = p.opportunity_id
