{#- One row per person (contacts and open leads), with their account and pipeline. Grain: user_id. -#}
{% set a = src.account %}
WITH people AS (
  SELECT bc.user_id, 'contact' AS person_type, bc.email, bc.account_id, CAST(NULL AS TEXT) AS lead_industry, bc.updated_at
  FROM {{ view('contacts') }} AS bc
  UNION ALL
  SELECT bl.user_id, 'lead' AS person_type, bl.email, CAST(NULL AS TEXT) AS account_id, bl.industry AS lead_industry, bl.updated_at
  FROM {{ view('leads') }} AS bl
), accounts AS (
  SELECT
    {{ sfid(a.col('a', 'id')) }} AS account_id,
    {{ a.col('a', 'name') }} AS account_name,
    {{ a.col('a', 'industry') }} AS industry
  FROM {{ a.table }} AS a
  WHERE {{ a.live('a') }} AND {{ a.col('a', 'id') }} IS NOT NULL
), pipeline AS (
  SELECT
    bo.user_id,
    B2B_ID_ARRAY(bo.opportunity_id) AS opportunity_ids,
    SUM(CASE WHEN bo.is_closed THEN 0 ELSE 1 END) AS open_opportunity_count,
    SUM(CASE WHEN bo.is_closed THEN 0 ELSE COALESCE(bo.amount, 0) END) AS open_pipeline_amount
  FROM {{ view('opportunities') }} AS bo
  GROUP BY bo.user_id
)
SELECT
  p.user_id,
  p.person_type,
  p.email,
  p.account_id,
  ac.account_name,
  COALESCE(ac.industry, p.lead_industry) AS industry,
  COALESCE(pl.opportunity_ids, B2B_EMPTY_ID_ARRAY()) AS opportunity_ids,
  COALESCE(pl.open_opportunity_count, 0) AS open_opportunity_count,
  COALESCE(pl.open_pipeline_amount, 0) AS open_pipeline_amount,
  p.updated_at
FROM people AS p
LEFT JOIN accounts AS ac
  ON ac.account_id = p.account_id
LEFT JOIN pipeline AS pl
  ON pl.user_id = p.user_id
