"""Rechtenloket data layer: SQLModel tables, configuration schema and pure domain logic.

Pure modules (no I/O): ``bsn``, ``enums``, ``deadlines``, ``holidays``, ``routing``.
"""
