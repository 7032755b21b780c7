{#- Braze CDI user attributes sync (output.user_sync): one row per person of the users view.
    PAYLOAD is a /users/track attributes object: accountId (the contact's own account, null for
    leads), opportunityIds (the person's opportunities, both link types, sorted; [] when none),
    account_name, industry, open_pipeline_amount and the person's extra_fields.
    UPDATED_AT is the latest change among every row the payload reads or read (the CRM's
    _touches.sql), deleted rows included (a deletion that the payload reflects moves it: see
    the source's changed()). A row that nothing behind it touched keeps its UPDATED_AT, so an
    incremental sync does not resend it. Every join has a stored column on one side. -#}
{% import '_touches.sql' as touches with context %}
{% set alias = user_sync.identifier == 'alias' %}
WITH {{ touches.touches_ctes() }}, touched AS (
  SELECT t.user_id, MAX(t.changed_at) AS updated_at
  FROM touches AS t
  GROUP BY t.user_id
), people AS (
{% macro person(view_entity, v, id_column, label, extras_of) -%}
  SELECT
    {{ v }}.user_id,
    {{ v }}.{{ id_column }} AS crm_id,
    {{ literal(label) }} AS alias_label,
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
{{ person('contacts', 'bc', 'contact_id', alias_labels.contact, 'contact') }}
  UNION ALL
{{ person('leads', 'bl', 'lead_id', alias_labels.lead, 'lead') }}
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
