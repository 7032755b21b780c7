{#- The ids of the CRM's live accounts, for relationship_integrity. -#}
{% set a = src.account %}
SELECT {{ sfid(a.col('a', 'id')) }} AS account_id
FROM {{ a.table }} AS a
WHERE {{ a.live('a') }} AND {{ a.col('a', 'id') }} IS NOT NULL
