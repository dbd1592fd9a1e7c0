"""Every shipped example scenario (examples/*.json) plays to the end its ``expect`` block
says, on the test database. They play directly (the flow's step bodies without Prefect,
flows.advance.advance_directly); one of them also plays through the real flows under a
real Prefect, and must leave exactly the same state behind."""
from collections import Counter
from pathlib import Path

import pytest

from flows import scenario as sc
from flows.advance import advance_directly, sweep_directly
from models import audit
from models.db import session_scope

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))


def test_examples_cover_every_region_and_request_type():
    played = [sc.load(p) for p in EXAMPLES]
    assert {s.region for s in played} == {"rotterdam-rijnmond", "fryslan", "drenthe", "utrecht", "hollands-midden"}
    assert {t.value for s in played for t in s.request.types} == {
        "inzage", "correctie", "aanvulling", "verwijdering", "beperking", "verzet", "overdraagbaarheid",
        "eigen_verklaring",
    }
    assert all(s.expect for s in played), "every example says what it must end in"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_plays_to_its_expected_end(path, loaded):
    scenario = sc.load(path)
    view = sc.play(scenario, advance=advance_directly, sweep=sweep_directly)
    expect = scenario.expect
    if "status" in expect:
        assert view["status"] == expect["status"]
    # Only the rights listed are checked (docs/scenario.md).
    outcomes = {r["type"]: r["outcome"] for r in view["rights"]}
    assert {t: outcomes[t] for t in expect.get("rights", {})} == expect.get("rights", {})
    clocks = {r["type"]: r["deadlines"]["status"] for r in view["rights"]}
    assert {t: clocks[t] for t in expect.get("deadline_status", {})} == expect.get("deadline_status", {})
    if "referral_targets" in expect:
        assert sorted(x["target"] for x in view["referrals"]) == sorted(expect["referral_targets"])
    if "consultations" in expect:
        assert sorted(x["partner"] for x in view["consultations"]) == sorted(expect["consultations"])
    if "letters" in expect:
        assert Counter(x["kind"] for x in view["letters"]) == Counter(expect["letters"])
    # Whatever the scenario: every letter that left was frozen, and went out exactly once.
    sent = [x for x in view["letters"] if x["status"] == "sent"]
    assert all(x["sha256"] for x in sent)
    assert sorted(m["key"] for m in view["outbox"]) == sorted(x["key"] for x in sent)
    assert all(m["status"] == "sent" for m in view["outbox"])
    with session_scope() as s:
        assert audit.verify_chain(s) > view["audit_events"] > 0


@pytest.mark.slow
def test_through_prefect_the_same_as_directly(loaded, prefect_harness):
    """The sweep, reminders, an escalation, a withheld part: played twice, the same result."""
    from tests.conftest import _empty_all_tables, _sync_regions
    from tests.flowtools import state

    scenario = sc.load(EXAMPLES[0].parent / "fryslan-inzage-herinnering.json")
    end = sc.scenario_end(scenario)
    direct = state(loaded, sc.play(scenario, advance=advance_directly, sweep=sweep_directly)["id"], end)
    _empty_all_tables(loaded)
    _sync_regions(loaded)
    through_prefect = state(loaded, sc.play(scenario)["id"], end)
    assert through_prefect == direct
