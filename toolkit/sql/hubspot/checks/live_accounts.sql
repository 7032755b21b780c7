{#- Live companies (validate's account coverage): account_id as the views carry it. -#}
{% set a = src.company %}
SELECT {{ crm_id(a.col('a', 'id')) }} AS account_id
FROM {{ a.table }} AS a
WHERE {{ a.live('a') }} AND {{ a.col('a', 'id') }} IS NOT NULL
