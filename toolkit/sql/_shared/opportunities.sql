{#- One row per (person, opportunity), for every CRM: the links are the CRM's
    _opportunity_pairs.sql (by a contact role or association: link_type contact_role; because
    the person's account owns it: link_type account; a pair linked both ways is one row,
    contact_role). Grain: user_id, opportunity_id. -#}
{% import '_opportunity_pairs.sql' as links with context %}
WITH {{ links.pairs_ctes() }}
SELECT
  p.user_id,
  p.opportunity_id,
  p.account_id,
  p.opportunity_name,
  p.stage_name,
  p.amount,
  p.close_date,
  p.is_closed,
  p.is_won,
  p.contact_role,
  p.is_primary = 1 AS is_primary_contact,
  CASE WHEN p.via_role = 1 THEN 'contact_role' ELSE 'account' END AS link_type
  {% for e in extra_names(links.opportunity_object, 'p') %}, {{ e }}
  {% endfor %}
FROM pairs AS p
