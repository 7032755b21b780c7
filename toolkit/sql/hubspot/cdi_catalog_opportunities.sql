{#- CDI catalog sync shape for deals: UPDATED_AT, ID, PAYLOAD, DELETED (deleted deals kept,
    flagged, so the sync removes them). -#}
{% import '_opportunity_pairs.sql' as links with context %}
SELECT
  op.changed_at AS updated_at,
  op.opportunity_id AS id,
  B2B_JSON_OBJECT(
    'opportunity_name', op.opportunity_name,
    'account_id', op.account_id,
    'stage_name', op.stage_name,
    'amount', op.amount,
    'close_date', op.close_date,
    'is_closed', op.is_closed,
    'is_won', op.is_won
  ) AS payload,
  op.deleted
FROM {{ links.live_deals(all_rows=true) }} AS op
