{#- CDI catalog sync shape for opportunities: UPDATED_AT, ID, PAYLOAD, DELETED. -#}
{% set o = src.opportunity %}
SELECT
  {{ o.changed('o') }} AS updated_at,
  {{ sfid(o.col('o', 'id')) }} AS id,
  B2B_JSON_OBJECT(
    'opportunity_name', {{ o.col('o', 'name') }},
    'account_id', {{ sfid(o.col('o', 'account_id')) }},
    'stage_name', {{ o.col('o', 'stage_name') }},
    'amount', {{ o.col('o', 'amount') }},
    'close_date', {{ o.col('o', 'close_date') }},
    'is_closed', {{ o.col('o', 'is_closed') }},
    'is_won', {{ o.col('o', 'is_won') }}
  ) AS payload,
  CASE WHEN {{ o.live('o') }} THEN 1 ELSE 0 END = 0 AS deleted
FROM {{ o.table }} AS o
WHERE {{ o.current('o') }}{{ o.col('o', 'id') }} IS NOT NULL
