{#- Braze CDI user attributes sync (output.user_sync): one row per person of the users view.
    PAYLOAD is a /users/track attributes object: accountId (the contact's own account, null for
    leads), opportunityIds (the person's opportunities, both link types, sorted; [] when none),
    account_name, industry, open_pipeline_amount and the person's extra_fields.
    UPDATED_AT is the latest change among every row the payload reads or read: the person, their
    own account, the opportunities their account owns, their contact roles and the roles'
    opportunities, deleted rows included (a deletion that the payload reflects moves it: see
    the source's changed()). A row that nothing behind it touched keeps its UPDATED_AT, so an
    incremental sync does not resend it. Every join has a stored column on one side. -#}
{% import '_people.sql' as identity_sql with context %}
{% set a = src.account %}
{% set o = src.opportunity %}
{% set r = src.opportunity_contact_role %}
{% set alias = user_sync.identifier == 'alias' %}
WITH account_versions AS (
{% set accounts -%}
(
  SELECT
    {{ sfid(a.col('a', 'id')) }} AS account_id,
    {{ a.col('a', 'id') }} AS account_id_stored,
    {{ a.changed('a') }} AS changed_at
  FROM {{ a.table }} AS a
  WHERE {{ a.current('a') }}{{ a.col('a', 'id') }} IS NOT NULL
)
{%- endset %}
{{ identity_sql.ref_keys(accounts, 'account_id', 'account_id_stored') }}
), opportunity_versions AS (
{% set opportunities -%}
(
  SELECT
    {{ sfid(o.col('o', 'account_id')) }} AS account_id,
    {{ o.col('o', 'account_id') }} AS account_id_stored,
    {{ o.changed('o') }} AS changed_at
  FROM {{ o.table }} AS o
  WHERE {{ o.current('o') }}{{ o.col('o', 'account_id') }} IS NOT NULL
)
{%- endset %}
{{ identity_sql.ref_keys(opportunities, 'account_id', 'account_id_stored') }}
), role_versions AS (
{% set roles -%}
(
  SELECT
    {{ sfid(r.col('r', 'contact_id')) }} AS contact_id,
    {{ sfid(r.col('r', 'opportunity_id')) }} AS opportunity_id,
    {{ r.changed('r') }} AS changed_at
  FROM {{ r.table }} AS r
  WHERE {{ r.current('r') }}{{ r.col('r', 'contact_id') }} IS NOT NULL
)
{%- endset %}
{{ identity_sql.ref_keys(roles, 'contact_id') }}
), person_roles AS (
  SELECT bc.user_id, rv.opportunity_id, rv.changed_at
  FROM role_versions AS rv
  JOIN {{ identity_sql.person_keys() }} AS bc
    ON bc.contact_ref = rv.ref_key
), role_opportunities AS (
{{ identity_sql.ref_keys('person_roles', 'opportunity_id') }}
), touches AS (
  SELECT bc.user_id, bc.updated_at AS changed_at
  FROM {{ identity_sql.person_keys() }} AS bc
  UNION ALL
  SELECT bc.user_id, av.changed_at
  FROM {{ identity_sql.person_keys() }} AS bc
  JOIN account_versions AS av
    ON av.ref_key = bc.account_ref
  UNION ALL
  SELECT bc.user_id, ov.changed_at
  FROM {{ identity_sql.person_keys() }} AS bc
  JOIN opportunity_versions AS ov
    ON ov.ref_key = bc.account_ref
  UNION ALL
  SELECT pr.user_id, pr.changed_at
  FROM person_roles AS pr
  UNION ALL
  SELECT ro.user_id, {{ o.changed('o') }} AS changed_at
  FROM role_opportunities AS ro
  JOIN {{ o.table }} AS o
    ON {{ o.col('o', 'id') }} = ro.ref_key
  WHERE {{ o.current('o') }}1 = 1
  UNION ALL
  SELECT bl.user_id, bl.updated_at AS changed_at
  FROM {{ view('leads') }} AS bl
), touched AS (
  SELECT t.user_id, MAX(t.changed_at) AS updated_at
  FROM touches AS t
  GROUP BY t.user_id
), people AS (
{% macro person(view_entity, v, id_column, label, extras_of) -%}
  SELECT
    {{ v }}.user_id,
    {{ v }}.{{ id_column }} AS crm_id,
    '{{ label }}' AS alias_label,
    B2B_JSON_OBJECT(
      'accountId', bu.account_id,
      'opportunityIds', B2B_JSON_ARRAY(bu.opportunity_ids),
      'account_name', bu.account_name,
      'industry', bu.industry,
      'open_pipeline_amount', bu.open_pipeline_amount{{ extra_json(extras_of, v) }}
    ) AS payload
  FROM {{ view(view_entity) }} AS {{ v }}
  JOIN {{ view('users') }} AS bu
    ON bu.user_id = {{ v }}.user_id
{%- endmacro %}
{{ person('contacts', 'bc', 'contact_id', 'salesforce_contact_id', 'contact') }}
  UNION ALL
{{ person('leads', 'bl', 'lead_id', 'salesforce_lead_id', 'lead') }}
)
SELECT
  t.updated_at,
{% if alias %}
  p.crm_id AS alias_name,
  p.alias_label,
{% else %}
  p.user_id AS external_id,
{% endif %}
  p.payload
FROM people AS p
JOIN touched AS t
  ON t.user_id = p.user_id
