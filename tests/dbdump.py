"""A dump of the whole database, to prove that a refused input changed nothing."""
from sqlalchemy import text
from sqlmodel import SQLModel


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of every table, as stored (ciphertext stays ciphertext), in key order.
    Equal dumps: the database did not change."""
    import models.tables  # noqa: F401

    out: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            keys = ", ".join(c.name for c in table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY {keys}'))]
    return out
