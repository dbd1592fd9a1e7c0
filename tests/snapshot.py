"""A snapshot of the test database and the data dir's files, put back before each test that
changes them: a module seeds one world once (a few seconds of real flows) instead of once per
test, and every test still starts from exactly that world.

- SQLite: the database file copied with SQLite's own backup API (safe with open connections,
  WAL included), and copied back the same way.
- PostgreSQL: every table as stored (``COPY ... (FORMAT binary)``: ciphertext stays ciphertext,
  the audit trail's hashes stay valid) and every sequence's position; put back with the tables
  truncated and the append-only triggers lifted for the moment, in one transaction.
- Files: the data dir (outbox files, letters, the audit anchors) except the database itself.
"""
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

APPEND_ONLY = ("auditevent", "processinglog")


@dataclass
class Snapshot:
    engine: Engine
    data_dir: Path
    where: Path  # our copies live here
    tables: dict[str, bytes] = field(default_factory=dict)
    sequences: list[tuple[str, int | None]] = field(default_factory=list)

    @classmethod
    def take(cls, engine: Engine, where: Path) -> "Snapshot":
        import models.tables  # noqa: F401
        from models.settings import get_settings

        snap = cls(engine, get_settings().data_dir, where)
        if engine.dialect.name == "sqlite":
            with sqlite3.connect(snap._sqlite_file()) as live, sqlite3.connect(where / "db.sqlite") as copy:
                live.backup(copy)
        else:
            snap._take_postgres()
        shutil.copytree(snap.data_dir, where / "files", ignore=snap._database_files)
        return snap

    def restore(self) -> None:
        if self.engine.dialect.name == "sqlite":
            self.engine.dispose()  # no pooled connection holds a read snapshot of the old pages
            with sqlite3.connect(self.where / "db.sqlite") as copy, sqlite3.connect(self._sqlite_file()) as live:
                copy.backup(live)
        else:
            self._restore_postgres()
        for path in self.data_dir.iterdir():
            if self._database_files(str(self.data_dir), [path.name]):
                continue
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        shutil.copytree(self.where / "files", self.data_dir, dirs_exist_ok=True)

    # ------------------------------------------------------------- helpers

    def _sqlite_file(self) -> str:
        return make_url(self.engine.url).database

    def _database_files(self, folder: str, names: list[str]) -> list[str]:
        if self.engine.dialect.name != "sqlite" or Path(folder) != self.data_dir:
            return []
        base = Path(self._sqlite_file()).name
        return [n for n in names if n in (base, f"{base}-wal", f"{base}-shm", f"{base}-journal")]

    def _take_postgres(self) -> None:
        raw = self.engine.raw_connection()
        try:
            conn = raw.driver_connection
            with conn.cursor() as cur:
                for table in SQLModel.metadata.sorted_tables:
                    with cur.copy(f'COPY "{table.name}" TO STDOUT (FORMAT binary)') as copy:
                        self.tables[table.name] = b"".join(bytes(chunk) for chunk in copy)
                cur.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences "
                            "WHERE schemaname = 'public'")
                self.sequences = list(cur.fetchall())
            conn.rollback()
        finally:
            raw.close()

    def _restore_postgres(self) -> None:
        raw = self.engine.raw_connection()
        try:
            conn = raw.driver_connection
            with conn.cursor() as cur:
                names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
                for name in APPEND_ONLY:
                    cur.execute(f"ALTER TABLE {name} DISABLE TRIGGER USER")
                cur.execute(f"TRUNCATE {names} CASCADE")
                for table in SQLModel.metadata.sorted_tables:  # parents before children
                    with cur.copy(f'COPY "{table.name}" FROM STDIN (FORMAT binary)') as copy:
                        copy.write(self.tables[table.name])
                for name, value in self.sequences:
                    if value is None:  # never used: the next value is its start
                        cur.execute("SELECT setval(%s, (SELECT start_value FROM pg_sequences "
                                    "WHERE schemaname || '.' || sequencename = %s), false)", (name, name))
                    else:
                        cur.execute("SELECT setval(%s, %s, true)", (name, value))
                for name in APPEND_ONLY:
                    cur.execute(f"ALTER TABLE {name} ENABLE TRIGGER USER")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            raw.close()
