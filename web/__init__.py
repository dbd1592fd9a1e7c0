"""The web app (FastAPI, server-rendered Jinja2 pages in templates/web/). Start with
``web/app.py`` (``create_app``); docs/auth.md explains sign-in, roles and sessions."""
