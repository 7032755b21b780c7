{#- The ids a contact had before (crm.yml former_ids): every lead converted into a contact,
    deleted from the CRM since or not (a platform profile outlives the CRM record): the
    converted_lead diagnosis. Columns: contact_id, former_id. -#}
{% set l = src.lead %}
SELECT
  {{ sfid(l.col('l', 'converted_contact_id')) }} AS contact_id,
  {{ sfid(l.col('l', 'id')) }} AS former_id
FROM {{ l.table }} AS l
WHERE {{ l.current('l') }}B2B_IS_TRUE({{ l.col('l', 'is_converted') }})
  AND {{ l.col('l', 'converted_contact_id') }} IS NOT NULL
  AND {{ l.col('l', 'id') }} IS NOT NULL
