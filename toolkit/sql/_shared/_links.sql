{#- The account_linked event of a (person, business account) link of the accounts view, and the
    links themselves (Person Accounts are the person: no link), for cdi_user_events.sql (view
    mode) and sync_user_links.sql (the ledger). Under the alias identifier the contact's CRM
    id comes from the contacts view. -#}
{% macro linked_event() -%}
  B2B_JSON_OBJECT(
    'name', 'account_linked',
    'time', B2B_ISO8601(ba.linked_at),
    'properties', B2B_JSON_OBJECT('account_id', ba.account_id)
  )
{%- endmacro %}
{% macro links_from(alias) -%}
FROM {{ view('accounts') }} AS ba
{% if alias %}
JOIN {{ view('contacts') }} AS bc
  ON bc.user_id = ba.user_id
{% endif %}
WHERE B2B_IS_NOT_TRUE(ba.is_person_account)
{%- endmacro %}
