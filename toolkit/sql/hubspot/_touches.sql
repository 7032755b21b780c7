{#- The rows behind a person's CDI attributes row (cdi_user_attributes.sql), as CTEs ending in
    `touches` (user_id, changed_at), deleted rows included (a deletion's sync time):
    - the contact itself, and its primary company (accountId, account_name, industry);
    - the deals associated with that company, each with the latest change of any of the deal's
      company associations (the deal's account is its lowest company id: an association
      elsewhere can move the deal to this company) and the deal's own change;
    - the contact's deal associations, and those deals' own changes;
    - the leads (their own row).
    A pipeline stage's metadata edit (its won flag or probability) is not a touch: it changes no
    row of these tables. Every join is of stored integer ids. Call inside WITH. -#}
{% import '_people.sql' as identity_sql with context %}
{% set a = src.company %}
{% set d = src.deal %}
{% set r = src.deal_contact %}
{% set dc = src.deal_company %}
{% macro touches_ctes() -%}
deal_links AS (
  SELECT {{ dc.col('dc', 'deal_id') }} AS deal_ref, MAX({{ dc.loaded('dc') }}) AS links_changed
  FROM {{ dc.table }} AS dc
  WHERE {{ dc.current('dc') }}1 = 1
  GROUP BY {{ dc.col('dc', 'deal_id') }}
), company_deals AS (
  SELECT DISTINCT {{ dc.col('dc', 'company_id') }} AS company_ref, {{ dc.col('dc', 'deal_id') }} AS deal_ref
  FROM {{ dc.table }} AS dc
  WHERE {{ dc.current('dc') }}1 = 1
), touches AS (
  SELECT bc.user_id, bc.updated_at AS changed_at
  FROM {{ identity_sql.person_keys() }} AS bc
  UNION ALL
  SELECT bc.user_id, {{ a.changed('a') }} AS changed_at
  FROM {{ identity_sql.person_keys() }} AS bc
  JOIN {{ a.table }} AS a
    ON {{ a.col('a', 'id') }} = bc.account_ref
  WHERE {{ a.current('a') }}1 = 1
  UNION ALL
  SELECT bc.user_id, dl.links_changed AS changed_at
  FROM {{ identity_sql.person_keys() }} AS bc
  JOIN company_deals AS cd
    ON cd.company_ref = bc.account_ref
  JOIN deal_links AS dl
    ON dl.deal_ref = cd.deal_ref
  UNION ALL
  SELECT bc.user_id, {{ d.changed('d') }} AS changed_at
  FROM {{ identity_sql.person_keys() }} AS bc
  JOIN company_deals AS cd
    ON cd.company_ref = bc.account_ref
  JOIN {{ d.table }} AS d
    ON {{ d.col('d', 'id') }} = cd.deal_ref
  WHERE {{ d.current('d') }}1 = 1
  UNION ALL
  SELECT bc.user_id, {{ r.loaded('r') }} AS changed_at
  FROM {{ r.table }} AS r
  JOIN {{ identity_sql.person_keys() }} AS bc
    ON bc.contact_ref = {{ r.col('r', 'contact_id') }}
  WHERE {{ r.current('r') }}1 = 1
  UNION ALL
  SELECT bc.user_id, {{ d.changed('d') }} AS changed_at
  FROM {{ r.table }} AS r
  JOIN {{ identity_sql.person_keys() }} AS bc
    ON bc.contact_ref = {{ r.col('r', 'contact_id') }}
  JOIN {{ d.table }} AS d
    ON {{ d.col('d', 'id') }} = {{ r.col('r', 'deal_id') }}
  WHERE {{ r.current('r') }}{{ d.current('d') }}1 = 1
  UNION ALL
  SELECT bl.user_id, bl.updated_at AS changed_at
  FROM {{ view('leads') }} AS bl
)
{%- endmacro %}
