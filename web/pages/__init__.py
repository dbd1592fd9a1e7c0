"""The pages, one module per area, each with an APIRouter that ``web/app.py`` includes."""
