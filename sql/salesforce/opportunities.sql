{#- One row per (person, opportunity). A person is linked to an opportunity by an
    OpportunityContactRole (link_type contact_role) or because their account owns it (link_type
    account); a pair linked both ways is one row, contact_role. Roles pointing at deleted
    contacts drop out by the join to the live contacts. Grain: user_id, opportunity_id.
    Every join has a column as stored on one side (see accounts.sql). -#}
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
  {% for e in extra_names('opportunity', 'p') %}, {{ e }}
  {% endfor %}
FROM pairs AS p
