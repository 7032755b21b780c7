"""The sync ledger (output.user_sync.mode: ledger): what Braze's CDI user sync has been sent,
kept in the warehouse, so that each changed attribute and each link change is sent once.

`toolkit.ledger_tables` lays out its tables (apply creates them); `run` is `b2b sync run`;
`compact` is `b2b sync compact`."""
