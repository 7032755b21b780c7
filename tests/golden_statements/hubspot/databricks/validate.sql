WITH v_contacts AS (
  SELECT
    user_id,
    contact_id,
    account_id,
    converted_from_lead_id,
    email,
    is_person_account
  FROM b2b.b2b_contacts
), agg_contacts AS (
  SELECT
    COUNT(*) AS total,
    COUNT(user_id) AS non_null,
    COUNT(
      CASE
        WHEN (
          user_id <> TRIM(user_id)
          OR LOCATE(CHR(  9), user_id) > 0
          OR LOCATE(CHR(  10), user_id) > 0
          OR LOCATE(CHR(  13), user_id) > 0
        )
        THEN 1
      END
    ) AS bad_format,
    COUNT(CASE WHEN user_id LIKE '%_@_%._%' THEN 1 END) AS email_shaped
  FROM v_contacts
), m_user_id_not_null_contacts AS (
  SELECT
    total,
    total - non_null AS failing
  FROM agg_contacts
), keys_contacts AS (
  SELECT
    user_id,
    COUNT(*) AS n
  FROM v_contacts
  GROUP BY
    user_id
), m_grain_unique_contacts AS (
  SELECT
    (
      SELECT
        total
      FROM agg_contacts
    ) AS total,
    COALESCE(SUM(n) - COUNT(*), 0) AS failing
  FROM keys_contacts
), v_leads AS (
  SELECT
    user_id,
    lead_id,
    email
  FROM b2b.b2b_leads
), agg_leads AS (
  SELECT
    COUNT(*) AS total,
    COUNT(user_id) AS non_null,
    COUNT(
      CASE
        WHEN (
          user_id <> TRIM(user_id)
          OR LOCATE(CHR(  9), user_id) > 0
          OR LOCATE(CHR(  10), user_id) > 0
          OR LOCATE(CHR(  13), user_id) > 0
        )
        THEN 1
      END
    ) AS bad_format,
    COUNT(CASE WHEN user_id LIKE '%_@_%._%' THEN 1 END) AS email_shaped
  FROM v_leads
), m_user_id_not_null_leads AS (
  SELECT
    total,
    total - non_null AS failing
  FROM agg_leads
), keys_leads AS (
  SELECT
    user_id,
    COUNT(*) AS n
  FROM v_leads
  GROUP BY
    user_id
), m_grain_unique_leads AS (
  SELECT
    (
      SELECT
        total
      FROM agg_leads
    ) AS total,
    COALESCE(SUM(n) - COUNT(*), 0) AS failing
  FROM keys_leads
), v_accounts AS (
  SELECT
    user_id,
    account_id,
    parent_account_id
  FROM b2b.b2b_accounts
), agg_accounts AS (
  SELECT
    COUNT(*) AS total,
    COUNT(user_id) AS non_null
  FROM v_accounts
), m_user_id_not_null_accounts AS (
  SELECT
    total,
    total - non_null AS failing
  FROM agg_accounts
), keys_accounts AS (
  SELECT
    user_id,
    account_id,
    COUNT(*) AS n
  FROM v_accounts
  GROUP BY
    user_id,
    account_id
), m_grain_unique_accounts AS (
  SELECT
    (
      SELECT
        total
      FROM agg_accounts
    ) AS total,
    COALESCE(SUM(n) - COUNT(*), 0) AS failing
  FROM keys_accounts
), v_opportunities AS (
  SELECT
    user_id,
    opportunity_id,
    account_id
  FROM b2b.b2b_opportunities
), agg_opportunities AS (
  SELECT
    COUNT(*) AS total,
    COUNT(user_id) AS non_null
  FROM v_opportunities
), m_user_id_not_null_opportunities AS (
  SELECT
    total,
    total - non_null AS failing
  FROM agg_opportunities
), keys_opportunities AS (
  SELECT
    user_id,
    opportunity_id,
    COUNT(*) AS n
  FROM v_opportunities
  GROUP BY
    user_id,
    opportunity_id
), m_grain_unique_opportunities AS (
  SELECT
    (
      SELECT
        total
      FROM agg_opportunities
    ) AS total,
    COALESCE(SUM(n) - COUNT(*), 0) AS failing
  FROM keys_opportunities
), v_users AS (
  SELECT
    user_id
  FROM b2b.b2b_users
), agg_users AS (
  SELECT
    COUNT(*) AS total,
    COUNT(user_id) AS non_null
  FROM v_users
), m_user_id_not_null_users AS (
  SELECT
    total,
    total - non_null AS failing
  FROM agg_users
), keys_users AS (
  SELECT
    user_id,
    COUNT(*) AS n
  FROM v_users
  GROUP BY
    user_id
), m_grain_unique_users AS (
  SELECT
    (
      SELECT
        total
      FROM agg_users
    ) AS total,
    COALESCE(SUM(n) - COUNT(*), 0) AS failing
  FROM keys_users
), m_user_id_format_contacts AS (
  SELECT
    non_null AS total,
    bad_format AS whitespace_or_control,
    email_shaped
  FROM agg_contacts
), platform AS (
  SELECT
    CAST(ps.external_id AS STRING) AS external_id
  FROM braze.user_latest_state_default_attributes_view_shared AS ps
  WHERE
    NOT ps.external_id IS NULL
), people AS (
  SELECT
    'contacts' AS entity,
    user_id,
    contact_id,
    email
  FROM v_contacts
  WHERE
    NOT user_id IS NULL
  UNION ALL
  SELECT
    'leads' AS entity,
    user_id,
    CAST(NULL AS STRING) AS contact_id,
    email
  FROM v_leads
  WHERE
    NOT user_id IS NULL
), unmatched AS (
  SELECT
    pe.*
  FROM people AS pe
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM platform AS p
      WHERE
        p.external_id = pe.user_id
    )
), cand_case_mismatch AS (
  SELECT DISTINCT
    LOWER(p.external_id) AS k
  FROM platform AS p
  WHERE
    LOWER(p.external_id) IN (
      SELECT
        LOWER(u.user_id)
      FROM unmatched AS u
      WHERE
        1 = 1
    )
), cand_whitespace AS (
  SELECT DISTINCT
    TRIM(p.external_id) AS k
  FROM platform AS p
  WHERE
    TRIM(p.external_id) IN (
      SELECT
        TRIM(u.user_id)
      FROM unmatched AS u
      WHERE
        1 = 1
    )
), former_ids AS (
  SELECT
    m.contact_id,
    m.former_id
  FROM (
    SELECT
      CAST(c.id AS STRING) AS contact_id,
      TRIM(SPLIT_PART(SPLIT_PART(c.property_hs_calculated_merged_vids, ';', n.n), ':', 1)) AS former_id
    FROM hubspot.contact AS c
    CROSS JOIN (
      SELECT
        1 AS n
      UNION ALL
      SELECT
        2 AS n
      UNION ALL
      SELECT
        3 AS n
      UNION ALL
      SELECT
        4 AS n
      UNION ALL
      SELECT
        5 AS n
      UNION ALL
      SELECT
        6 AS n
      UNION ALL
      SELECT
        7 AS n
      UNION ALL
      SELECT
        8 AS n
      UNION ALL
      SELECT
        9 AS n
      UNION ALL
      SELECT
        10 AS n
      UNION ALL
      SELECT
        11 AS n
      UNION ALL
      SELECT
        12 AS n
      UNION ALL
      SELECT
        13 AS n
      UNION ALL
      SELECT
        14 AS n
      UNION ALL
      SELECT
        15 AS n
      UNION ALL
      SELECT
        16 AS n
      UNION ALL
      SELECT
        17 AS n
      UNION ALL
      SELECT
        18 AS n
      UNION ALL
      SELECT
        19 AS n
      UNION ALL
      SELECT
        20 AS n
      UNION ALL
      SELECT
        21 AS n
      UNION ALL
      SELECT
        22 AS n
      UNION ALL
      SELECT
        23 AS n
      UNION ALL
      SELECT
        24 AS n
      UNION ALL
      SELECT
        25 AS n
      UNION ALL
      SELECT
        26 AS n
      UNION ALL
      SELECT
        27 AS n
      UNION ALL
      SELECT
        28 AS n
      UNION ALL
      SELECT
        29 AS n
      UNION ALL
      SELECT
        30 AS n
      UNION ALL
      SELECT
        31 AS n
      UNION ALL
      SELECT
        32 AS n
      UNION ALL
      SELECT
        33 AS n
      UNION ALL
      SELECT
        34 AS n
      UNION ALL
      SELECT
        35 AS n
      UNION ALL
      SELECT
        36 AS n
      UNION ALL
      SELECT
        37 AS n
      UNION ALL
      SELECT
        38 AS n
      UNION ALL
      SELECT
        39 AS n
      UNION ALL
      SELECT
        40 AS n
      UNION ALL
      SELECT
        41 AS n
      UNION ALL
      SELECT
        42 AS n
      UNION ALL
      SELECT
        43 AS n
      UNION ALL
      SELECT
        44 AS n
      UNION ALL
      SELECT
        45 AS n
      UNION ALL
      SELECT
        46 AS n
      UNION ALL
      SELECT
        47 AS n
      UNION ALL
      SELECT
        48 AS n
      UNION ALL
      SELECT
        49 AS n
      UNION ALL
      SELECT
        50 AS n
    ) AS n
    WHERE
      NOT c.property_hs_calculated_merged_vids IS NULL
      AND NOT c.id IS NULL
      AND n.n <= 1 + LENGTH(c.property_hs_calculated_merged_vids) - LENGTH(REPLACE(c.property_hs_calculated_merged_vids, ';', ''))
  ) AS m
  WHERE
    m.former_id <> '' AND m.former_id <> m.contact_id
), cand_former AS (
  SELECT DISTINCT
    fi.contact_id AS k
  FROM former_ids AS fi
  WHERE
    fi.former_id IN (
      SELECT
        p.external_id
      FROM (
        SELECT
          CAST(ps.external_id AS STRING) AS external_id
        FROM braze.user_latest_state_default_attributes_view_shared AS ps
        WHERE
          NOT ps.external_id IS NULL
      ) AS p
    )
    AND fi.contact_id IN (
      SELECT
        u.contact_id
      FROM unmatched AS u
      WHERE
        NOT u.contact_id IS NULL
    )
), cand_email_as_id AS (
  SELECT DISTINCT
    LOWER(p.external_id) AS k
  FROM platform AS p
  WHERE
    LOWER(p.external_id) IN (
      SELECT
        LOWER(TRIM(u.email))
      FROM unmatched AS u
      WHERE
        NOT u.email IS NULL
    )
), diagnosed AS (
  SELECT
    u.entity,
    u.user_id,
    CASE
      WHEN NOT c_case_mismatch.k IS NULL
      THEN 'case_mismatch'
      WHEN NOT c_whitespace.k IS NULL
      THEN 'whitespace'
      WHEN NOT c_former.k IS NULL
      THEN 'merged_contact'
      WHEN NOT c_email_as_id.k IS NULL
      THEN 'email_as_id'
      ELSE 'unknown'
    END AS cause
  FROM unmatched AS u
  LEFT JOIN cand_case_mismatch AS c_case_mismatch
    ON 1 = 1 AND c_case_mismatch.k = LOWER(u.user_id)
  LEFT JOIN cand_whitespace AS c_whitespace
    ON 1 = 1 AND c_whitespace.k = TRIM(u.user_id)
  LEFT JOIN cand_former AS c_former
    ON NOT u.contact_id IS NULL AND c_former.k = u.contact_id
  LEFT JOIN cand_email_as_id AS c_email_as_id
    ON NOT u.email IS NULL AND c_email_as_id.k = LOWER(TRIM(u.email))
), m_user_id_in_platform_contacts AS (
  SELECT
    (
      SELECT
        non_null
      FROM agg_contacts
    ) AS total,
    COUNT(CASE WHEN d.cause = 'case_mismatch' THEN 1 END) AS case_mismatch,
    COUNT(CASE WHEN d.cause = 'whitespace' THEN 1 END) AS whitespace,
    COUNT(CASE WHEN d.cause = 'salesforce_15_vs_18' THEN 1 END) AS salesforce_15_vs_18,
    COUNT(CASE WHEN d.cause = 'converted_lead' THEN 1 END) AS converted_lead,
    COUNT(CASE WHEN d.cause = 'merged_contact' THEN 1 END) AS merged_contact,
    COUNT(CASE WHEN d.cause = 'email_as_id' THEN 1 END) AS email_as_id,
    COUNT(CASE WHEN d.cause = 'unknown' THEN 1 END) AS unknown
  FROM diagnosed AS d
  WHERE
    d.entity = 'contacts'
), m_user_id_format_leads AS (
  SELECT
    non_null AS total,
    bad_format AS whitespace_or_control,
    email_shaped
  FROM agg_leads
), m_user_id_in_platform_leads AS (
  SELECT
    (
      SELECT
        non_null
      FROM agg_leads
    ) AS total,
    COUNT(CASE WHEN d.cause = 'case_mismatch' THEN 1 END) AS case_mismatch,
    COUNT(CASE WHEN d.cause = 'whitespace' THEN 1 END) AS whitespace,
    COUNT(CASE WHEN d.cause = 'salesforce_15_vs_18' THEN 1 END) AS salesforce_15_vs_18,
    COUNT(CASE WHEN d.cause = 'converted_lead' THEN 1 END) AS converted_lead,
    COUNT(CASE WHEN d.cause = 'merged_contact' THEN 1 END) AS merged_contact,
    COUNT(CASE WHEN d.cause = 'email_as_id' THEN 1 END) AS email_as_id,
    COUNT(CASE WHEN d.cause = 'unknown' THEN 1 END) AS unknown
  FROM diagnosed AS d
  WHERE
    d.entity = 'leads'
), no_person AS (
  SELECT
    p.external_id
  FROM platform AS p
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM people AS pe
      WHERE
        pe.user_id = p.external_id
    )
), m_platform_coverage_users AS (
  SELECT
    (
      SELECT
        COUNT(DISTINCT external_id)
      FROM platform
    ) AS total,
    COUNT(DISTINCT external_id) AS failing
  FROM no_person
), dup AS (
  SELECT
    c.user_id,
    'lead_in_views' AS cause
  FROM v_contacts AS c
  WHERE
    NOT c.converted_from_lead_id IS NULL
    AND EXISTS(
      SELECT
        1
      FROM v_leads AS l
      WHERE
        l.lead_id = c.converted_from_lead_id
    )
  UNION ALL
  SELECT
    c.user_id,
    'both_in_platform' AS cause
  FROM v_contacts AS c
  WHERE
    NOT c.converted_from_lead_id IS NULL
    AND NOT EXISTS(
      SELECT
        1
      FROM v_leads AS l
      WHERE
        l.lead_id = c.converted_from_lead_id
    )
    AND EXISTS(
      SELECT
        1
      FROM platform AS p
      WHERE
        p.external_id = c.converted_from_lead_id
    )
    AND EXISTS(
      SELECT
        1
      FROM platform AS p2
      WHERE
        p2.external_id = c.user_id
    )
), m_converted_lead_duplicates_contacts AS (
  SELECT
    (
      SELECT
        COUNT(*)
      FROM v_contacts
      WHERE
        NOT converted_from_lead_id IS NULL
    ) AS total,
    COUNT(CASE WHEN cause = 'lead_in_views' THEN 1 END) AS lead_in_views,
    COUNT(CASE WHEN cause = 'both_in_platform' THEN 1 END) AS both_in_platform
  FROM dup
), orphans AS (
  SELECT
    c.user_id,
    'no_account' AS cause
  FROM v_contacts AS c
  WHERE
    c.account_id IS NULL
  UNION ALL
  SELECT
    c.user_id,
    'missing_account' AS cause
  FROM v_contacts AS c
  WHERE
    NOT c.account_id IS NULL
    AND NOT EXISTS(
      SELECT
        1
      FROM v_accounts AS a
      WHERE
        a.user_id = c.user_id AND a.account_id = c.account_id
    )
), m_orphan_contacts_contacts AS (
  SELECT
    (
      SELECT
        total
      FROM agg_contacts
    ) AS total,
    COUNT(CASE WHEN cause = 'no_account' THEN 1 END) AS no_account,
    COUNT(CASE WHEN cause = 'missing_account' THEN 1 END) AS missing_account
  FROM orphans
), per_account AS (
  SELECT
    account_id,
    COUNT(*) AS n
  FROM v_contacts
  WHERE
    NOT account_id IS NULL AND NOT COALESCE(is_person_account, FALSE)
  GROUP BY
    account_id
), m_account_skew_accounts AS (
  SELECT
    COUNT(*) AS total,
    COUNT(CASE WHEN n > 1000 THEN 1 END) AS failing
  FROM per_account
), live_accounts AS (
  SELECT
    CAST(a.id AS STRING) AS account_id
  FROM hubspot.company AS a
  WHERE
    (
      NOT COALESCE(a.is_deleted, FALSE) AND NOT COALESCE(a._fivetran_deleted, FALSE)
    )
    AND NOT a.id IS NULL
), integrity_accounts AS (
  SELECT
    user_id,
    parent_account_id AS ref
  FROM v_accounts
  WHERE
    NOT parent_account_id IS NULL
    AND NOT EXISTS(
      SELECT
        1
      FROM live_accounts AS la
      WHERE
        la.account_id = v_accounts.parent_account_id
    )
), m_relationship_integrity_accounts AS (
  SELECT
    (
      SELECT
        total
      FROM agg_accounts
    ) AS total,
    COUNT(*) AS missing_parent_account_id
  FROM integrity_accounts
), integrity_opportunities AS (
  SELECT
    user_id,
    account_id AS ref
  FROM v_opportunities
  WHERE
    NOT account_id IS NULL
    AND NOT EXISTS(
      SELECT
        1
      FROM live_accounts AS la
      WHERE
        la.account_id = v_opportunities.account_id
    )
), m_relationship_integrity_opportunities AS (
  SELECT
    (
      SELECT
        total
      FROM agg_opportunities
    ) AS total,
    COUNT(*) AS missing_account_id
  FROM integrity_opportunities
), v_cdi_catalog_accounts AS (
  SELECT
    COALESCE(CAST(id AS STRING), 'NULL') AS shown,
    CASE
      WHEN payload IS NULL OR NOT COALESCE(NOT JSON_OBJECT_KEYS(payload) IS NULL, FALSE)
      THEN 1
      ELSE 0
    END AS not_object,
    CASE WHEN updated_at IS NULL OR updated_at > CURRENT_TIMESTAMP() THEN 1 ELSE 0 END AS bad_updated_at,
    CASE WHEN id IS NULL OR TRIM(id) = '' THEN 1 ELSE 0 END AS bad_identifier
  FROM b2b.b2b_cdi_catalog_accounts
), sync_cdi_catalog_accounts AS (
  SELECT
    COUNT(*) AS total,
    COUNT(CASE WHEN not_object = 1 THEN 1 END) AS not_object,
    COUNT(CASE WHEN bad_updated_at = 1 THEN 1 END) AS bad_updated_at,
    COUNT(CASE WHEN bad_identifier = 1 THEN 1 END) AS bad_identifier
  FROM v_cdi_catalog_accounts
), m_sync_payload_object_cdi_catalog_accounts AS (
  SELECT
    total,
    not_object AS failing
  FROM sync_cdi_catalog_accounts
), m_sync_updated_at_cdi_catalog_accounts AS (
  SELECT
    total,
    bad_updated_at AS failing
  FROM sync_cdi_catalog_accounts
), m_sync_identifier_cdi_catalog_accounts AS (
  SELECT
    total,
    bad_identifier AS failing
  FROM sync_cdi_catalog_accounts
), v_cdi_catalog_opportunities AS (
  SELECT
    COALESCE(CAST(id AS STRING), 'NULL') AS shown,
    CASE
      WHEN payload IS NULL OR NOT COALESCE(NOT JSON_OBJECT_KEYS(payload) IS NULL, FALSE)
      THEN 1
      ELSE 0
    END AS not_object,
    CASE WHEN updated_at IS NULL OR updated_at > CURRENT_TIMESTAMP() THEN 1 ELSE 0 END AS bad_updated_at,
    CASE WHEN id IS NULL OR TRIM(id) = '' THEN 1 ELSE 0 END AS bad_identifier
  FROM b2b.b2b_cdi_catalog_opportunities
), sync_cdi_catalog_opportunities AS (
  SELECT
    COUNT(*) AS total,
    COUNT(CASE WHEN not_object = 1 THEN 1 END) AS not_object,
    COUNT(CASE WHEN bad_updated_at = 1 THEN 1 END) AS bad_updated_at,
    COUNT(CASE WHEN bad_identifier = 1 THEN 1 END) AS bad_identifier
  FROM v_cdi_catalog_opportunities
), m_sync_payload_object_cdi_catalog_opportunities AS (
  SELECT
    total,
    not_object AS failing
  FROM sync_cdi_catalog_opportunities
), m_sync_updated_at_cdi_catalog_opportunities AS (
  SELECT
    total,
    bad_updated_at AS failing
  FROM sync_cdi_catalog_opportunities
), m_sync_identifier_cdi_catalog_opportunities AS (
  SELECT
    total,
    bad_identifier AS failing
  FROM sync_cdi_catalog_opportunities
), v_cdi_accounts AS (
  SELECT
    COALESCE(CAST(id AS STRING), 'NULL') AS shown,
    CASE
      WHEN payload IS NULL OR NOT COALESCE(NOT JSON_OBJECT_KEYS(payload) IS NULL, FALSE)
      THEN 1
      ELSE 0
    END AS not_object,
    CASE WHEN updated_at IS NULL OR updated_at > CURRENT_TIMESTAMP() THEN 1 ELSE 0 END AS bad_updated_at,
    CASE WHEN id IS NULL OR TRIM(id) = '' THEN 1 ELSE 0 END AS bad_identifier
  FROM b2b.b2b_cdi_accounts
), sync_cdi_accounts AS (
  SELECT
    COUNT(*) AS total,
    COUNT(CASE WHEN not_object = 1 THEN 1 END) AS not_object,
    COUNT(CASE WHEN bad_updated_at = 1 THEN 1 END) AS bad_updated_at,
    COUNT(CASE WHEN bad_identifier = 1 THEN 1 END) AS bad_identifier
  FROM v_cdi_accounts
), m_sync_payload_object_cdi_accounts AS (
  SELECT
    total,
    not_object AS failing
  FROM sync_cdi_accounts
), m_sync_updated_at_cdi_accounts AS (
  SELECT
    total,
    bad_updated_at AS failing
  FROM sync_cdi_accounts
), m_sync_identifier_cdi_accounts AS (
  SELECT
    total,
    bad_identifier AS failing
  FROM sync_cdi_accounts
), v_cdi_user_attributes AS (
  SELECT
    COALESCE(CAST(external_id AS STRING), 'NULL') AS shown,
    CASE
      WHEN payload IS NULL OR NOT COALESCE(NOT JSON_OBJECT_KEYS(payload) IS NULL, FALSE)
      THEN 1
      ELSE 0
    END AS not_object,
    CASE
      WHEN NOT (
        CASE
          WHEN COALESCE(NOT JSON_OBJECT_KEYS(payload) IS NULL, FALSE)
          THEN GET_JSON_OBJECT(payload, '$.opportunityIds')
        END
      ) IS NULL
      AND (
        CASE
          WHEN COALESCE(NOT JSON_OBJECT_KEYS(payload) IS NULL, FALSE)
          THEN GET_JSON_OBJECT(payload, '$.opportunityIds')
        END
      ) <> 'null'
      AND NOT (
        SUBSTRING(
          (
            CASE
              WHEN COALESCE(NOT JSON_OBJECT_KEYS(payload) IS NULL, FALSE)
              THEN GET_JSON_OBJECT(payload, '$.opportunityIds')
            END
          ),
          1,
          1
        ) = '['
        AND SUBSTRING(
          (
            CASE
              WHEN COALESCE(NOT JSON_OBJECT_KEYS(payload) IS NULL, FALSE)
              THEN GET_JSON_OBJECT(payload, '$.opportunityIds')
            END
          ),
          LENGTH(
            (
              CASE
                WHEN COALESCE(NOT JSON_OBJECT_KEYS(payload) IS NULL, FALSE)
                THEN GET_JSON_OBJECT(payload, '$.opportunityIds')
              END
            )
          ),
          1
        ) = ']'
        AND REGEXP_LIKE(
          SUBSTRING(
            (
              CASE
                WHEN COALESCE(NOT JSON_OBJECT_KEYS(payload) IS NULL, FALSE)
                THEN GET_JSON_OBJECT(payload, '$.opportunityIds')
              END
            ),
            2,
            LENGTH(
              (
                CASE
                  WHEN COALESCE(NOT JSON_OBJECT_KEYS(payload) IS NULL, FALSE)
                  THEN GET_JSON_OBJECT(payload, '$.opportunityIds')
                END
              )
            ) - 2
          ),
          '^ *("[0-9]+" *(, *"[0-9]+" *)*)?$'
        )
      )
      THEN 1
      ELSE 0
    END AS bad_opportunity_ids,
    CASE WHEN updated_at IS NULL OR updated_at > CURRENT_TIMESTAMP() THEN 1 ELSE 0 END AS bad_updated_at,
    CASE WHEN external_id IS NULL OR TRIM(external_id) = '' THEN 1 ELSE 0 END AS bad_identifier
  FROM b2b.b2b_cdi_user_attributes
), sync_cdi_user_attributes AS (
  SELECT
    COUNT(*) AS total,
    COUNT(CASE WHEN not_object = 1 THEN 1 END) AS not_object,
    COUNT(CASE WHEN bad_opportunity_ids = 1 THEN 1 END) AS bad_opportunity_ids,
    COUNT(CASE WHEN bad_updated_at = 1 THEN 1 END) AS bad_updated_at,
    COUNT(CASE WHEN bad_identifier = 1 THEN 1 END) AS bad_identifier
  FROM v_cdi_user_attributes
), m_sync_payload_object_cdi_user_attributes AS (
  SELECT
    total,
    not_object AS failing
  FROM sync_cdi_user_attributes
), m_sync_opportunity_ids_cdi_user_attributes AS (
  SELECT
    total,
    bad_opportunity_ids AS failing
  FROM sync_cdi_user_attributes
), m_sync_updated_at_cdi_user_attributes AS (
  SELECT
    total,
    bad_updated_at AS failing
  FROM sync_cdi_user_attributes
), m_sync_identifier_cdi_user_attributes AS (
  SELECT
    total,
    bad_identifier AS failing
  FROM sync_cdi_user_attributes
), v_cdi_user_events AS (
  SELECT
    COALESCE(CAST(external_id AS STRING), 'NULL') AS shown,
    CASE
      WHEN payload IS NULL OR NOT COALESCE(NOT JSON_OBJECT_KEYS(payload) IS NULL, FALSE)
      THEN 1
      ELSE 0
    END AS not_object,
    CASE WHEN updated_at IS NULL OR updated_at > CURRENT_TIMESTAMP() THEN 1 ELSE 0 END AS bad_updated_at,
    CASE WHEN external_id IS NULL OR TRIM(external_id) = '' THEN 1 ELSE 0 END AS bad_identifier
  FROM b2b.b2b_cdi_user_events
), sync_cdi_user_events AS (
  SELECT
    COUNT(*) AS total,
    COUNT(CASE WHEN not_object = 1 THEN 1 END) AS not_object,
    COUNT(CASE WHEN bad_updated_at = 1 THEN 1 END) AS bad_updated_at,
    COUNT(CASE WHEN bad_identifier = 1 THEN 1 END) AS bad_identifier
  FROM v_cdi_user_events
), m_sync_payload_object_cdi_user_events AS (
  SELECT
    total,
    not_object AS failing
  FROM sync_cdi_user_events
), m_sync_updated_at_cdi_user_events AS (
  SELECT
    total,
    bad_updated_at AS failing
  FROM sync_cdi_user_events
), m_sync_identifier_cdi_user_events AS (
  SELECT
    total,
    bad_identifier AS failing
  FROM sync_cdi_user_events
)
SELECT
  'count' AS kind,
  'user_id_not_null' AS check_name,
  'contacts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_not_null_contacts
