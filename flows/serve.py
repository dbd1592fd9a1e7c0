"""The deployments of the running product, served from this process (the embedded default).

    python -m flows.serve

- ``advance-request``: started by ``dispatch`` after every recorded event (no schedule);
- ``sla-sweep``: every day at 07:00 Europe/Amsterdam, for that day;
- ``deliver-outbox``: every minute, so a message that failed is tried again;
- ``retention-sweep``: every night at 02:30 Europe/Amsterdam: closed request files past
  their retention period are erased (flows/retention.py).

For scale-out the same flows are deployed on a process work pool instead (prefect.yaml,
docs/deployment.md); the code is the same. ``sla-sweep`` and ``deliver-outbox`` take their
date from the clock when they start (``as_of`` left empty by the schedule).
"""
from prefect.schedules import Cron

from flows.advance import advance_request, sla_sweep
from flows.deliver import deliver_outbox
from flows.retention import retention_sweep

SWEEP_CRON = "0 7 * * *"
SWEEP_TIMEZONE = "Europe/Amsterdam"
DELIVERY_INTERVAL_SECONDS = 60
RETENTION_CRON = "30 2 * * *"  # at night, before the sweep; Europe/Amsterdam like the sweep
# How often the served process asks the Prefect server for runs to start: the longest wait
# between a dispatched event and the start of its run (Prefect's default is 10 s). One small
# API call every half second; RECHTENLOKET_SERVE_POLL_SECONDS overrides it (seconds, may be a
# fraction; Prefect's own PREFECT_RUNNER_POLL_FREQUENCY takes whole seconds only).
POLL_SECONDS = 0.5
# Flow runs at once in the served process (Prefect's ``serve(limit=...)``).
RUN_LIMIT = 8


def specs() -> list[tuple]:
    """Each deployment as (flow, its options): served by ``main``, listed by ``deployments``
    (and held to prefect.yaml by tests/test_prefect_yaml.py)."""
    return [
        (advance_request, dict(name="advance-request", concurrency_limit=None,
                               description="Een verzoek zo ver mogelijk brengen (na elke gebeurtenis).")),
        (sla_sweep, dict(name="sla-sweep", schedules=[Cron(SWEEP_CRON, timezone=SWEEP_TIMEZONE)],
                         description="De dagelijkse ronde: herinneringen, escalaties, termijnen.")),
        (deliver_outbox, dict(name="deliver-outbox", interval=DELIVERY_INTERVAL_SECONDS,
                              description="De outbox afleveren en mislukte berichten opnieuw proberen.")),
        (retention_sweep, dict(name="retention-sweep", schedules=[Cron(RETENTION_CRON, timezone=SWEEP_TIMEZONE)],
                               description="Afgesloten dossiers verwijderen na afloop van de bewaartermijn.")),
    ]


def deployments() -> list:
    return [flow.to_deployment(**options) for flow, options in specs()]


def main() -> None:
    """Serve the deployments until SIGINT/SIGTERM. The flows are added to the runner as
    flows (``Runner.add_flow``), not as deployments loaded from their entrypoint: the runner
    then starts each run from the flow object in a child process (``warmstart``) instead of
    a new ``python -m prefect.engine`` that imports everything again."""
    import asyncio
    import os

    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    from flows import warmstart

    if os.environ.get("RECHTENLOKET_WARM_START", "1") != "0":  # 0: Prefect's own start (to compare)
        try:
            warmstart.install()
        except warmstart.WarmStartUnavailable as refused:
            print(f"let op: {refused}; flow runs starten als nieuw proces", flush=True)
    poll = float(os.environ.get("RECHTENLOKET_SERVE_POLL_SECONDS") or os.environ.get("PREFECT_RUNNER_POLL_FREQUENCY")
                 or POLL_SECONDS)
    runner = Runner(limit=RUN_LIMIT, query_seconds=poll, pause_on_shutdown=True)
    for flow, options in specs():
        runner.add_flow(flow, **options)
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal):
        pass


if __name__ == "__main__":
    main()
