{#- Catalog-shaped opportunities: one row per live opportunity, `id` first. -#}
{% set o = src.opportunity %}
SELECT
  {{ sfid(o.col('o', 'id')) }} AS id,
  {{ o.col('o', 'name') }} AS opportunity_name,
  {{ sfid(o.col('o', 'account_id')) }} AS account_id,
  {{ o.col('o', 'stage_name') }} AS stage_name,
  {{ o.col('o', 'amount') }} AS amount,
  {{ o.col('o', 'close_date') }} AS close_date,
  {{ o.col('o', 'is_closed') }} AS is_closed,
  {{ o.col('o', 'is_won') }} AS is_won,
  {{ o.modified('o') }} AS updated_at
  {% for e in extras('o', 'opportunity') %}, {{ e }}
  {% endfor %}
FROM {{ o.table }} AS o
WHERE {{ o.live('o') }} AND {{ o.col('o', 'id') }} IS NOT NULL
