"""Crash safety: kill the flow process (SIGKILL) at every step boundary, run it again, and
the end state, the outbox and the audit trail are those of an uninterrupted run."""
import signal
from pathlib import Path

import pytest

from flows import scenario as sc
from flows.advance import advance_request
from tests.flowtools import run_cli, state

SCENARIO = sc.load(Path(__file__).parent / "scenarios" / "crash.json")
END = sc.scenario_end(SCENARIO)
# Every boundary the scenario passes, in order (flows/advance.py and flows/transports.py).
BOUNDARIES = [
    "after:acknowledge",
    "after:transport",
    "after:route",
    "after:consult:gemeente-assen",
    "after:fan_out",
    "after:to_deliberation",
    "after:after_decision",
    "after:close",
]


def _play(crash_at: str | None = None, crash_run: int | None = None) -> tuple[str, list[list[str]], bool]:
    """Play the scenario. Flow run number ``crash_run`` runs in a separate process that is
    killed at ``crash_at``; then that run is simply started again, as an operator would.
    Returns the request id, the steps of every run, and whether the process was killed."""
    request_id, reg_ids, today = sc.start(SCENARIO)
    crashed, steps = False, []
    runs = [(None, today)] + [(e, e.on) for e in sc.events(SCENARIO)]
    for number, (event, day) in enumerate(runs):
        if event is not None:
            sc.apply(SCENARIO, request_id, reg_ids, event)
        if number == crash_run:
            result = run_cli("request", "advance", request_id, "--today", day.isoformat(),
                             env_extra={"RECHTENLOKET_CRASH_AT": crash_at})
            crashed = result.returncode == -signal.SIGKILL
            assert crashed, f"run {number} did not reach {crash_at}: {result.stderr[-2000:]}"
        steps.append(advance_request(request_id, day.isoformat())["steps"])
    return request_id, steps, crashed


def _run_of(boundary: str, steps: list[list[str]]) -> int:
    """The flow run in which the uninterrupted scenario passes ``boundary``."""
    step = boundary.removeprefix("after:")
    if step == "transport":
        return 0  # the receipt letter is the first message delivered
    if step.startswith("consult:"):
        step = "fan_out"
    return next(i for i, run in enumerate(steps) if step in run)


@pytest.fixture(scope="module")
def baseline(prefect_harness, _schema):
    from tests.conftest import _empty_all_tables, _sync_regions

    _empty_all_tables(_schema)
    _sync_regions(_schema)
    request_id, steps, _ = _play()
    return state(_schema, request_id, END), steps


@pytest.mark.slow
@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_crash_and_rerun_gives_the_same_result(baseline, loaded, boundary):
    expected, steps = baseline
    request_id, _, crashed = _play(boundary, _run_of(boundary, steps))
    assert crashed
    after = state(loaded, request_id, END)
    assert after["view"]["status"] == "closed"
    assert after == expected
    assert len(after["files"]) == 2 * len(after["outbox"])  # one .eml and one .html each, never twice
