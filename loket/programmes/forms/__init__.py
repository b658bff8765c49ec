"""Forms of the programmes pages, one module per area (see ``services``)."""
