"""Issue 18 point 10 on the request page: the signatory sees the warning beside the approval
button, and the button stays (a warning does not block)."""
from tests.test_approval_warnings import _replying, _write
from tests.web.helpers import login, make_account


def test_the_request_page_shows_the_warning_to_the_signatory(loaded, client):
    rid = _replying()
    _write(rid, "De politie gaf ons deze informatie.")
    make_account(loaded, "o.tekenaar", role="signatory")
    login(client, "o.tekenaar")
    page = client.get(f"/verzoeken/{rid}")
    assert page.status_code == 200
    assert 'id="waarschuwingen"' in page.text and "het houdt de goedkeuring niet tegen" in page.text
    assert "&#39;politie&#39;" in page.text or "'politie'" in page.text
    assert "Antwoorden goedkeuren" in page.text  # the button is still there
