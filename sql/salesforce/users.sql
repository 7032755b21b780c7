{#- One row per person (contacts and open leads), with their account and pipeline. Grain: user_id.
    The contacts are the shared identity's person keys (the contacts view's people), read with
    the account id as stored, which joins the account's id forms (see accounts.sql). -#}
{% import '_people.sql' as identity_sql with context %}
{% set a = src.account %}
WITH account_keys AS (
{% set accounts -%}
(
  SELECT
    {{ sfid(a.col('a', 'id')) }} AS account_id,
    {{ a.col('a', 'name') }} AS account_name,
    {{ a.col('a', 'industry') }} AS industry,
    {{ a.col('a', 'id') }} AS account_id_stored
  FROM {{ a.table }} AS a
  WHERE {{ a.live('a') }} AND {{ a.col('a', 'id') }} IS NOT NULL
)
{%- endset %}
{{ identity_sql.ref_keys(accounts, 'account_id', 'account_id_stored') }}
), people AS (
  SELECT
    bc.user_id, 'contact' AS person_type, bc.email, bc.account_id, ak.account_name,
    ak.industry AS account_industry, CAST(NULL AS TEXT) AS lead_industry, bc.updated_at
  FROM {{ identity_sql.person_keys() }} AS bc
  LEFT JOIN account_keys AS ak
    ON ak.ref_key = bc.account_ref
  UNION ALL
  SELECT
    bl.user_id, 'lead' AS person_type, bl.email, CAST(NULL AS TEXT) AS account_id, CAST(NULL AS TEXT) AS account_name,
    CAST(NULL AS TEXT) AS account_industry, bl.industry AS lead_industry, bl.updated_at
  FROM {{ view('leads') }} AS bl
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
  p.account_name,
  COALESCE(p.account_industry, p.lead_industry) AS industry,
  COALESCE(pl.opportunity_ids, B2B_EMPTY_ID_ARRAY()) AS opportunity_ids,
  COALESCE(pl.open_opportunity_count, 0) AS open_opportunity_count,
  COALESCE(pl.open_pipeline_amount, 0) AS open_pipeline_amount,
  p.updated_at
FROM people AS p
LEFT JOIN pipeline AS pl
  ON pl.user_id = p.user_id
