{#- The sync ledger's committed runs (toolkit/ledger): a run's row is written last, so a run
    without one (killed, or still running) is read by nobody. Where two runs committed on the
    same base (concurrent runs on an engine without locks), the first by run_id counts. -#}
{% macro visible_runs() -%}
SELECT r.run_id
FROM (
  SELECT lr.run_id, ROW_NUMBER() OVER (PARTITION BY lr.base_run_id ORDER BY lr.run_id) AS n
  FROM {{ ledger('runs') }} AS lr
) AS r
WHERE r.n = 1
{%- endmacro %}
