{#- Catalog-shaped deals: one row per live deal, `id` first (the opportunities view's deal
    columns: stage verdict and the deal's company as in _opportunity_pairs.sql). -#}
{% import '_opportunity_pairs.sql' as links with context %}
SELECT
  op.opportunity_id AS id,
  op.opportunity_name,
  op.account_id,
  op.stage_name,
  op.amount,
  op.close_date,
  op.is_closed,
  op.is_won,
  op.last_modified_date AS updated_at
  {% for e in extra_names('opportunity', 'op') %}, {{ e }}
  {% endfor %}
FROM {{ links.live_deals() }} AS op
