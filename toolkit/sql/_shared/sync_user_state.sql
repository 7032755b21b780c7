{#- The CDI user sync's current state, for `b2b sync run` (not a view): one row per (person,
    attribute) of what cdi_user_attributes would send, with `attribute` the name as JSON text
    ("accountId") and `entry` the payload member ("accountId": "001...") as this engine writes
    it; a NULL value as "name":null on every engine, so that absent and null compare equal.
    person_key is the external id, or the CRM id under output.user_sync.identifier: alias. -#}
{% set alias = user_sync.identifier == 'alias' %}
{#- the users view alone holds every attribute, unless a person's CRM id (alias) or extra field
    is needed: then each person view is joined (reading them is most of this query's cost) -#}
{% set users_only = not alias and not extra_members('contact', 'bc') and not extra_members('lead', 'bl') %}
{% macro person(view_entity, v, id_column, label, extras_of) -%}
{% set members = [
  ('accountId', 'bu.account_id'),
  ('opportunityIds', 'B2B_JSON_ARRAY(bu.opportunity_ids)'),
  ('account_name', 'bu.account_name'),
  ('industry', 'bu.industry'),
  ('open_pipeline_amount', 'bu.open_pipeline_amount'),
] + (extra_members(extras_of, v) if extras_of else []) %}
  SELECT
    {{ v }}.{{ id_column if alias else 'user_id' }} AS person_key,
    {{ literal(label) if alias else "''" }} AS alias_label,
    k.attribute,
    CASE k.attribute
{% for key, value in members %}
      WHEN {{ json_key(key) }} THEN CASE WHEN {{ value }} IS NOT NULL THEN B2B_JSON_OBJECT({{ literal(key) }}, {{ value }}) END
{% endfor %}
    END AS member
{% if view_entity == 'users' %}
  FROM {{ view('users') }} AS bu
{% else %}
  FROM {{ view(view_entity) }} AS {{ v }}
  JOIN {{ view('users') }} AS bu
    ON bu.user_id = {{ v }}.user_id
{% endif %}
  CROSS JOIN (
{% for key, value in members %}
    SELECT {{ json_key(key) }} AS attribute{{ ' UNION ALL' if not loop.last }}
{% endfor %}
  ) AS k
{%- endmacro %}
SELECT
  s.person_key,
  s.alias_label,
  s.attribute,
  CASE WHEN s.member IS NULL THEN s.attribute || ':null' ELSE SUBSTRING(s.member, 2, LENGTH(s.member) - 2) END AS entry
FROM (
{% if users_only %}
{{ person('users', 'bu', 'user_id', '', None) }}
{% else %}
{{ person('contacts', 'bc', 'contact_id', alias_labels.contact, 'contact') }}
  UNION ALL
{{ person('leads', 'bl', 'lead_id', alias_labels.lead, 'lead') }}
{% endif %}
) AS s
