{#- One row per person who is a live contact. Grain: user_id.
    converted_from_lead_id: the earliest lead converted into this contact, even one deleted from
      the CRM since (platform profiles outlive CRM deletions: its id may still be a profile).
    is_person_account: a Person Account's contact (B2C); false where the org has none. -#}
{% import '_people.sql' as identity_sql with context %}
{% set c = src.contact %}
{% set l = src.lead %}
WITH converted AS (
  SELECT
    {{ sfid(l.col('l', 'converted_contact_id')) }} AS contact_id,
    MIN({{ sfid(l.col('l', 'id')) }}) AS lead_id
  FROM {{ l.table }} AS l
  WHERE {{ l.current('l') }}B2B_IS_TRUE({{ l.col('l', 'is_converted') }})
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
    {{ c.modified('c') }} AS updated_at,
    B2B_IS_TRUE({{ c.col('c', 'is_person_account') }}) AS is_person_account
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
  cv.lead_id AS converted_from_lead_id,
  p.created_at,
  p.updated_at,
  p.is_person_account
  {% for e in extra_names('contact', 'p') %}, {{ e }}
  {% endfor %}
FROM people AS p
LEFT JOIN converted AS cv
  ON cv.contact_id = p.contact_id
