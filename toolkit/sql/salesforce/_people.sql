{#- Who a person (contact or lead) is on the platform, in one place: the identity strategy.
    people(relation, key, not_in): live contacts (or leads: key='lead_id') with contact_id (key),
      email, updated_at, ... -> the same rows with a user_id in front, one row per user_id.
    person_keys(): just user_id, contact_id, account_id (18-char), contact_ref and account_ref
      (the contact's id and its account id as stored: columns with statistics, to join on),
      email and updated_at, read from the contact table. The link views (accounts, opportunities) join
      this instead of the contacts view: same people, but without the contacts view's
      converted-lead lookup, which a link never needs.
    ref_keys(relation, column): relation's rows once per form a stored reference to its 18-char
      `column` may take (see the macro); ref_match(keys, column, raw) joins them to a stored id.
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

{% macro short_forms(stored, test_on) -%}
{#- ref_keys: the rows that have a 15-char form (under 'rows', only where it is right) -#}
LENGTH(k.{{ stored }}) = 15
  {% if test_on == 'pairs' %}
    OR LENGTH(k.{{ stored }}) = 18
  {% else %}
    OR (LENGTH(k.{{ stored }}) = 18 AND SUBSTRING(k.{{ stored }}, 16, 3) = B2B_SF18_SUFFIX(k.{{ stored }}))
  {% endif %}
{%- endmacro %}

{% macro key_layout(test_on) -%}
{#- How ref_keys lays out a relation's keys and ref_match joins them, decided once for both:
    'plain' (the id itself, joined to the converted reference), 'union' or 'cross'. -#}
{%- if not ids_to_18 or (key_forms == 'union' and test_on == 'pairs') -%}plain
{%- elif key_forms == 'union' -%}union
{%- else -%}cross{%- endif -%}
{%- endmacro %}

{% macro ref_keys(relation, column, stored=none, test_on='pairs') -%}
{#- The rows of `relation`, keyed by ref_key: every form a stored reference to its (18-char)
    `column` may take. That is the id itself and, under identity.salesforce_ids: to_18, its
    15-char form (`stored`: the same id as the CRM table holds it). Join it with ref_match(),
    with the same `test_on`: `ref_match(keys, column, raw)` equals `column = sfid(raw)`, row for
    row, without converting the referencing side: the contact table is the big side of these
    joins, and converting 10M account references per read cost a quarter of a segment's time
    on DuckDB.
    The same macro turns a small relation's (converted) reference into the forms a stored id
    may take, so that it joins the big side's stored id: `stored` defaults to `column`. Every
    join of the views has a stored column on one side, which the planners have statistics for:
    a join of two computed keys is estimated from defaults (PostgreSQL: 1/200 per join), and
    a 1000x overestimate sizes hashes and sorts to spill.
    A 15-char form of an 18-char id is right only when the id's checksum is (an 18-char id whose
    case was mangled has no 15-char form). `test_on` says where that test runs:
      'rows': here, once per row. For a relation whose rows each join many of the other side
        (an account's or an opportunity's own id, joined by its contacts' account ids).
      'pairs': in ref_match, on the joined pairs, and only where a 15-char reference met a
        prefix (rare: Fivetran syncs 18-char ids). For a relation whose rows each join about
        one row (relation and role rows joining their contact or account): testing every row
        was a third of a segment's time on DuckDB, while the same test as a join condition on
        the 2.9M account-owned opportunity pairs at 10M tripled that join's time.
    The target dialect's KEY_FORMS (toolkit/dialects/base.py) says how the forms are laid out:
      'cross': the relation is read once, crossed with its two forms. Spark inlines every
        reference, and nested UNION ALLs doubled its plan per level until the driver ran out
        of heap. Every other engine but DuckDB gets this SQL, which PostgreSQL estimates well.
      'union' (DuckDB): under 'rows', a UNION ALL of two reads of the relation, put in a CTE.
        DuckDB picks a hash join's build side by estimated rows; the CTE's estimate is small,
        so it builds on the account or opportunity forms and probes the contacts, where the
        crossed form (or an inline subquery) made it build on 9.8M contacts at 10M: the
        account-owned opportunity join took 1.6-1.9 s instead of 0.55 s. Under 'pairs', no
        forms: ref_match joins the converted reference (its hash join needs no statistics),
        which is cheaper than a doubled build side with a residual test. -#}
{% set stored = stored or column %}
{% set layout = key_layout(test_on) %}
{% if layout == 'union' %}
  WITH ref_rows AS (SELECT * FROM {{ relation }} AS k)
  SELECT k.{{ column }} AS ref_key, k.* FROM ref_rows AS k
  UNION ALL
  SELECT SUBSTRING(k.{{ stored }}, 1, 15) AS ref_key, k.* FROM ref_rows AS k
  WHERE {{ short_forms(stored, test_on) }}
{% elif layout == 'cross' %}
  SELECT
    CASE WHEN f.form = 1 THEN k.{{ column }} ELSE SUBSTRING(k.{{ stored }}, 1, 15) END AS ref_key,
    {% if test_on == 'pairs' %}
    CASE WHEN f.form = 1 OR LENGTH(k.{{ stored }}) = 15 THEN 1 ELSE 0 END AS ref_exact,
    {% endif %}
    k.*
  FROM {{ relation }} AS k
  CROSS JOIN (SELECT 1 AS form UNION ALL SELECT 2 AS form) AS f
  WHERE f.form = 1 OR {{ short_forms(stored, test_on) }}
{% else %}
  SELECT k.{{ column }} AS ref_key, k.* FROM {{ relation }} AS k
{% endif %}
{%- endmacro %}

{% macro ref_match(keys, column, raw, test_on='pairs') -%}
{#- The join condition of ref_keys' rows `keys` (made with the same `test_on`) to a stored
    reference `raw`: `keys.column = sfid(raw)`. Under 'pairs', a 15-char form of an 18-char id
    (ref_exact = 0) matches only a 15-char `raw` whose 18-char id it is. That test is
    B2B_OR_ELSE (a CASE), not an OR (see toolkit/dialects/base.py) nor `CASE ... END <> 0`,
    which DuckDB rewrote onto the keys' side (raw equals ref_key there) and ran on every row. -#}
{%- set layout = key_layout(test_on) -%}
{%- if layout == 'plain' and ids_to_18 -%}
{{ sfid(raw) }} = {{ keys }}.ref_key
{%- elif layout == 'cross' and test_on == 'pairs' -%}
{{ raw }} = {{ keys }}.ref_key
  AND B2B_OR_ELSE({{ keys }}.ref_exact = 1, {{ sfid(raw) }} = {{ keys }}.{{ column }})
{%- else -%}
{{ raw }} = {{ keys }}.ref_key
{%- endif -%}
{%- endmacro %}
