"""Forms of the collectives app, one module per area."""
