"""Carrying a request on after a person's answer in the portal or the API."""
import logging

from models.actions.common import Recorded
from models import dutch_time

log = logging.getLogger("rechtenloket.web")


def carry_on(recorded: Recorded) -> None:
    """Dispatch the request's advance (flows/dispatch.py), after the commit. The action is
    recorded whatever happens here: a failed step is marked on the request and told to the
    manager, and the daily sweep carries it on; the partner's page still says it was received."""
    from flows.dispatch import dispatch

    try:
        dispatch(recorded.request_id, dutch_time.today().isoformat(), recorded.event_key)
    except Exception as exc:  # noqa: BLE001 - the partner's input is safe; the manager is told
        log.warning("dispatch after %s did not finish: %s", recorded.action, type(exc).__name__)
