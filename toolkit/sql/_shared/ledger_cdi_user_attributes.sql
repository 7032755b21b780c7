{#- Braze CDI user attributes sync over the sync ledger (output.user_sync.mode: ledger). One row
    per person and `b2b sync run` that changed any of their attributes; PAYLOAD holds only those
    attributes (one removed, e.g. a deleted person's, as null, which Braze unsets). UPDATED_AT
    is UTC, unique per row, and increases from run to run. Each run ends with one marker row
    whose PAYLOAD is {} (no attribute: no data point) at its highest UPDATED_AT, so the row
    Braze's inclusive cursor reads again at its next sync costs nothing. Committed runs only. -#}
{% import '_ledger.sql' as ledger_sql with context %}
{% set alias = user_sync.identifier == 'alias' %}
WITH runs AS (
{{ ledger_sql.visible_runs() }}
)
SELECT
  a.updated_at,
{% if alias %}
  a.person_key AS alias_name,
  a.alias_label,
{% else %}
  a.person_key AS external_id,
{% endif %}
  '{' || COALESCE(B2B_STRING_AGG(a.entry, ','), '') || '}' AS payload
FROM {{ ledger('attributes') }} AS a
WHERE a.run_id IN (SELECT runs.run_id FROM runs)
GROUP BY a.updated_at, a.person_key, a.alias_label
