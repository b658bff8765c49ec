"""Views of the casework app."""