UNION ALL
SELECT
  'count' AS kind,
  'user_id_not_null' AS check_name,
  'contacts' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_not_null_contacts
UNION ALL
SELECT
  'count' AS kind,
  'grain_unique' AS check_name,
  'contacts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_grain_unique_contacts
UNION ALL
SELECT
  'count' AS kind,
  'grain_unique' AS check_name,
  'contacts' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_grain_unique_contacts
UNION ALL
SELECT
  'sample',
  'grain_unique',
  'contacts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'duplicate_key' AS label,
    CAST(COALESCE(CAST(user_id AS STRING), 'NULL') AS STRING) AS value
  FROM keys_contacts
  WHERE
    n > 1
  ORDER BY
    COALESCE(CAST(user_id AS STRING), 'NULL')
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'user_id_not_null' AS check_name,
  'leads' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_not_null_leads
UNION ALL
SELECT
  'count' AS kind,
  'user_id_not_null' AS check_name,
  'leads' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_not_null_leads
UNION ALL
SELECT
  'count' AS kind,
  'grain_unique' AS check_name,
  'leads' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_grain_unique_leads
UNION ALL
SELECT
  'count' AS kind,
  'grain_unique' AS check_name,
  'leads' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_grain_unique_leads
UNION ALL
SELECT
  'sample',
  'grain_unique',
  'leads',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'duplicate_key' AS label,
    CAST(COALESCE(CAST(user_id AS STRING), 'NULL') AS STRING) AS value
  FROM keys_leads
  WHERE
    n > 1
  ORDER BY
    COALESCE(CAST(user_id AS STRING), 'NULL')
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'user_id_not_null' AS check_name,
  'accounts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_not_null_accounts
