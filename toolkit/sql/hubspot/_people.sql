{#- Who a HubSpot contact is on the platform (see sql/salesforce/_people.sql for the contract).
    Everyone in HubSpot is a contact: a contact at a lead stage (lead_stages) is a lead and sits
    in the leads view; every other live contact is a contact. HubSpot ids are integers, carried
    as text (crm_id); the stored integers join as they are (statistics on both sides).
    person_keys(): user_id, contact_id, account_id (text), contact_ref and account_ref (the
      contact's id and its primary company id as stored), email, updated_at.
    Import with context: {% import '_people.sql' as identity_sql with context %} -#}
{% import '_identity.sql' as shared with context %}
{% set account_object = 'company' %}
{% macro people(relation, key='contact_id', not_in=none) -%}
{{ shared.people(relation, key, not_in) }}
{%- endmacro %}

{% macro live_contacts(c, leads=false) -%}
{#- a predicate, not a boolean value (T-SQL takes none inside COALESCE): a contact with no
    lifecycle stage is not a lead -#}
{% set stage = c.col('c', 'lifecycle_stage') %}
  FROM {{ c.table }} AS c
  WHERE {{ c.live('c') }} AND {{ c.col('c', 'id') }} IS NOT NULL
{% if leads %}
    AND {{ stage }} IN ({{ lead_stages }})
{% else %}
    AND ({{ stage }} IS NULL OR {{ stage }} NOT IN ({{ lead_stages }}))
{% endif %}
{%- endmacro %}

{% macro person_keys() -%}
{% set c = src.contact %}
{{ shared.person_keys(c, 'company_id', live_contacts(c)) }}
{%- endmacro %}

{% macro ref_keys(relation, column, stored=none, test_on='pairs') -%}
{#- The rows of `relation` keyed by ref_key: the id as stored (HubSpot ids have one form) -#}
  SELECT k.{{ stored or column }} AS ref_key, k.* FROM {{ relation }} AS k
{%- endmacro %}

{% macro ref_match(keys, column, raw, test_on='pairs') -%}
{{ raw }} = {{ keys }}.ref_key
{%- endmacro %}
