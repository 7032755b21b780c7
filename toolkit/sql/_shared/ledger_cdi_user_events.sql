{#- Braze CDI custom events sync over the sync ledger (output.user_sync.mode: ledger): one
    account_linked event per link `b2b sync run` found new, one account_unlinked per link it
    found gone (a business-account link of the accounts view; Person Accounts are the person).
    UPDATED_AT as in the attributes view: unique, increasing, and each run ends with a marker
    row whose PAYLOAD is {} (not an event). Committed runs only. -#}
{% import '_ledger.sql' as ledger_sql with context %}
{% set alias = user_sync.identifier == 'alias' %}
WITH runs AS (
{{ ledger_sql.visible_runs() }}
)
SELECT
  e.updated_at,
{% if alias %}
  e.person_key AS alias_name,
  e.alias_label,
{% else %}
  e.person_key AS external_id,
{% endif %}
  e.payload
FROM {{ ledger('events') }} AS e
WHERE e.run_id IN (SELECT runs.run_id FROM runs)