UNION ALL
SELECT
  'count' AS kind,
  'user_id_not_null' AS check_name,
  'accounts' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_not_null_accounts
UNION ALL
SELECT
  'count' AS kind,
  'grain_unique' AS check_name,
  'accounts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_grain_unique_accounts
UNION ALL
SELECT
  'count' AS kind,
  'grain_unique' AS check_name,
  'accounts' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_grain_unique_accounts
UNION ALL
SELECT
  'sample',
  'grain_unique',
  'accounts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'duplicate_key' AS label,
    CAST(COALESCE(CAST(user_id AS STRING), 'NULL') || ' / ' || COALESCE(CAST(account_id AS STRING), 'NULL') AS STRING) AS value
  FROM keys_accounts
  WHERE
    n > 1
  ORDER BY
    COALESCE(CAST(user_id AS STRING), 'NULL') || ' / ' || COALESCE(CAST(account_id AS STRING), 'NULL')
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'user_id_not_null' AS check_name,
  'opportunities' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_not_null_opportunities
UNION ALL
SELECT
  'count' AS kind,
  'user_id_not_null' AS check_name,
  'opportunities' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_not_null_opportunities
UNION ALL
SELECT
  'count' AS kind,
  'grain_unique' AS check_name,
  'opportunities' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_grain_unique_opportunities
