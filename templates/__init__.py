"""Shared Jinja2 layouts and print CSS (installed as the ``iepkit.templates`` package)."""
