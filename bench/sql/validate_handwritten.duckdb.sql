-- Baseline (a) for `b2b validate`: the same numbers, written by hand for DuckDB in the fewest
-- passes I could manage (no samples, no portability). The harness checks that every number
-- equals validate's before it times anything. Uses the temp macro sf18_suffix(x) that the
-- harness defines from the same checksum arithmetic.
WITH c AS MATERIALIZED (SELECT user_id, contact_id, account_id, converted_from_lead_id, email FROM b2b.b2b_contacts),
l AS MATERIALIZED (SELECT user_id, lead_id, email FROM b2b.b2b_leads),
a AS MATERIALIZED (SELECT user_id, account_id, parent_account_id FROM b2b.b2b_accounts),
o AS MATERIALIZED (SELECT user_id, opportunity_id, account_id FROM b2b.b2b_opportunities),
p AS MATERIALIZED (SELECT CAST(external_id AS VARCHAR) AS external_id FROM braze.user_latest_state_default_attributes_view_shared WHERE external_id IS NOT NULL),
live AS (SELECT CASE WHEN length(id) = 15 THEN id || sf18_suffix(id) ELSE id END AS account_id FROM salesforce.account WHERE NOT coalesce(is_deleted, false) AND NOT coalesce(_fivetran_deleted, false) AND id IS NOT NULL),
people AS MATERIALIZED (SELECT 'contacts' AS entity, user_id, converted_from_lead_id AS lead_id, email FROM c WHERE user_id IS NOT NULL
                        UNION ALL SELECT 'leads', user_id, NULL, email FROM l WHERE user_id IS NOT NULL),
miss AS MATERIALIZED (SELECT * FROM people ANTI JOIN p ON p.external_id = people.user_id),
diag AS (
  SELECT entity, CASE
    WHEN lower(user_id) IN (SELECT lower(external_id) FROM p) THEN 'case_mismatch'
    WHEN trim(user_id) IN (SELECT trim(external_id) FROM p) THEN 'whitespace'
    WHEN length(user_id) = 18 AND user_id[1:15] IN (SELECT external_id FROM p) THEN 'salesforce_15_vs_18'
    WHEN length(user_id) = 15 AND user_id IN (SELECT external_id[1:15] FROM p WHERE length(external_id) = 18) THEN 'salesforce_15_vs_18'
    WHEN lead_id IN (SELECT external_id FROM p) THEN 'converted_lead'
    WHEN lower(trim(email)) IN (SELECT lower(external_id) FROM p) THEN 'email_as_id'
    ELSE 'unknown' END AS cause
  FROM miss),
bad AS (SELECT v, x FROM (
  SELECT 'contacts.contact_id' AS v, unnest(list(DISTINCT contact_id)) AS x FROM c
  UNION ALL SELECT 'contacts.account_id', unnest(list(DISTINCT account_id)) FROM c
  UNION ALL SELECT 'contacts.converted_from_lead_id', unnest(list(DISTINCT converted_from_lead_id)) FROM c
  UNION ALL SELECT 'leads.lead_id', unnest(list(DISTINCT lead_id)) FROM l
  UNION ALL SELECT 'accounts.account_id', unnest(list(DISTINCT account_id)) FROM a
  UNION ALL SELECT 'accounts.parent_account_id', unnest(list(DISTINCT parent_account_id)) FROM a
  UNION ALL SELECT 'opportunities.opportunity_id', unnest(list(DISTINCT opportunity_id)) FROM o
  UNION ALL SELECT 'opportunities.account_id', unnest(list(DISTINCT account_id)) FROM o)
  WHERE length(x) = 15 OR (length(x) = 18 AND x[16:18] <> sf18_suffix(x)))
SELECT 'contacts' AS k, count(*) AS total, count(*) - count(user_id) AS nulls, count(user_id) - count(DISTINCT user_id) AS dup,
       count(*) FILTER (user_id <> trim(user_id) OR strpos(user_id, chr(9)) > 0 OR strpos(user_id, chr(10)) > 0 OR strpos(user_id, chr(13)) > 0) AS fmt,
       count(*) FILTER (user_id LIKE '%_@_%._%') AS email_shaped FROM c
