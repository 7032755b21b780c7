{#- Braze CDI custom events sync (output.user_sync): one account_linked event per (person,
    business account) link of the accounts view (Person Accounts are the person: no event).
    PAYLOAD is a /users/track event object: {"name", "time" (ISO 8601, UTC), "properties":
    {"account_id"}}. UPDATED_AT and time are when the link was made or last changed (the
    accounts view's linked_at). A removed link sends nothing: events are history; the user's
    accountId attribute is the current truth. -#}
{% import '_links.sql' as links with context %}
{% set alias = user_sync.identifier == 'alias' %}
SELECT
  ba.linked_at AS updated_at,
{% if alias %}
  bc.contact_id AS alias_name,
  {{ literal(alias_labels.contact) }} AS alias_label,
{% else %}
  ba.user_id AS external_id,
{% endif %}
  {{ links.linked_event() }} AS payload
{{ links.links_from(alias) }}
