"""Warm flow-run processes for the served deployments (the embedded default).

Prefect's served deployments start every flow run in a new Python process
(``multiprocessing`` "spawn"), which imports Prefect, SQLAlchemy, our tables, the region
schema and the letters before the first step: 3 to 5 s of CPU per run on this machine,
more than the run's own work (docs/performance.md). A run must stay a process of its own
(a crash, a kill or a leak in one run must not take the others or the server down, and the
crash tests kill runs), so the process is kept and only its start is made warm: a
``forkserver`` that has imported all of that once forks each run's process from itself.

``install()`` points Prefect's runner at that forkserver; nothing else changes (the
deployment, the flow, its parameters, the runner's cancellation and kill, the state
handling are Prefect's own). It relies on one seam Prefect documents in
``prefect.runner._starter_direct`` ("uses the module-level ``run_flow_in_subprocess``
reference: patch the module to override") and on Prefect asking
``multiprocessing.get_context("spawn")`` for its context; a Prefect upgrade that changes
either makes ``install`` refuse (``WarmStartUnavailable``) and the served process falls
back to Prefect's own start, slower but the same. Process workers (scale-out) get the same
preload through their own launcher (``flows/worker.py``, ``flows/warmlaunch.py``).

The forkserver imports modules only: no engine, connection, thread or file is opened at
import (``models.db.get_engine`` is lazy), so nothing is shared between runs but read-only
module state.
"""
import multiprocessing
import multiprocessing.context
from typing import Any

# What every run of our deployments imports before its first step.
# ``flows.warm`` also loads the region configuration and compiles the letter templates.
PRELOAD = ("prefect.flow_engine", "prefect.runner", "prefect.task_engine", "prefect.utilities.visualization",
           "flows.advance", "flows.deliver", "flows.retention", "flows.warm")


class WarmStartUnavailable(RuntimeError):
    """This Prefect version does not offer the seam the warm start uses."""


class _Multiprocessing:
    """``multiprocessing`` as Prefect's flow engine sees it, with the forkserver context
    handed out where the engine asks for "spawn"; everything else is the real module."""

    def __init__(self, context: multiprocessing.context.BaseContext):
        self._context = context

    def get_context(self, method: Any = None):
        if method == "spawn":
            return self._context
        return multiprocessing.get_context(method)

    def __getattr__(self, name: str):
        return getattr(multiprocessing, name)


def install(preload: tuple[str, ...] = PRELOAD) -> multiprocessing.context.BaseContext:
    """Start flow runs of this process's runner from a forkserver that has imported
    ``preload``. Call once, before ``prefect.serve``. Returns the context (for tests)."""
    import inspect

    import prefect.flow_engine as flow_engine
    import prefect.runner._starter_direct as starter_direct

    source = inspect.getsource(flow_engine.run_flow_in_subprocess)
    if 'get_context("spawn")' not in source or not hasattr(starter_direct, "run_flow_in_subprocess"):
        raise WarmStartUnavailable("Prefect starts flow runs in another way than this module expects")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    flow_engine.multiprocessing = _Multiprocessing(context)
    return context
