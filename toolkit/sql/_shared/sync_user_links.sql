{#- The account links the CDI events sync reports, for `b2b sync run` (not a view): one row per
    (person, business account) link of the accounts view, with the account_linked event that a
    new link sends. Keys as in sync_user_state.sql. -#}
{% import '_links.sql' as links with context %}
{% set alias = user_sync.identifier == 'alias' %}
SELECT
{% if alias %}
  bc.contact_id AS person_key,
  {{ literal(alias_labels.contact) }} AS alias_label,
{% else %}
  ba.user_id AS person_key,
  '' AS alias_label,
{% endif %}
  ba.account_id,
  {{ links.linked_event() }} AS payload
{{ links.links_from(alias) }}
