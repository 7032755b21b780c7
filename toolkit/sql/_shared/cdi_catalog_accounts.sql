{#- The shape a platform CDI catalog sync reads: UPDATED_AT, ID, PAYLOAD (a JSON object string
    of the fields), DELETED. Deleted CRM rows are kept, with DELETED true, so the sync removes
    them from the catalog. Person Accounts are people, never companies: left out. -#}
{% import '_people.sql' as identity_sql with context %}
{% set a = src[identity_sql.account_object] %}
SELECT
  {{ a.changed('a') }} AS updated_at,
  {{ crm_id(a.col('a', 'id')) }} AS id,
  B2B_JSON_OBJECT(
    'account_name', {{ a.col('a', 'name') }},
    'account_type', {{ a.col('a', 'type') }},
    'industry', {{ a.col('a', 'industry') }},
    'annual_revenue', {{ a.col('a', 'annual_revenue') }},
    'number_of_employees', {{ a.col('a', 'number_of_employees') }},
    'billing_country', {{ a.col('a', 'billing_country') }},
    'website', {{ a.col('a', 'website') }}
  ) AS payload,
  CASE WHEN {{ a.live('a') }} THEN 1 ELSE 0 END = 0 AS deleted
FROM {{ a.table }} AS a
WHERE {{ a.current('a') }}{{ a.col('a', 'id') }} IS NOT NULL
  AND B2B_IS_NOT_TRUE({{ a.col('a', 'is_person_account') }})
