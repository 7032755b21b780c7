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
