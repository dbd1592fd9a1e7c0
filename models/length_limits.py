"""Length limits hold in the database too, not only in the input models.

PostgreSQL enforces VARCHAR(n) itself. SQLite stores a text of any length in any column, so
there every length-limited column is guarded by a trigger that refuses a longer value on
INSERT and UPDATE. The triggers are derived from the tables (models/tables) after every
upgrade to the newest schema, so a new table or column is covered without further work.
"""
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

PREFIX = "length_limit_"


def limits() -> dict[str, list[tuple[str, int]]]:
    """{table: [(column, max length), ...]} for every column with a length."""
    import models.tables  # noqa: F401  registers every table

    out: dict[str, list[tuple[str, int]]] = {}
    for table in SQLModel.metadata.sorted_tables:
        cols = [(c.name, getattr(c.type, "length", None)) for c in table.columns]
        cols = [(name, n) for name, n in cols if isinstance(n, int)]
        if cols:
            out[table.name] = cols
    return out


def _trigger(table: str, columns: list[tuple[str, int]], event: str) -> str:
    too_long = " OR ".join(f"length(NEW.{name}) > {n}" for name, n in columns)
    return (f"CREATE TRIGGER {PREFIX}{table}_{event.lower()} BEFORE {event} ON {table} "
            f"WHEN {too_long} BEGIN SELECT RAISE(ABORT, 'value too long for {table}'); END")


def sync_sqlite_triggers(conn: Connection) -> None:
    """Drop and recreate the length triggers of every table (SQLite only)."""
    existing = conn.execute(text(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE :p"), {"p": PREFIX + "%"}).scalars()
    for name in list(existing):
        conn.execute(text(f"DROP TRIGGER {name}"))
    present = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
    for table, columns in limits().items():
        if table not in present:  # a table not migrated yet (while writing its revision)
            continue
        for event in ("INSERT", "UPDATE"):
            conn.execute(text(_trigger(table, columns, event)))
