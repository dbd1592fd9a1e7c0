"""The lifecycle's next step for every status, without a database."""
from models.enums import DecisionOutcome as O, RequestStatus as S, RequestType as T
from models.lifecycle import RightState, Snapshot, Step, Wait, next_step


def snap(status, *, verified=False, planned=0, open_rows=0, rows=0, rights=(), unsent=0):
    return Snapshot(status, verified, planned, open_rows, rows, tuple(rights), unsent)


def right(t, outcome=None, executed=False, available=True):
    return RightState(t, available, outcome, executed, False)


def test_path_of_a_request():
    assert next_step(snap(S.registered)) == Step.acknowledge
    assert next_step(snap(S.awaiting_identity)) == Wait.identity
    assert next_step(snap(S.awaiting_identity, verified=True)) == Step.route
    assert next_step(snap(S.consulting, planned=2, rows=1, open_rows=1)) == Step.fan_out
    assert next_step(snap(S.consulting, planned=2, rows=2, open_rows=1)) == Wait.answers
    assert next_step(snap(S.consulting, planned=2, rows=2, open_rows=0)) == Step.to_deliberation
    assert next_step(snap(S.deliberating, rights=[right(T.inzage)])) == Wait.decision
    assert next_step(snap(S.deliberating, rights=[right(T.inzage, O.granted)])) == Step.after_decision
    assert next_step(snap(S.replying, unsent=1)) == Wait.sending
    assert next_step(snap(S.replying)) == Step.close
    assert next_step(snap(S.closed)) == Wait.nothing


def test_standard_refusals_need_no_decision():
    rights = [right(T.inzage, O.granted), right(T.overdraagbaarheid, available=False)]
    assert next_step(snap(S.deliberating, rights=rights)) == Step.after_decision


def test_granted_changes_wait_for_execution_refusals_do_not():
    assert next_step(snap(S.executing, rights=[right(T.verzet, O.granted)])) == Wait.execution
    assert next_step(snap(S.executing, rights=[right(T.verzet, O.granted, executed=True)])) == Step.after_decision
    assert next_step(snap(S.executing, rights=[right(T.correctie, O.refused)])) == Step.after_decision
    assert next_step(snap(S.executing, rights=[right(T.inzage, O.granted)])) == Step.after_decision


def test_where_a_step_leaves_the_request():
    """The state machine in one place: the steps ask models.lifecycle which status follows."""
    from models.enums import DecisionOutcome, RequestStatus, RequestType
    from models.lifecycle import STATUS_AFTER, after_decision, after_routing

    assert STATUS_AFTER[Step.acknowledge] == RequestStatus.awaiting_identity
    assert after_routing(2, 1, 1).status == RequestStatus.consulting
    assert after_routing(0, 1, 1) == after_routing(0, 1, 1)  # only police/OM: the referral notice answers
    assert not after_routing(0, 1, 1).no_data_reply and after_routing(0, 0, 1).no_data_reply
    assert not after_routing(0, 0, 0).no_data_reply  # only standard refusals
    pending = RightState(RequestType.verwijdering, True, DecisionOutcome.granted, executed=False, replied=False)
    done = RightState(RequestType.verwijdering, True, DecisionOutcome.granted, executed=True, replied=False)
    refused = RightState(RequestType.verzet, True, DecisionOutcome.refused, executed=False, replied=False)
    assert after_decision((pending, refused)) == RequestStatus.executing
    assert after_decision((done, refused)) == RequestStatus.replying
