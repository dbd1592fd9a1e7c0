"""What a flow run would otherwise load again in every process: imported once by the
forkserver of ``flows/warmstart.py`` (and only there), so every run forked from it starts
with the region configuration validated and the letter templates compiled.

Measured in one run's profile (docs/performance.md): parsing and validating the five region
files took 40 % of a run, compiling the letter templates another 10 %. Both are read-only
after loading. A change to ``config/`` therefore takes effect when the product is started
again, as it already does for the web app (both cache the regions per process).

Warming is best effort: if the configuration cannot be loaded here, the run itself loads it
and reports the error the usual way (one line naming the file and the key), so nothing is
raised from this module (an exception would stop the forkserver, and with it every run).
No key, engine, connection or thread is created here: those belong to each run (so the
region's facts, which live in the database, are not read here either).

The PostgreSQL driver (psycopg) is imported here too: SQLAlchemy imports a dialect's driver
when the first engine is created, in the run, and psycopg's import (its type adapters) took
0.4 s of every run on PostgreSQL, more than the run's own work (docs/performance.md).
Importing a module opens nothing, so the runs share it as they share the rest. For the
same reason SQLAlchemy's mappers of our tables are configured here (its first query in a
process does that otherwise: 0.1 s of every run); that is in memory only.
"""


def warm() -> None:
    try:
        import psycopg  # noqa: F401
        import sqlalchemy.dialects.postgresql.psycopg  # noqa: F401
    except ImportError:  # installed without the PostgreSQL extra: SQLite only
        pass
    try:
        # The files only (parsed and validated once): the region's facts are read from the
        # database by each run (models/region_config.py), never here, where a connection would
        # be shared by every run forked from this process.
        from models.region_config import file_regions

        file_regions()
        from models.state import decree_days

        decree_days()
        from sqlalchemy.orm import configure_mappers

        import models.tables  # noqa: F401

        configure_mappers()
        from models.letters.render import environment

        env = environment()
        for name in env.list_templates(filter_func=lambda n: n.startswith("letters/") and n.endswith(".j2")):
            env.get_template(name)
    except Exception:  # noqa: BLE001 - see the module's docstring
        return


warm()
