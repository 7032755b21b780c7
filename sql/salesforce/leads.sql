{#- One row per person who is a live lead not yet converted (a converted lead is its contact).
    Grain: user_id. -#}
{% set l = src.lead %}
WITH leads AS (
  SELECT
    {{ sfid(l.col('l', 'id')) }} AS lead_id,
    {{ l.col('l', 'email') }} AS email,
    {{ l.col('l', 'first_name') }} AS first_name,
    {{ l.col('l', 'last_name') }} AS last_name,
    {{ l.col('l', 'title') }} AS title,
    {{ l.col('l', 'company') }} AS company,
    {{ l.col('l', 'status') }} AS status,
    {{ l.col('l', 'industry') }} AS industry,
    {{ l.col('l', 'lead_source') }} AS lead_source,
    {{ l.col('l', 'country') }} AS country,
    {{ l.col('l', 'created_date') }} AS created_at,
    {{ l.col('l', 'last_modified_date') }} AS updated_at
    {% for e in extras('l', 'lead') %}, {{ e }}
    {% endfor %}
  FROM {{ l.table }} AS l
  WHERE {{ l.live('l') }}
    AND B2B_IS_NOT_TRUE({{ l.col('l', 'is_converted') }})
    AND {{ l.col('l', 'id') }} IS NOT NULL
), people AS (
{% if identity.strategy == 'crm_id' %}
  SELECT CAST(ld.lead_id AS TEXT) AS user_id, ld.*
  FROM leads AS ld
{% elif identity.strategy == 'mapping' and identity.mapping.lead_id %}
  SELECT CAST({{ identity.mapping.external_id('m') }} AS TEXT) AS user_id, ld.*
  FROM leads AS ld
  JOIN {{ identity.mapping.table }} AS m
    ON {{ sfid(identity.mapping.lead_id('m')) }} = ld.lead_id
  WHERE {{ identity.mapping.external_id('m') }} IS NOT NULL
{% elif identity.strategy == 'mapping' %}
  {#- no identity.mapping.lead_id_column: leads are not platform users #}
  SELECT CAST(NULL AS TEXT) AS user_id, ld.*
  FROM leads AS ld
  WHERE 1 = 0
{% else %}
  {#- email: one person per address, and never an address a contact already has #}
  SELECT ranked.* FROM (
    SELECT
      LOWER(TRIM(ld.email)) AS user_id,
      ld.*,
      ROW_NUMBER() OVER (PARTITION BY LOWER(TRIM(ld.email)) ORDER BY ld.updated_at DESC, ld.lead_id) AS b2b_rank
    FROM leads AS ld
    WHERE ld.email IS NOT NULL AND TRIM(ld.email) <> ''
  ) AS ranked
  WHERE ranked.b2b_rank = 1
    AND NOT EXISTS (SELECT 1 FROM {{ view('contacts') }} AS bc WHERE bc.user_id = ranked.user_id)
{% endif %}
)
SELECT
  p.user_id,
  p.lead_id,
  p.email,
  p.first_name,
  p.last_name,
  p.title,
  p.company,
  p.status,
  p.industry,
  p.lead_source,
  p.country,
  p.created_at,
  p.updated_at
  {% for e in extra_names('lead', 'p') %}, {{ e }}
  {% endfor %}
FROM people AS p
