"""``rechtenloket token add|list|revoke``: an administrator makes a partner API token, shown
once and stored only as a hash; a revoked token opens nothing; bad input is one line
``fout: ...`` with exit code 2 and writes nothing."""
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models.api_tokens import token_hash
from models.tables import ApiToken, AuditEvent

runner = CliRunner()


def _tokens(engine):
    with Session(engine) as db:
        return db.exec(select(ApiToken)).all()


def test_a_token_is_shown_once_stored_hashed_and_revocable(client, loaded):
    made = runner.invoke(app, ["token", "add", "--region", "drenthe", "--partner", "gemeente-assen",
                               "--label", "zaaksysteem gemeente Assen", "--days", "30"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("rlp_") and "maar één keer getoond" in made.stdout
    [row] = _tokens(loaded)
    assert token not in str(row.model_dump()) and row.token_hash == token_hash(token)
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    listed = runner.invoke(app, ["token", "list"])
    assert listed.exit_code == 0 and "gemeente-assen" in listed.stdout and token not in listed.stdout

    revoked = runner.invoke(app, ["token", "revoke", str(row.id)])
    assert revoked.exit_code == 0 and f"Token {row.id} ingetrokken." in revoked.stdout
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "was al ingetrokken" in runner.invoke(app, ["token", "revoke", str(row.id)]).stdout
    with Session(loaded) as db:
        actions = [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.action.startswith("api_token")))]
    assert "api_token.added" in actions and "api_token.revoked" in actions


def test_bad_input_is_one_line_and_writes_nothing(loaded):
    for args in (["--partner", "bestaat-niet"], ["--partner", "gemeente-assen", "--days", "0"],
                 ["--partner", "gemeente-assen", "--region", "fryslan"]):
        region = [] if "--region" in args else ["--region", "drenthe"]
        result = runner.invoke(app, ["token", "add", *region, "--label", "test", *args])
        assert result.exit_code == 2, (args, result.output)
        assert result.output.startswith("fout: ") and len(result.output.strip().splitlines()) == 1, result.output
    assert runner.invoke(app, ["token", "revoke", "999"]).exit_code == 2
    assert _tokens(loaded) == []
