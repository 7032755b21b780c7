{#- One row per person who is a live lead not yet converted (a converted lead is its contact).
    Grain: user_id. -#}
{% import '_people.sql' as identity_sql with context %}
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
    {{ l.modified('l') }} AS updated_at
    {% for e in extras('l', 'lead') %}, {{ e }}
    {% endfor %}
  FROM {{ l.table }} AS l
  WHERE {{ l.live('l') }}
    AND B2B_IS_NOT_TRUE({{ l.col('l', 'is_converted') }})
    AND {{ l.col('l', 'id') }} IS NOT NULL
), people AS (
{{ identity_sql.people('leads', key='lead_id', not_in=view('contacts')) }}
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
