"""The one seam through which a recorded event asks for its request to be carried on.

Every human action (the command line now, the web app next) records its event in one
transaction and then calls ``dispatch``. How the advance happens is configuration
(``RECHTENLOKET_DISPATCH``), never a choice of the caller:

- ``deployment``: the running product. ``run_deployment(..., timeout=0)`` asks Prefect for a
  run of the ``advance-request`` deployment and returns at once; a worker or the served
  deployments pick it up. The event's key is the flow run's idempotency key, so a repeated
  call for the same event never starts a second run.
- ``inline``: the Prefect flow in this process (tests, the scenario runner with a server).
- ``direct``: the same steps in this process without Prefect (flows.advance.advance_directly).
- ``auto`` (the default): ``deployment`` when ``PREFECT_API_URL`` is set, else ``direct`` —
  so no command ever starts a temporary Prefect server of its own.

Prefect sees the opaque request id, the date and the event key (a keyed digest): no
personal data.
"""
import os
from dataclasses import dataclass
from typing import Optional

from models.settings import get_settings

ADVANCE_DEPLOYMENT = "advance-request/advance-request"
SWEEP_DEPLOYMENT = "sla-sweep/sla-sweep"
DELIVER_DEPLOYMENT = "deliver-outbox/deliver-outbox"
MODES = ("auto", "deployment", "inline", "direct")


class DispatchError(RuntimeError):
    """The running product could not be asked to carry the request on (one Dutch line)."""


@dataclass(frozen=True)
class Dispatched:
    mode: str  # "deployment", "inline" or "direct"
    flow_run_id: Optional[str] = None  # deployment: the run Prefect will start
    result: Optional[dict] = None  # inline/direct: the run's result (steps, waits_for)

    @property
    def message(self) -> str:
        if self.mode == "deployment":
            return "de verwerking is gestart; volg het verzoek met 'rechtenloket request show'"
        return ""


def mode() -> str:
    chosen = get_settings().dispatch
    if chosen not in MODES:
        raise DispatchError(f"RECHTENLOKET_DISPATCH={chosen!r} is onbekend (kies uit: {', '.join(MODES)})")
    if chosen != "auto":
        return chosen
    return "deployment" if _api_url() else "direct"


def _api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    return os.environ.get("PREFECT_API_URL") or (PREFECT_API_URL.value() or "")


def dispatch(request_id: str, as_of: str, event_key: str) -> Dispatched:
    """Carry the request on after the event ``event_key`` (see the module doc)."""
    how = mode()
    if how == "deployment":
        return Dispatched(how, flow_run_id=_run_deployment(ADVANCE_DEPLOYMENT, {"request_id": request_id,
                                                                               "as_of": as_of}, event_key))
    if how == "inline":
        from flows.advance import advance_request

        return Dispatched(how, result=advance_request(request_id, as_of))
    from flows.advance import advance_directly

    return Dispatched(how, result=advance_directly(request_id, as_of))


def dispatch_sweep(as_of: str) -> Dispatched:
    """The daily sweep for ``as_of``: one run per day, however often it is asked for."""
    how = mode()
    if how == "deployment":
        return Dispatched(how, flow_run_id=_run_deployment(SWEEP_DEPLOYMENT, {"as_of": as_of},
                                                           f"sla-sweep:{as_of}"))
    if how == "inline":
        from flows.advance import sla_sweep

        return Dispatched(how, result=sla_sweep(as_of))
    from flows.advance import sweep_directly

    return Dispatched(how, result=sweep_directly(as_of))


def _run_deployment(name: str, parameters: dict, key: str) -> str:
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    try:
        run = run_deployment(name=name, parameters=parameters, timeout=0, idempotency_key=key,
                             as_subflow=False)
    except ObjectNotFound:
        raise DispatchError(f"de deployment {name} bestaat niet: draait 'make run' (of de workers)?") from None
    except Exception as exc:  # noqa: BLE001 - the server is down, unreachable, ...
        raise DispatchError(f"Prefect is niet bereikbaar ({type(exc).__name__}): draait 'make run'?") from None
    return str(run.id)


def synchronous():
    """(advance, sweep) that finish before they return, for the scenario runner and the demo:
    the Prefect flows in this process when a Prefect server is configured, else directly."""
    from flows.advance import advance_directly, advance_request, sla_sweep, sweep_directly

    if mode() in ("deployment", "inline"):
        return advance_request, sla_sweep
    return advance_directly, sweep_directly
