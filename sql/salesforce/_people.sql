{#- Who a person (contact or lead) is on the platform, in one place: the identity strategy.
    people(relation, key, not_in): live contacts (or leads: key='lead_id') with contact_id (key),
      email, updated_at, ... -> the same rows with a user_id in front, one row per user_id.
    person_keys(): just user_id, contact_id, account_id (18-char), contact_ref and account_ref
      (the contact's id and its account id as stored: columns with statistics, to join on),
      email and updated_at, read from the contact table. The link views (accounts, opportunities) join
      this instead of the contacts view: same people, but without the contacts view's
      converted-lead lookup, which a link never needs.
    ref_keys(relation, column): relation's rows once per form a stored reference to its 18-char
      `column` may take (see the macro).
    Import with context: {% import '_people.sql' as identity_sql with context %} -#}
{% import '_identity.sql' as shared with context %}
{% set account_object = 'account' %}
{% macro people(relation, key='contact_id', not_in=none) -%}
{{ shared.people(relation, key, not_in) }}
{%- endmacro %}

{% macro live_contacts(c) -%}
  FROM {{ c.table }} AS c
  WHERE {{ c.live('c') }} AND {{ c.col('c', 'id') }} IS NOT NULL
{%- endmacro %}

{% macro person_keys() -%}
{% set c = src.contact %}
{{ shared.person_keys(c, 'account_id', live_contacts(c)) }}
{%- endmacro %}

{% macro ref_keys(relation, column, stored=none) -%}
{#- The rows of `relation`, keyed by ref_key: every form a stored reference to its (18-char)
    `column` may take. That is the id itself and, under identity.salesforce_ids: to_18 and when
    its checksum is right, its 15-char form (`stored`: the same id as the CRM table holds it, so
    the checksum test reads the stored id, not the converted one). So `ref_key = raw_reference`
    equals `column = sfid(raw_reference)`, row for row, without converting the referencing
    side: the contact table is the big side of these joins, and converting 10M account
    references per read cost a quarter of a segment's time on DuckDB.
    The same macro turns a small relation's (converted) reference into the forms a stored id
    may take, so that it joins the big side's stored id: `stored` defaults to `column`. Every
    join of the views has a stored column on one side, which the planners have statistics for:
    a join of two computed keys is estimated from defaults (PostgreSQL: 1/200 per join), and
    a 1000x overestimate sizes hashes and sorts to spill.
    The relation is read once, crossed with its two forms (not a UNION ALL of two reads): Spark
    inlines every reference, and nested unions doubled the plan per level until the driver ran
    out of heap. -#}
{% set stored = stored or column %}
{% if ids_to_18 %}
  SELECT
    CASE WHEN f.form = 1 THEN k.{{ column }} ELSE SUBSTRING(k.{{ stored }}, 1, 15) END AS ref_key,
    k.*
  FROM {{ relation }} AS k
  CROSS JOIN (SELECT 1 AS form UNION ALL SELECT 2 AS form) AS f
  WHERE f.form = 1
    OR LENGTH(k.{{ stored }}) = 15
    OR (LENGTH(k.{{ stored }}) = 18 AND SUBSTRING(k.{{ stored }}, 16, 3) = B2B_SF18_SUFFIX(k.{{ stored }}))
{% else %}
  SELECT k.{{ column }} AS ref_key, k.* FROM {{ relation }} AS k
{% endif %}
{%- endmacro %}
