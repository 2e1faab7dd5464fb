"""The web intake (FastAPI + jinja2): agencies act from their emails, coordinators review."""
