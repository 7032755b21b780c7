{#- The identity strategy, shared by every CRM (sql/_shared is on every CRM's template path):
    people(relation, key, not_in): the rows of `relation` (a CRM id column `key`, email,
    updated_at, ...) with a user_id in front, one row per user_id, by identity.strategy.
    person_keys(c, account_field, from_live_contacts): the person keys the link views join.
    A CRM's _people.sql wraps them: {% import '_identity.sql' as shared with context %} -#}
{% macro people(relation, key='contact_id', not_in=none) -%}
{#- key: the CRM id column of `relation` (contact_id or lead_id; identity.mapping has an accessor
    of the same name). not_in: a relation whose user_ids this one must not reuse (email only:
    an address a contact has is that contact, never also a lead). -#}
{% if identity.strategy == 'crm_id' %}
  SELECT CAST(ct.{{ key }} AS TEXT) AS user_id, ct.*
  FROM {{ relation }} AS ct
{% elif identity.strategy == 'mapping' and identity.mapping[key] %}
  SELECT CAST({{ identity.mapping.external_id('m') }} AS TEXT) AS user_id, ct.*
  FROM {{ relation }} AS ct
  JOIN {{ identity.mapping.table }} AS m
    ON {{ sfid(identity.mapping[key]('m')) }} = ct.{{ key }}
  WHERE {{ identity.mapping.external_id('m') }} IS NOT NULL
{% elif identity.strategy == 'mapping' %}
  {#- no identity.mapping.lead_id_column: leads are not platform users #}
  SELECT CAST(NULL AS TEXT) AS user_id, ct.*
  FROM {{ relation }} AS ct
  WHERE 1 = 0
{% else %}
  {#- email: one person per address; the most recently updated record wins #}
  SELECT ranked.* FROM (
    SELECT
      LOWER(TRIM(ct.email)) AS user_id,
      ct.*,
      ROW_NUMBER() OVER (PARTITION BY LOWER(TRIM(ct.email)) ORDER BY ct.updated_at DESC, ct.{{ key }}) AS b2b_rank
    FROM {{ relation }} AS ct
    WHERE ct.email IS NOT NULL AND TRIM(ct.email) <> ''
  ) AS ranked
  WHERE ranked.b2b_rank = 1
{% if not_in %}
    AND NOT EXISTS (SELECT 1 FROM {{ not_in }} AS taken WHERE taken.user_id = ranked.user_id)
{% endif %}
{% endif %}
{%- endmacro %}

{% macro person_keys(c, account_field, from_live_contacts) -%}
{#- user_id, contact_id and account_id (as the views carry them), contact_ref and account_ref
    (the contact's id and its account's id as stored: columns with statistics, to join on),
    email and updated_at, of the live contacts `from_live_contacts` (a FROM ... WHERE clause
    over alias c) selects. `account_field`: the contact's account reference field. -#}
{% set keys -%}
(
    SELECT
      {{ crm_id(c.col('c', 'id')) }} AS contact_id,
      {{ crm_id(c.col('c', account_field)) }} AS account_id,
      {{ c.col('c', 'id') }} AS contact_ref,
      {{ c.col('c', account_field) }} AS account_ref,
      {{ c.col('c', 'email') }} AS email,
      {{ c.modified('c') }} AS updated_at
    {{ from_live_contacts }}
  )
{%- endset %}
(
  SELECT pk.user_id, pk.contact_id, pk.account_id, pk.contact_ref, pk.account_ref, pk.email, pk.updated_at FROM (
{{ people(keys) }}
  ) AS pk
)
{%- endmacro %}
