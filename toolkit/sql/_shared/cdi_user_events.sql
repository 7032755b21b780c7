{#- Braze CDI custom events sync (output.user_sync): one account_linked event per (person,
    business account) link of the accounts view (Person Accounts are the person: no event).
    PAYLOAD is a /users/track event object: {"name", "time" (ISO 8601, UTC), "properties":
    {"account_id"}}. UPDATED_AT and time are when the link was made or last changed (the
    accounts view's linked_at). A removed link sends nothing: events are history; the user's
    accountId attribute is the current truth. -#}
{% set alias = user_sync.identifier == 'alias' %}
SELECT
  ba.linked_at AS updated_at,
{% if alias %}
  bc.contact_id AS alias_name,
  {{ literal(alias_labels.contact) }} AS alias_label,
{% else %}
  ba.user_id AS external_id,
{% endif %}
  B2B_JSON_OBJECT(
    'name', 'account_linked',
    'time', B2B_ISO8601(ba.linked_at),
    'properties', B2B_JSON_OBJECT('account_id', ba.account_id)
  ) AS payload
FROM {{ view('accounts') }} AS ba
{% if alias %}
JOIN {{ view('contacts') }} AS bc
  ON bc.user_id = ba.user_id
{% endif %}
WHERE B2B_IS_NOT_TRUE(ba.is_person_account)