UNION ALL SELECT 'leads', count(*), count(*) - count(user_id), count(user_id) - count(DISTINCT user_id),
       count(*) FILTER (user_id <> trim(user_id) OR strpos(user_id, chr(9)) > 0 OR strpos(user_id, chr(10)) > 0 OR strpos(user_id, chr(13)) > 0),
       count(*) FILTER (user_id LIKE '%_@_%._%') FROM l
UNION ALL SELECT 'accounts', count(*), count(*) - count(user_id), count(*) - count(DISTINCT (user_id, account_id)), NULL, NULL FROM a
UNION ALL SELECT 'opportunities', count(*), count(*) - count(user_id), count(*) - count(DISTINCT (user_id, opportunity_id)), NULL, NULL FROM o
UNION ALL SELECT 'users', count(*), count(*) - count(user_id), count(user_id) - count(DISTINCT user_id), NULL, NULL FROM b2b.b2b_users
UNION ALL SELECT 'diag:' || entity || ':' || cause, count(*), NULL, NULL, NULL, NULL FROM diag GROUP BY ALL
UNION ALL SELECT 'coverage', count(DISTINCT external_id), count(DISTINCT external_id) FILTER (user_id IS NULL), NULL, NULL, NULL
          FROM p LEFT JOIN (SELECT DISTINCT user_id FROM people) AS pe ON pe.user_id = p.external_id
UNION ALL SELECT 'duplicates', count(*), count(*) FILTER (lead_in_views), count(*) FILTER (NOT lead_in_views AND both_in_platform), NULL, NULL FROM (
          SELECT converted_from_lead_id IN (SELECT lead_id FROM l) AS lead_in_views,
                 converted_from_lead_id IN (SELECT external_id FROM p) AND user_id IN (SELECT external_id FROM p) AS both_in_platform
          FROM c WHERE converted_from_lead_id IS NOT NULL)
UNION ALL SELECT 'orphans', count(*), count(*) FILTER (c.account_id IS NULL), count(*) FILTER (c.account_id IS NOT NULL AND a.user_id IS NULL), NULL, NULL
          FROM c LEFT JOIN (SELECT DISTINCT user_id, account_id FROM a) AS a ON a.user_id = c.user_id AND a.account_id = c.account_id
UNION ALL SELECT 'skew', count(*), count(*) FILTER (n > $max_contacts), NULL, NULL, NULL FROM (SELECT account_id, count(*) AS n FROM c WHERE account_id IS NOT NULL GROUP BY ALL)
UNION ALL SELECT 'integrity:accounts', count(*), count(*) FILTER (parent_account_id IS NOT NULL AND parent_account_id NOT IN (SELECT account_id FROM live)), NULL, NULL, NULL FROM a
UNION ALL SELECT 'integrity:opportunities', count(*), count(*) FILTER (account_id IS NOT NULL AND account_id NOT IN (SELECT account_id FROM live)), NULL, NULL, NULL FROM o
UNION ALL SELECT 'checksum:' || v, count(*), NULL, NULL, NULL, NULL FROM bad GROUP BY ALL
-- the copy path's sync views (output.catalogs): payload an object, updated_at set and not in the
-- future, identifier set; one read of each view
UNION ALL SELECT 'sync:' || v, count(*),
       count(*) FILTER (payload IS NULL OR NOT CASE WHEN json_valid(payload) THEN json_type(payload) = 'OBJECT' ELSE false END),
       count(*) FILTER (updated_at IS NULL OR updated_at > current_timestamp),
       count(*) FILTER (id IS NULL OR trim(id) = ''), NULL
          FROM (SELECT 'cdi_catalog_accounts' AS v, updated_at, id, payload FROM b2b.b2b_cdi_catalog_accounts
                UNION ALL SELECT 'cdi_catalog_opportunities', updated_at, id, payload FROM b2b.b2b_cdi_catalog_opportunities
                UNION ALL SELECT 'cdi_accounts', updated_at, id, payload FROM b2b.b2b_cdi_accounts)
          GROUP BY v
