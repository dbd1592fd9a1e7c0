"""``rechtenloket user add|disable|list``: the password never on the command line, one-line
errors, nothing written on bad input."""
import json

from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models.accounts import check_password
from models.tables import Account, AccountRegion, AuditEvent, WebSession
from tests.web.helpers import PASSWORD, login

runner = CliRunner()


def _accounts(engine):
    with Session(engine) as db:
        return db.exec(select(Account)).all()


def test_add_with_the_password_on_stdin(loaded):
    result = runner.invoke(app, ["user", "add", "J.Jansen", "--role", "coordinator", "--region", "drenthe",
                                 "--region", "fryslan", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Account j.jansen aangemaakt (coördinator; regio drenthe, fryslan)." in result.stdout
    assert PASSWORD not in result.output
    [account] = _accounts(loaded)
    assert account.username == "j.jansen" and account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash and check_password(account, PASSWORD)
    with Session(loaded) as db:
        assert sorted(r.region_id for r in db.exec(select(AccountRegion))) == ["drenthe", "fryslan"]
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "account.added")).one()
    assert event.actor == "administrator:cli" and event.detail["account"] == account.id
    assert "jansen" not in json.dumps(event.detail)


def test_add_asks_twice_without_echo(loaded):
    result = runner.invoke(app, ["user", "add", "p.ggz", "--role", "partner", "--region", "drenthe",
                                 "--partner", "ggz-drenthe"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # typed, not shown
    assert "partner ggz-drenthe" in result.stdout
    mismatch = runner.invoke(app, ["user", "add", "p.twee", "--role", "coordinator", "--region", "drenthe"],
                             input=f"{PASSWORD}\nander-wachtwoord-12\n")
    assert mismatch.exit_code == 2 and "fout: de twee wachtwoorden zijn niet gelijk" in mismatch.output
    assert [a.username for a in _accounts(loaded)] == ["p.ggz"]


def test_bad_input_is_one_line_and_writes_nothing(loaded):
    cases = [
        (["--role", "coordinator", "--region", "drenthe"], "kort", "minstens 12 tekens"),
        (["--role", "coordinator", "--region", "nergens"], PASSWORD, "onbekende regio 'nergens'"),
        (["--role", "baas", "--region", "drenthe"], PASSWORD, "role: is geen geldige waarde"),
        (["--role", "system", "--region", "drenthe"], PASSWORD, "de rol system is voor het systeem zelf"),
        (["--role", "partner", "--region", "drenthe"], PASSWORD, "geef --partner"),
        (["--role", "partner", "--region", "drenthe", "--region", "fryslan", "--partner", "ggz-drenthe"], PASSWORD,
         "precies één regio"),
        (["--role", "partner", "--region", "fryslan", "--partner", "ggz-drenthe"], PASSWORD,
         "onbekende partner 'ggz-drenthe' in regio fryslan"),
        (["--role", "coordinator", "--region", "drenthe", "--partner", "ggz-drenthe"], PASSWORD,
         "alleen een medewerker van een partner"),
        (["--role", "coordinator", "--region", "drenthe", "--password", PASSWORD], PASSWORD,
         "onbekende optie --password"),  # no password as an argument, ever
    ]
    for options, password, expected in cases:
        result = runner.invoke(app, ["user", "add", "nieuw.account", *options, "--password-stdin"],
                               input=password + "\n")
        assert result.exit_code == 2, (options, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("fout: ") and expected in lines[0], (options, lines)
    bad_name = runner.invoke(app, ["user", "add", "x y", "--role", "coordinator", "--region", "drenthe",
                                   "--password-stdin"], input=PASSWORD + "\n")
    assert bad_name.exit_code == 2 and "fout: username: gebruik 3 tot 64 tekens" in bad_name.output
    same = runner.invoke(app, ["user", "add", "gelijk.aan.naam", "--role", "coordinator", "--region", "drenthe",
                               "--password-stdin"], input="Gelijk.Aan.Naam\n")
    assert same.exit_code == 2 and "niet gelijk zijn aan de gebruikersnaam" in same.output
    assert _accounts(loaded) == []
    assert runner.invoke(app, ["user", "add", "een.naam", "--role", "coordinator", "--region", "drenthe",
                               "--password-stdin"], input=PASSWORD + "\n").exit_code == 0
    twice = runner.invoke(app, ["user", "add", "Een.Naam", "--role", "coordinator", "--region", "drenthe",
                                "--password-stdin"], input=PASSWORD + "\n")
    assert twice.exit_code == 2 and "er is al een account met gebruikersnaam 'een.naam'" in twice.output


def test_list_and_disable(loaded, client):
    for name, role in (("a.coord", "coordinator"), ("b.fg", "auditor")):
        runner.invoke(app, ["user", "add", name, "--role", role, "--region", "drenthe", "--password-stdin"],
                      input=PASSWORD + "\n")
    login(client, "a.coord")
    rows = json.loads(runner.invoke(app, ["user", "list", "--json"]).stdout)
    assert [(r["username"], r["role"], r["regions"], r["active"]) for r in rows] == [
        ("a.coord", "coordinator", ["drenthe"], True), ("b.fg", "auditor", ["drenthe"], True)]
    assert all("password" not in key for r in rows for key in r)
    assert json.loads(runner.invoke(app, ["user", "list", "--json", "--region", "fryslan"]).stdout) == []
    table = runner.invoke(app, ["user", "list"]).stdout
    assert table.splitlines()[0].split() == ["username", "role", "regions", "partner", "active"]

    disabled = runner.invoke(app, ["user", "disable", "A.Coord"])
    assert disabled.exit_code == 0 and "Account a.coord uitgezet." in disabled.stdout
    with Session(loaded) as db:
        assert db.exec(select(WebSession)).all() == []  # signed out at once
    assert client.get("/", follow_redirects=False).status_code == 303
    assert "stond al uit" in runner.invoke(app, ["user", "disable", "a.coord"]).stdout
    missing = runner.invoke(app, ["user", "disable", "niemand"])
    assert missing.exit_code == 2 and missing.output.strip() == "fout: geen account met gebruikersnaam 'niemand'"
    assert [r["active"] for r in json.loads(runner.invoke(app, ["user", "list", "--json"]).stdout)] == [False, True]
