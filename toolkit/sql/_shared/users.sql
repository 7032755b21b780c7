{#- One row per person (contacts and open leads), with their account and pipeline, for every
    CRM. Grain: user_id. The contacts are the CRM's person keys (the contacts view's people),
    read with the account id as stored, which joins the account's id forms (ref_keys, see the
    CRM's _people.sql and accounts.sql); the pipeline is the CRM's _opportunity_pairs.sql. -#}
{% import '_people.sql' as identity_sql with context %}
{% import '_opportunity_pairs.sql' as links with context %}
{% set a = src[identity_sql.account_object] %}
WITH {{ links.pairs_ctes() }}, pipeline AS (
  {#- grouped by the person keys' stored contact id (and user_id), after a join on it, and joined
      to the people on it: a GROUP BY over the pairs' UNION ALL is estimated at 200 groups by
      PostgreSQL (no statistics through a union; 871,723 actual at 1M contacts), and a join of
      two computed user_ids at 1/200 selectivity (4.6 billion rows estimated for 980,000). A
      contact has one user_id, except through a mapping table that gives it several: then the
      user_id joins too; otherwise the groups are the contact ids alone, so that the planner
      knows a person matches at most one pipeline row (join removal, below).
      On an engine that plans without statistics on the join keys (key_forms 'union': DuckDB)
      the join to the person keys is pure cost (2.4 s of operator time at 10M contacts, on every
      read of this view): the pairs already carry the person keys' contact_ref and user_id (both
      CRMs' _opportunity_pairs.sql take them from person_keys), so the groups are the same. -#}
  {% set k = 'pr' if key_forms == 'union' else 'pk' %}
  SELECT
    {{ k }}.contact_ref,
    {% if identity.strategy == 'mapping' %}{{ k }}.user_id,{% endif %}
    B2B_ID_ARRAY(pr.opportunity_id) AS opportunity_ids,
    SUM(CASE WHEN pr.is_closed THEN 0 ELSE 1 END) AS open_opportunity_count,
    SUM(CASE WHEN pr.is_closed THEN 0 ELSE COALESCE(pr.amount, 0) END) AS open_pipeline_amount
  FROM pairs AS pr
  {% if k == 'pk' %}
  JOIN {{ identity_sql.person_keys() }} AS pk
    ON pk.contact_ref = pr.contact_ref
    {% if identity.strategy == 'mapping' %} AND pk.user_id = pr.user_id{% endif %}
  {% endif %}
  GROUP BY {{ k }}.contact_ref{% if identity.strategy == 'mapping' %}, {{ k }}.user_id{% endif %}
), account_keys AS (
{% set accounts -%}
(
  SELECT
    {{ crm_id(a.col('a', 'id')) }} AS account_id,
    {{ a.col('a', 'name') }} AS account_name,
    {{ a.col('a', 'industry') }} AS industry,
    {{ a.col('a', 'id') }} AS account_id_stored
  FROM {{ a.table }} AS a
  WHERE {{ a.live('a') }} AND {{ a.col('a', 'id') }} IS NOT NULL
)
{%- endset %}
{{ identity_sql.ref_keys(accounts, 'account_id', 'account_id_stored', test_on='rows') }}
), people AS (
  {#- What a leg lacks is a bare NULL, never a typed constant: an untyped NULL takes the other
      leg's type, so both legs have the same types and PostgreSQL flattens the union into its
      parent (a "simple" UNION ALL). Only then can a read that uses none of the pipeline's
      columns (validate's user_id checks) drop the pipeline join (join removal: pipeline is
      unique on contact_ref); a union whose legs differ in type (a lead's 0 against a SUM) keeps
      every output. The join itself stays on the stored contact id, which has statistics. -#}
  SELECT
    bc.user_id, 'contact' AS person_type, bc.email, bc.account_id, ak.account_name,
    ak.industry AS account_industry, NULL AS lead_industry,
    pl.opportunity_ids, pl.open_opportunity_count, pl.open_pipeline_amount, bc.updated_at
  FROM {{ identity_sql.person_keys() }} AS bc
  LEFT JOIN account_keys AS ak
    ON {{ identity_sql.ref_match('ak', 'account_id', 'bc.account_ref', test_on='rows') }}
  LEFT JOIN pipeline AS pl
    ON pl.contact_ref = bc.contact_ref
    {% if identity.strategy == 'mapping' %} AND pl.user_id = bc.user_id{% endif %}
  UNION ALL
  SELECT
    bl.user_id, 'lead' AS person_type, bl.email, NULL AS account_id, NULL AS account_name,
    NULL AS account_industry, bl.industry AS lead_industry,
    NULL AS opportunity_ids, NULL AS open_opportunity_count, NULL AS open_pipeline_amount, bl.updated_at
  FROM {{ view('leads') }} AS bl
)
SELECT
  p.user_id,
  p.person_type,
  p.email,
  p.account_id,
  p.account_name,
  COALESCE(p.account_industry, p.lead_industry) AS industry,
  COALESCE(p.opportunity_ids, B2B_EMPTY_ID_ARRAY()) AS opportunity_ids,
  COALESCE(p.open_opportunity_count, 0) AS open_opportunity_count,
  COALESCE(p.open_pipeline_amount, 0) AS open_pipeline_amount,
  p.updated_at
FROM people AS p
