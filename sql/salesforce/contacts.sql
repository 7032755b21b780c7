{#- One row per person who is a live contact. Grain: user_id.
    converted_from_lead_id: the earliest live lead converted into this contact. -#}
{% set c = src.contact %}
{% set l = src.lead %}
WITH converted AS (
  SELECT
    {{ sfid(l.col('l', 'converted_contact_id')) }} AS contact_id,
    MIN({{ sfid(l.col('l', 'id')) }}) AS lead_id
  FROM {{ l.table }} AS l
  WHERE {{ l.live('l') }}
    AND B2B_IS_TRUE({{ l.col('l', 'is_converted') }})
    AND {{ l.col('l', 'converted_contact_id') }} IS NOT NULL
  GROUP BY {{ sfid(l.col('l', 'converted_contact_id')) }}
), contacts AS (
  SELECT
    {{ sfid(c.col('c', 'id')) }} AS contact_id,
    {{ sfid(c.col('c', 'account_id')) }} AS account_id,
    {{ c.col('c', 'email') }} AS email,
    {{ c.col('c', 'first_name') }} AS first_name,
    {{ c.col('c', 'last_name') }} AS last_name,
    {{ c.col('c', 'title') }} AS title,
    {{ c.col('c', 'mailing_country') }} AS country,
    {{ c.col('c', 'created_date') }} AS created_at,
    {{ c.col('c', 'last_modified_date') }} AS updated_at
    {% for e in extras('c', 'contact') %}, {{ e }}
    {% endfor %}
  FROM {{ c.table }} AS c
  WHERE {{ c.live('c') }} AND {{ c.col('c', 'id') }} IS NOT NULL
), people AS (
{% if identity.strategy == 'crm_id' %}
  SELECT CAST(ct.contact_id AS TEXT) AS user_id, ct.*
  FROM contacts AS ct
{% elif identity.strategy == 'mapping' %}
  SELECT CAST({{ identity.mapping.external_id('m') }} AS TEXT) AS user_id, ct.*
  FROM contacts AS ct
  JOIN {{ identity.mapping.table }} AS m
    ON {{ sfid(identity.mapping.contact_id('m')) }} = ct.contact_id
  WHERE {{ identity.mapping.external_id('m') }} IS NOT NULL
{% else %}
  {#- email: one person per address; the most recently updated contact wins #}
  SELECT ranked.* FROM (
    SELECT
      LOWER(TRIM(ct.email)) AS user_id,
      ct.*,
      ROW_NUMBER() OVER (PARTITION BY LOWER(TRIM(ct.email)) ORDER BY ct.updated_at DESC, ct.contact_id) AS b2b_rank
    FROM contacts AS ct
    WHERE ct.email IS NOT NULL AND TRIM(ct.email) <> ''
  ) AS ranked
  WHERE ranked.b2b_rank = 1
{% endif %}
)
SELECT
  p.user_id,
  p.contact_id,
  p.account_id,
  p.email,
  p.first_name,
  p.last_name,
  p.title,
  p.country,
  cv.lead_id AS converted_from_lead_id,
  p.created_at,
  p.updated_at
  {% for e in extra_names('contact', 'p') %}, {{ e }}
  {% endfor %}
FROM people AS p
LEFT JOIN converted AS cv
  ON cv.contact_id = p.contact_id