UNION ALL
SELECT
  'count' AS kind,
  'grain_unique' AS check_name,
  'opportunities' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_grain_unique_opportunities
UNION ALL
SELECT
  'sample',
  'grain_unique',
  'opportunities',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'duplicate_key' AS label,
    CAST(COALESCE(CAST(user_id AS STRING), 'NULL') || ' / ' || COALESCE(CAST(opportunity_id AS STRING), 'NULL') AS STRING) AS value
  FROM keys_opportunities
  WHERE
    n > 1
  ORDER BY
    COALESCE(CAST(user_id AS STRING), 'NULL') || ' / ' || COALESCE(CAST(opportunity_id AS STRING), 'NULL')
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'user_id_not_null' AS check_name,
  'users' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_not_null_users
UNION ALL
SELECT
  'count' AS kind,
  'user_id_not_null' AS check_name,
  'users' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_not_null_users
UNION ALL
SELECT
  'count' AS kind,
  'grain_unique' AS check_name,
  'users' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_grain_unique_users
UNION ALL
SELECT
  'count' AS kind,
  'grain_unique' AS check_name,
  'users' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_grain_unique_users
UNION ALL
SELECT
  'sample',
  'grain_unique',
  'users',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'duplicate_key' AS label,
    CAST(COALESCE(CAST(user_id AS STRING), 'NULL') AS STRING) AS value
  FROM keys_users
  WHERE
    n > 1
  ORDER BY
    COALESCE(CAST(user_id AS STRING), 'NULL')
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'user_id_format' AS check_name,
  'contacts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_format_contacts
