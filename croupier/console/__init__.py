"""The staff console: server-rendered with Jinja2 and htmx."""
