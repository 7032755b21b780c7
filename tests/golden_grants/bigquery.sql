GRANT `roles/bigquery.dataViewer` ON SCHEMA b2b TO 'serviceAccount:braze@acme-analytics.iam.gserviceaccount.com';
CREATE SCHEMA IF NOT EXISTS braze_scratch;
GRANT `roles/bigquery.dataEditor` ON SCHEMA braze_scratch TO 'serviceAccount:braze@acme-analytics.iam.gserviceaccount.com';
-- authorize view acme-analytics.b2b.b2b_contacts on dataset acme-analytics.salesforce (its access entries: bq update)
-- authorize view acme-analytics.b2b.b2b_leads on dataset acme-analytics.salesforce (its access entries: bq update)
-- authorize view acme-analytics.b2b.b2b_accounts on dataset acme-analytics.salesforce (its access entries: bq update)
-- authorize view acme-analytics.b2b.b2b_opportunities on dataset acme-analytics.salesforce (its access entries: bq update)
-- authorize view acme-analytics.b2b.b2b_users on dataset acme-analytics.salesforce (its access entries: bq update)
-- authorize view acme-analytics.b2b.b2b_catalog_accounts on dataset acme-analytics.salesforce (its access entries: bq update)
-- authorize view acme-analytics.b2b.b2b_catalog_opportunities on dataset acme-analytics.salesforce (its access entries: bq update)
-- authorize view acme-analytics.b2b.b2b_cdi_catalog_accounts on dataset acme-analytics.salesforce (its access entries: bq update)
-- authorize view acme-analytics.b2b.b2b_cdi_catalog_opportunities on dataset acme-analytics.salesforce (its access entries: bq update)
-- authorize view acme-analytics.b2b.b2b_cdi_accounts on dataset acme-analytics.salesforce (its access entries: bq update)
-- authorize view acme-analytics.b2b.b2b_cdi_user_attributes on dataset acme-analytics.salesforce (its access entries: bq update)
-- authorize view acme-analytics.b2b.b2b_cdi_user_events on dataset acme-analytics.salesforce (its access entries: bq update)
ALTER VIEW b2b.b2b_users ALTER COLUMN user_id SET OPTIONS (description = 'The person\'s platform external ID (identity.strategy): the key a connected source joins on.');
ALTER VIEW b2b.b2b_users ALTER COLUMN person_type SET OPTIONS (description = '`contact` or `lead`.');
ALTER VIEW b2b.b2b_users ALTER COLUMN email SET OPTIONS (description = 'Email address as the CRM holds it.');
ALTER VIEW b2b.b2b_users ALTER COLUMN account_id SET OPTIONS (description = 'The Salesforce Account id, 18 characters.');
ALTER VIEW b2b.b2b_users ALTER COLUMN account_name SET OPTIONS (description = 'The account\'s name.');
ALTER VIEW b2b.b2b_users ALTER COLUMN industry SET OPTIONS (description = 'Industry (the account\'s for contacts, the lead\'s own for leads).');
ALTER VIEW b2b.b2b_users ALTER COLUMN opportunity_ids SET OPTIONS (description = 'The person\'s opportunities (both link types), sorted.');
ALTER VIEW b2b.b2b_users ALTER COLUMN open_opportunity_count SET OPTIONS (description = 'Open opportunities linked to the person.');
ALTER VIEW b2b.b2b_users ALTER COLUMN open_pipeline_amount SET OPTIONS (description = 'Sum of the amounts of the person\'s open opportunities.');
ALTER VIEW b2b.b2b_users ALTER COLUMN updated_at SET OPTIONS (description = 'LastModifiedDate (for CDI sync views: the latest change behind the row).');
