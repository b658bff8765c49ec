"""Domain operations of monitoring, one module per area: they own the permission check,
the transaction, the audit record and the side effects."""
