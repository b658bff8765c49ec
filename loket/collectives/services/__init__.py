"""What happens to collective instruments: one module per area."""
