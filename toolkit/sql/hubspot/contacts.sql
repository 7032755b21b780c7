{#- One row per person who is a live HubSpot contact not at a lead stage. Grain: user_id.
    converted_from_lead_id: always NULL (a HubSpot lead becomes a customer under the same id;
      the identity question HubSpot has is merged contacts: validate's merged_contact cause).
    is_person_account: always false (HubSpot has no Person Accounts). -#}
{% import '_people.sql' as identity_sql with context %}
{% set c = src.contact %}
WITH contacts AS (
  SELECT
    {{ crm_id(c.col('c', 'id')) }} AS contact_id,
    {{ crm_id(c.col('c', 'company_id')) }} AS account_id,
    {{ c.col('c', 'email') }} AS email,
    {{ c.col('c', 'first_name') }} AS first_name,
    {{ c.col('c', 'last_name') }} AS last_name,
    {{ c.col('c', 'title') }} AS title,
    {{ c.col('c', 'country') }} AS country,
    {{ c.col('c', 'created_date') }} AS created_at,
    {{ c.modified('c') }} AS updated_at
    {% for e in extras('c', 'contact') %}, {{ e }}
    {% endfor %}
  {{ identity_sql.live_contacts(c) }}
), people AS (
{{ identity_sql.people('contacts') }}
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
  CAST(NULL AS TEXT) AS converted_from_lead_id,
  p.created_at,
  p.updated_at,
  FALSE AS is_person_account
  {% for e in extra_names('contact', 'p') %}, {{ e }}
  {% endfor %}
FROM people AS p
