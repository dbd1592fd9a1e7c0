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
No key, engine, connection or thread is created here: those belong to each run.
"""


def warm() -> None:
    try:
        from models.region_config import configured_regions

        configured_regions()
        from models.state import decree_days

        decree_days()
        from models.letters.render import environment

        env = environment()
        for name in env.list_templates(filter_func=lambda n: n.startswith("letters/") and n.endswith(".j2")):
            env.get_template(name)
    except Exception:  # noqa: BLE001 - see the module's docstring
        return


warm()
