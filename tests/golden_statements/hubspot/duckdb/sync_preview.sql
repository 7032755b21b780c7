SELECT
  'b2b_cdi_catalog_accounts' AS view_name,
  COUNT(*) AS n_rows,
  COALESCE(SUM(r.k)) AS n_points
FROM (
  SELECT
    0 AS k
  FROM b2b.b2b_cdi_catalog_accounts AS v
  WHERE
    v.updated_at > CAST('2026-01-01 00:00:00' AS TIMESTAMP)
) AS r
UNION ALL
SELECT
  'b2b_cdi_catalog_opportunities' AS view_name,
  COUNT(*) AS n_rows,
  COALESCE(SUM(r.k)) AS n_points
FROM (
  SELECT
    0 AS k
  FROM b2b.b2b_cdi_catalog_opportunities AS v
  WHERE
    v.updated_at > CAST('2026-01-01 00:00:00' AS TIMESTAMP)
) AS r
UNION ALL
SELECT
  'b2b_cdi_accounts' AS view_name,
  COUNT(*) AS n_rows,
  COALESCE(SUM(r.k)) AS n_points
FROM (
  SELECT
    0 AS k
  FROM b2b.b2b_cdi_accounts AS v
  WHERE
    v.updated_at > CAST('2026-01-01 00:00:00' AS TIMESTAMP)
) AS r
UNION ALL
SELECT
  'b2b_cdi_user_attributes' AS view_name,
  COUNT(*) AS n_rows,
  COALESCE(SUM(r.k)) AS n_points
FROM (
  SELECT
    LENGTH(JSON_KEYS(v.payload)) AS k
  FROM b2b.b2b_cdi_user_attributes AS v
  WHERE
    v.updated_at > CAST('2026-01-01 00:00:00' AS TIMESTAMP)
) AS r
UNION ALL
SELECT
  'b2b_cdi_user_events' AS view_name,
  COUNT(*) AS n_rows,
  COALESCE(SUM(r.k)) AS n_points
FROM (
  SELECT
    1 AS k
  FROM b2b.b2b_cdi_user_events AS v
  WHERE
    v.updated_at > CAST('2026-01-01 00:00:00' AS TIMESTAMP)
) AS r
