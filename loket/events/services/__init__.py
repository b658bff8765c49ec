"""What happens to events and registrations: one module per area."""
