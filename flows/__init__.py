"""Prefect flows and the work they orchestrate. Only opaque ids and counts reach Prefect."""
