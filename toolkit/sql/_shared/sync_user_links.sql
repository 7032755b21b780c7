{#- The account links the CDI events sync reports, for `b2b sync run` (not a view): one row per
    (person, business account) link of the accounts view, with the account_linked event that a
    new link sends. Keys as in sync_user_state.sql. -#}
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
