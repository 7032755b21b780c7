"""b2b-connected-source: warehouse-native B2B CRM views for engagement-platform connected sources."""
