"""The deployments of the running product, served from this process (the embedded default).

    python -m flows.serve

- ``advance-request``: started by ``dispatch`` after every recorded event (no schedule);
- ``sla-sweep``: every day at 07:00 Europe/Amsterdam, for that day;
- ``deliver-outbox``: every minute, so a message that failed is tried again.

For scale-out the same flows are deployed on a process work pool instead (prefect.yaml,
docs/deployment.md); the code is the same. ``sla-sweep`` and ``deliver-outbox`` take their
date from the clock when they start (``as_of`` left empty by the schedule).
"""
from prefect import serve

from prefect.schedules import Cron

from flows.advance import advance_request, sla_sweep
from flows.deliver import deliver_outbox

SWEEP_CRON = "0 7 * * *"
SWEEP_TIMEZONE = "Europe/Amsterdam"
DELIVERY_INTERVAL_SECONDS = 60
# How often the served process asks the Prefect server for runs to start: the longest wait
# between a dispatched event and the start of its run (Prefect's default is 10 s). One small
# API call per second; PREFECT_RUNNER_POLL_FREQUENCY overrides it (docs/performance.md).
POLL_SECONDS = 1


def deployments() -> list:
    return [
        advance_request.to_deployment(name="advance-request", concurrency_limit=None,
                                      description="Een verzoek zo ver mogelijk brengen (na elke gebeurtenis)."),
        sla_sweep.to_deployment(name="sla-sweep", schedules=[Cron(SWEEP_CRON, timezone=SWEEP_TIMEZONE)],
                                      description="De dagelijkse ronde: herinneringen, escalaties, termijnen."),
        deliver_outbox.to_deployment(name="deliver-outbox", interval=DELIVERY_INTERVAL_SECONDS,
                                     description="De outbox afleveren en mislukte berichten opnieuw proberen."),
    ]


def main() -> None:
    import os

    poll = float(os.environ.get("PREFECT_RUNNER_POLL_FREQUENCY") or POLL_SECONDS)
    serve(*deployments(), print_starting_message=False, limit=8, query_seconds=poll)


if __name__ == "__main__":
    main()