UNION ALL
SELECT
  'count' AS kind,
  'user_id_format' AS check_name,
  'contacts' AS entity,
  'whitespace_or_control' AS label,
  CAST(whitespace_or_control AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_format_contacts
UNION ALL
SELECT
  'count' AS kind,
  'user_id_format' AS check_name,
  'contacts' AS entity,
  'email_shaped' AS label,
  CAST(email_shaped AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_format_contacts
UNION ALL
SELECT
  'sample',
  'user_id_format',
  'contacts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    CASE
      WHEN (
        user_id <> TRIM(user_id)
        OR LOCATE(CHR(  9), user_id) > 0
        OR LOCATE(CHR(  10), user_id) > 0
        OR LOCATE(CHR(  13), user_id) > 0
      )
      THEN 'whitespace_or_control'
      ELSE 'email_shaped'
    END AS label,
    CAST(user_id AS STRING) AS value
  FROM v_contacts
  WHERE
    (
      user_id <> TRIM(user_id)
      OR LOCATE(CHR(  9), user_id) > 0
      OR LOCATE(CHR(  10), user_id) > 0
      OR LOCATE(CHR(  13), user_id) > 0
    )
    OR user_id LIKE '%_@_%._%'
  ORDER BY
    user_id
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'contacts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_contacts
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'contacts' AS entity,
  'case_mismatch' AS label,
  CAST(case_mismatch AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_contacts
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'contacts' AS entity,
  'whitespace' AS label,
  CAST(whitespace AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_contacts
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'contacts' AS entity,
  'salesforce_15_vs_18' AS label,
  CAST(salesforce_15_vs_18 AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_contacts
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'contacts' AS entity,
  'converted_lead' AS label,
  CAST(converted_lead AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_contacts
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'contacts' AS entity,
  'merged_contact' AS label,
  CAST(merged_contact AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_contacts
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'contacts' AS entity,
  'email_as_id' AS label,
  CAST(email_as_id AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_contacts
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'contacts' AS entity,
  'unknown' AS label,
  CAST(unknown AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_contacts
UNION ALL
SELECT
  'sample',
  'user_id_in_platform',
  'contacts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    cause AS label,
    CAST(user_id AS STRING) AS value
  FROM diagnosed
  WHERE
    entity = 'contacts'
  ORDER BY
    user_id
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'user_id_format' AS check_name,
  'leads' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_format_leads
UNION ALL
SELECT
  'count' AS kind,
  'user_id_format' AS check_name,
  'leads' AS entity,
  'whitespace_or_control' AS label,
  CAST(whitespace_or_control AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_format_leads
UNION ALL
SELECT
  'count' AS kind,
  'user_id_format' AS check_name,
  'leads' AS entity,
  'email_shaped' AS label,
  CAST(email_shaped AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_format_leads
UNION ALL
SELECT
  'sample',
  'user_id_format',
  'leads',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    CASE
      WHEN (
        user_id <> TRIM(user_id)
        OR LOCATE(CHR(  9), user_id) > 0
        OR LOCATE(CHR(  10), user_id) > 0
        OR LOCATE(CHR(  13), user_id) > 0
      )
      THEN 'whitespace_or_control'
      ELSE 'email_shaped'
    END AS label,
    CAST(user_id AS STRING) AS value
  FROM v_leads
  WHERE
    (
      user_id <> TRIM(user_id)
      OR LOCATE(CHR(  9), user_id) > 0
      OR LOCATE(CHR(  10), user_id) > 0
      OR LOCATE(CHR(  13), user_id) > 0
    )
    OR user_id LIKE '%_@_%._%'
  ORDER BY
    user_id
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'leads' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_leads
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'leads' AS entity,
  'case_mismatch' AS label,
  CAST(case_mismatch AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_leads
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'leads' AS entity,
  'whitespace' AS label,
  CAST(whitespace AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_leads
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'leads' AS entity,
  'salesforce_15_vs_18' AS label,
  CAST(salesforce_15_vs_18 AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_leads
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'leads' AS entity,
  'converted_lead' AS label,
  CAST(converted_lead AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_leads
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'leads' AS entity,
  'merged_contact' AS label,
  CAST(merged_contact AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_leads
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'leads' AS entity,
  'email_as_id' AS label,
  CAST(email_as_id AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_leads
UNION ALL
SELECT
  'count' AS kind,
  'user_id_in_platform' AS check_name,
  'leads' AS entity,
  'unknown' AS label,
  CAST(unknown AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_user_id_in_platform_leads
UNION ALL
SELECT
  'sample',
  'user_id_in_platform',
  'leads',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    cause AS label,
    CAST(user_id AS STRING) AS value
  FROM diagnosed
  WHERE
    entity = 'leads'
  ORDER BY
    user_id
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'platform_coverage' AS check_name,
  'users' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_platform_coverage_users
UNION ALL
SELECT
  'count' AS kind,
  'platform_coverage' AS check_name,
  'users' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_platform_coverage_users
UNION ALL
SELECT
  'sample',
  'platform_coverage',
  'users',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'no_person' AS label,
    CAST(external_id AS STRING) AS value
  FROM no_person
  WHERE
    1 = 1
  ORDER BY
    external_id
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'converted_lead_duplicates' AS check_name,
  'contacts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_converted_lead_duplicates_contacts
UNION ALL
SELECT
  'count' AS kind,
  'converted_lead_duplicates' AS check_name,
  'contacts' AS entity,
  'lead_in_views' AS label,
  CAST(lead_in_views AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_converted_lead_duplicates_contacts
UNION ALL
SELECT
  'count' AS kind,
  'converted_lead_duplicates' AS check_name,
  'contacts' AS entity,
  'both_in_platform' AS label,
  CAST(both_in_platform AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_converted_lead_duplicates_contacts
UNION ALL
SELECT
  'sample',
  'converted_lead_duplicates',
  'contacts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    cause AS label,
    CAST(user_id AS STRING) AS value
  FROM dup
  WHERE
    1 = 1
  ORDER BY
    user_id
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'orphan_contacts' AS check_name,
  'contacts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_orphan_contacts_contacts
UNION ALL
SELECT
  'count' AS kind,
  'orphan_contacts' AS check_name,
  'contacts' AS entity,
  'no_account' AS label,
  CAST(no_account AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_orphan_contacts_contacts
UNION ALL
SELECT
  'count' AS kind,
  'orphan_contacts' AS check_name,
  'contacts' AS entity,
  'missing_account' AS label,
  CAST(missing_account AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_orphan_contacts_contacts
UNION ALL
SELECT
  'sample',
  'orphan_contacts',
  'contacts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    cause AS label,
    CAST(user_id AS STRING) AS value
  FROM orphans
  WHERE
    1 = 1
  ORDER BY
    user_id
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'account_skew' AS check_name,
  'accounts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_account_skew_accounts
UNION ALL
SELECT
  'count' AS kind,
  'account_skew' AS check_name,
  'accounts' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_account_skew_accounts
UNION ALL
SELECT
  'sample',
  'account_skew',
  'accounts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    CAST(n AS STRING) AS label,
    CAST(account_id AS STRING) AS value
  FROM per_account
  WHERE
    n > 1000
  ORDER BY
    n DESC,
    account_id
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'relationship_integrity' AS check_name,
  'accounts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_relationship_integrity_accounts
UNION ALL
SELECT
  'count' AS kind,
  'relationship_integrity' AS check_name,
  'accounts' AS entity,
  'missing_parent_account_id' AS label,
  CAST(missing_parent_account_id AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_relationship_integrity_accounts
UNION ALL
SELECT
  'sample',
  'relationship_integrity',
  'accounts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'missing_parent_account_id' AS label,
    CAST(user_id || ' -> ' || ref AS STRING) AS value
  FROM integrity_accounts
  WHERE
    1 = 1
  ORDER BY
    user_id || ' -> ' || ref
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'relationship_integrity' AS check_name,
  'opportunities' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_relationship_integrity_opportunities
UNION ALL
SELECT
  'count' AS kind,
  'relationship_integrity' AS check_name,
  'opportunities' AS entity,
  'missing_account_id' AS label,
  CAST(missing_account_id AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_relationship_integrity_opportunities
UNION ALL
SELECT
  'sample',
  'relationship_integrity',
  'opportunities',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'missing_account_id' AS label,
    CAST(user_id || ' -> ' || ref AS STRING) AS value
  FROM integrity_opportunities
  WHERE
    1 = 1
  ORDER BY
    user_id || ' -> ' || ref
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_payload_object' AS check_name,
  'cdi_catalog_accounts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_payload_object_cdi_catalog_accounts
UNION ALL
SELECT
  'count' AS kind,
  'sync_payload_object' AS check_name,
  'cdi_catalog_accounts' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_payload_object_cdi_catalog_accounts
UNION ALL
SELECT
  'sample',
  'sync_payload_object',
  'cdi_catalog_accounts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'not_object' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_catalog_accounts
  WHERE
    not_object = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_updated_at' AS check_name,
  'cdi_catalog_accounts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_updated_at_cdi_catalog_accounts
UNION ALL
SELECT
  'count' AS kind,
  'sync_updated_at' AS check_name,
  'cdi_catalog_accounts' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_updated_at_cdi_catalog_accounts
UNION ALL
SELECT
  'sample',
  'sync_updated_at',
  'cdi_catalog_accounts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'bad_updated_at' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_catalog_accounts
  WHERE
    bad_updated_at = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_identifier' AS check_name,
  'cdi_catalog_accounts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_identifier_cdi_catalog_accounts
UNION ALL
SELECT
  'count' AS kind,
  'sync_identifier' AS check_name,
  'cdi_catalog_accounts' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_identifier_cdi_catalog_accounts
UNION ALL
SELECT
  'sample',
  'sync_identifier',
  'cdi_catalog_accounts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'bad_identifier' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_catalog_accounts
  WHERE
    bad_identifier = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_payload_object' AS check_name,
  'cdi_catalog_opportunities' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_payload_object_cdi_catalog_opportunities
UNION ALL
SELECT
  'count' AS kind,
  'sync_payload_object' AS check_name,
  'cdi_catalog_opportunities' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_payload_object_cdi_catalog_opportunities
UNION ALL
SELECT
  'sample',
  'sync_payload_object',
  'cdi_catalog_opportunities',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'not_object' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_catalog_opportunities
  WHERE
    not_object = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_updated_at' AS check_name,
  'cdi_catalog_opportunities' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_updated_at_cdi_catalog_opportunities
UNION ALL
SELECT
  'count' AS kind,
  'sync_updated_at' AS check_name,
  'cdi_catalog_opportunities' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_updated_at_cdi_catalog_opportunities
UNION ALL
SELECT
  'sample',
  'sync_updated_at',
  'cdi_catalog_opportunities',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'bad_updated_at' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_catalog_opportunities
  WHERE
    bad_updated_at = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_identifier' AS check_name,
  'cdi_catalog_opportunities' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_identifier_cdi_catalog_opportunities
UNION ALL
SELECT
  'count' AS kind,
  'sync_identifier' AS check_name,
  'cdi_catalog_opportunities' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_identifier_cdi_catalog_opportunities
UNION ALL
SELECT
  'sample',
  'sync_identifier',
  'cdi_catalog_opportunities',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'bad_identifier' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_catalog_opportunities
  WHERE
    bad_identifier = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_payload_object' AS check_name,
  'cdi_accounts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_payload_object_cdi_accounts
UNION ALL
SELECT
  'count' AS kind,
  'sync_payload_object' AS check_name,
  'cdi_accounts' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_payload_object_cdi_accounts
UNION ALL
SELECT
  'sample',
  'sync_payload_object',
  'cdi_accounts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'not_object' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_accounts
  WHERE
    not_object = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_updated_at' AS check_name,
  'cdi_accounts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_updated_at_cdi_accounts
UNION ALL
SELECT
  'count' AS kind,
  'sync_updated_at' AS check_name,
  'cdi_accounts' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_updated_at_cdi_accounts
UNION ALL
SELECT
  'sample',
  'sync_updated_at',
  'cdi_accounts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'bad_updated_at' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_accounts
  WHERE
    bad_updated_at = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_identifier' AS check_name,
  'cdi_accounts' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_identifier_cdi_accounts
UNION ALL
SELECT
  'count' AS kind,
  'sync_identifier' AS check_name,
  'cdi_accounts' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_identifier_cdi_accounts
UNION ALL
SELECT
  'sample',
  'sync_identifier',
  'cdi_accounts',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'bad_identifier' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_accounts
  WHERE
    bad_identifier = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_payload_object' AS check_name,
  'cdi_user_attributes' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_payload_object_cdi_user_attributes
UNION ALL
SELECT
  'count' AS kind,
  'sync_payload_object' AS check_name,
  'cdi_user_attributes' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_payload_object_cdi_user_attributes
UNION ALL
SELECT
  'sample',
  'sync_payload_object',
  'cdi_user_attributes',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'not_object' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_user_attributes
  WHERE
    not_object = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_opportunity_ids' AS check_name,
  'cdi_user_attributes' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_opportunity_ids_cdi_user_attributes
UNION ALL
SELECT
  'count' AS kind,
  'sync_opportunity_ids' AS check_name,
  'cdi_user_attributes' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_opportunity_ids_cdi_user_attributes
UNION ALL
SELECT
  'sample',
  'sync_opportunity_ids',
  'cdi_user_attributes',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'bad_opportunity_ids' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_user_attributes
  WHERE
    bad_opportunity_ids = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_updated_at' AS check_name,
  'cdi_user_attributes' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_updated_at_cdi_user_attributes
UNION ALL
SELECT
  'count' AS kind,
  'sync_updated_at' AS check_name,
  'cdi_user_attributes' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_updated_at_cdi_user_attributes
UNION ALL
SELECT
  'sample',
  'sync_updated_at',
  'cdi_user_attributes',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'bad_updated_at' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_user_attributes
  WHERE
    bad_updated_at = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_identifier' AS check_name,
  'cdi_user_attributes' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_identifier_cdi_user_attributes
UNION ALL
SELECT
  'count' AS kind,
  'sync_identifier' AS check_name,
  'cdi_user_attributes' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_identifier_cdi_user_attributes
UNION ALL
SELECT
  'sample',
  'sync_identifier',
  'cdi_user_attributes',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'bad_identifier' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_user_attributes
  WHERE
    bad_identifier = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_payload_object' AS check_name,
  'cdi_user_events' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_payload_object_cdi_user_events
UNION ALL
SELECT
  'count' AS kind,
  'sync_payload_object' AS check_name,
  'cdi_user_events' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_payload_object_cdi_user_events
UNION ALL
SELECT
  'sample',
  'sync_payload_object',
  'cdi_user_events',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'not_object' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_user_events
  WHERE
    not_object = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_updated_at' AS check_name,
  'cdi_user_events' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_updated_at_cdi_user_events
UNION ALL
SELECT
  'count' AS kind,
  'sync_updated_at' AS check_name,
  'cdi_user_events' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_updated_at_cdi_user_events
UNION ALL
SELECT
  'sample',
  'sync_updated_at',
  'cdi_user_events',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'bad_updated_at' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_user_events
  WHERE
    bad_updated_at = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
UNION ALL
SELECT
  'count' AS kind,
  'sync_identifier' AS check_name,
  'cdi_user_events' AS entity,
  'total' AS label,
  CAST(total AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_identifier_cdi_user_events
UNION ALL
SELECT
  'count' AS kind,
  'sync_identifier' AS check_name,
  'cdi_user_events' AS entity,
  'failing' AS label,
  CAST(failing AS BIGINT) AS n,
  CAST(NULL AS STRING) AS value
FROM m_sync_identifier_cdi_user_events
UNION ALL
SELECT
  'sample',
  'sync_identifier',
  'cdi_user_events',
  s.label,
  CAST(NULL AS BIGINT),
  s.value
FROM (
  SELECT
    'bad_identifier' AS label,
    CAST(shown AS STRING) AS value
  FROM v_cdi_user_events
  WHERE
    bad_identifier = 1
  ORDER BY
    shown
  LIMIT 10
) AS s
