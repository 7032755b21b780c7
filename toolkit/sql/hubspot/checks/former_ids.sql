{#- The ids a contact had before (crm.yml former_ids): every id merged into a contact, from
    property_hs_calculated_merged_vids ("<vid>:<epoch ms>;<vid>:<epoch ms>;..."), read for up to
    50 merges per contact; the merged-away records are gone from the CRM, their platform
    profiles are not: the merged_contact diagnosis. Columns: contact_id, former_id. Only the
    positions a value has are read (its ';' count + 1): 2 rows for a contact merged once, not 50. -#}
{% set c = src.contact %}
SELECT m.contact_id, m.former_id FROM (
  SELECT
    {{ crm_id(c.col('c', 'id')) }} AS contact_id,
    TRIM(SPLIT_PART(SPLIT_PART({{ c.col('c', 'merged_ids') }}, ';', n.n), ':', 1)) AS former_id
  FROM {{ c.table }} AS c
  CROSS JOIN (
    {% for i in range(1, 51) %}SELECT {{ i }} AS n{% if not loop.last %} UNION ALL {% endif %}{% endfor %}
  ) AS n
  WHERE {{ c.current('c') }}{{ c.col('c', 'merged_ids') }} IS NOT NULL AND {{ c.col('c', 'id') }} IS NOT NULL
    AND n.n <= 1 + LENGTH({{ c.col('c', 'merged_ids') }}) - LENGTH(REPLACE({{ c.col('c', 'merged_ids') }}, ';', ''))
) AS m
WHERE m.former_id <> '' AND m.former_id <> m.contact_id
