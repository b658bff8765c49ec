"""Views of the companies app."""
