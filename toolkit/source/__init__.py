"""Binding to the source: the CRM as data (`crm`), the schema recorded in source_schema.yml
(`schema`), reading the live source through an adapter (`introspect`) and what drifted (`drift`).

Nothing here knows the project context: it takes a config, an adapter and a schema, and
`toolkit.context` sits above it."""
