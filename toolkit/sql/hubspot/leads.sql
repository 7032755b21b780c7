{#- One row per person who is a live HubSpot contact at a lead stage (lead_stages, default
    subscriber, lead, marketingqualifiedlead; source.lead_stages overrides). Grain: user_id.
    status: the lifecycle stage; company: the contact's company property (text). -#}
{% import '_people.sql' as identity_sql with context %}
{% set c = src.contact %}
WITH leads AS (
  SELECT
    {{ crm_id(c.col('c', 'id')) }} AS lead_id,
    {{ c.col('c', 'email') }} AS email,
    {{ c.col('c', 'first_name') }} AS first_name,
    {{ c.col('c', 'last_name') }} AS last_name,
    {{ c.col('c', 'title') }} AS title,
    {{ c.col('c', 'company_name') }} AS company,
    {{ c.col('c', 'lifecycle_stage') }} AS status,
    {{ c.col('c', 'industry') }} AS industry,
    {{ c.col('c', 'lead_source') }} AS lead_source,
    {{ c.col('c', 'country') }} AS country,
    {{ c.col('c', 'created_date') }} AS created_at,
    {{ c.modified('c') }} AS updated_at
    {% for e in extras('c', 'lead') %}, {{ e }}
    {% endfor %}
  {{ identity_sql.live_contacts(c, leads=true) }}
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
