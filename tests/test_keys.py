"""Keys are never lost: ``init`` does not replace the key of a database with data, a wrong or
missing key is one ``fout:`` line naming the setting, and the files are owner-only."""
import os
import stat
from datetime import date

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models.principal import CLI
from models import keys
from models.actions.intake import RequestInput, register_request
from models.db import session_scope
from models.tables import KeyringEntry

runner = CliRunner()
SUBJECT = {"bsn": "111222333", "name": "Fictief Persoon", "address": "Voorbeeldstraat 1, 8900 AA Leeuwarden"}


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _one_line(result, *words: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "InvalidToken" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fout: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]



def _register() -> str:
    data = {"region": "fryslan", "subject": SUBJECT, "types": ["inzage"], "received_on": "2026-03-02"}
    with session_scope() as s:
        return register_request(s, RequestInput.model_validate(data), CLI, date(2026, 3, 10)).reference


def _read_subjects() -> list:
    from models.tables import DataSubject

    with session_scope() as s:
        return s.exec(select(DataSubject)).all()


def test_a_new_installation_gets_a_key_and_owner_only_files(tmp_path, settings_env):
    var = tmp_path / "var"
    settings_env(RECHTENLOKET_DATA_DIR=var, RECHTENLOKET_SECRET_KEY=None,
                 RECHTENLOKET_DATABASE_URL=f"sqlite:///{var / 'rechtenloket.db'}")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert f"Nieuwe sleutel geschreven naar {var / 'secret.key'}" in result.stdout
    assert _mode(var) == 0o700
    for name in ("rechtenloket.db", "rechtenloket.db-wal", "rechtenloket.db-shm", "secret.key", "audit-anchors.log"):
        assert (var / name).exists() and _mode(var / name) == 0o600, name
    key = keys.parse_master_key((var / "secret.key").read_text(), "file")
    from models.db import get_engine

    with Session(get_engine()) as s:
        entry = s.exec(select(KeyringEntry)).one()
    assert entry.key_id == key.key_id and entry.verifier == key.verifier
    assert key.verifier not in (var / "secret.key").read_text()  # the database has no key material
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


def test_init_tightens_an_older_installation(tmp_path, settings_env):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    os.chmod(var, 0o755)
    settings_env(RECHTENLOKET_DATA_DIR=var, RECHTENLOKET_SECRET_KEY=None,
                 RECHTENLOKET_DATABASE_URL=f"sqlite:///{var / 'rechtenloket.db'}")
    (var / "rechtenloket.db").touch(mode=0o644)
    os.chmod(var / "rechtenloket.db", 0o644)
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert _mode(var) == 0o700 and _mode(var / "rechtenloket.db") == 0o600


def test_init_refuses_a_new_key_for_a_database_with_data(loaded, tmp_path, settings_env):
    """The issue's case: the key file is gone and someone runs init on a populated database."""
    _register()
    var = tmp_path / "var"
    settings_env(RECHTENLOKET_DATA_DIR=var, RECHTENLOKET_SECRET_KEY=None)
    line = _one_line(runner.invoke(app, ["init"]), "bevat al versleutelde gegevens", "RECHTENLOKET_SECRET_KEY",
                     str(var / "secret.key"), "back-up")
    assert "geen nieuwe sleutel" in line
    assert not (var / "secret.key").exists()


def test_a_missing_key_names_the_setting_and_the_file(loaded, tmp_path, settings_env):
    _register()
    var = tmp_path / "var"
    settings_env(RECHTENLOKET_DATA_DIR=var, RECHTENLOKET_SECRET_KEY=None)
    _one_line(runner.invoke(app, ["audit", "verify"]), "geen sleutel", "RECHTENLOKET_SECRET_KEY",
              str(var / "secret.key"))
    with pytest.raises(keys.MissingKey, match="RECHTENLOKET_SECRET_KEY"):
        _read_subjects()


def test_a_wrong_key_in_the_setting_is_one_line(loaded, settings_env):
    _register()
    keys.reset()
    with session_scope() as s:
        keys.ensure_verified(s.connection())  # the emptied keyring gets the session key again
    settings_env(RECHTENLOKET_SECRET_KEY=keys.generate_master_key())
    for args in (["audit", "verify"], ["init"]):
        _one_line(runner.invoke(app, args), "RECHTENLOKET_SECRET_KEY", "past niet")
    with pytest.raises(keys.WrongKey, match="RECHTENLOKET_SECRET_KEY") as caught:
        _read_subjects()
    assert "Fictief" not in str(caught.value)


def test_a_wrong_key_file_is_one_line_naming_the_file(loaded, tmp_path, settings_env):
    _register()
    keys.reset()
    with session_scope() as s:
        keys.ensure_verified(s.connection())
    var = tmp_path / "var"
    var.mkdir()
    (var / "secret.key").write_text(keys.generate_master_key())
    settings_env(RECHTENLOKET_DATA_DIR=var, RECHTENLOKET_SECRET_KEY=None)
    _one_line(runner.invoke(app, ["audit", "verify"]), f"het sleutelbestand {var / 'secret.key'}", "past niet")
    with pytest.raises(keys.WrongKey, match="het sleutelbestand"):
        _read_subjects()


def test_a_wrong_key_writes_nothing(loaded, settings_env):
    """The key is checked before the first write: nothing is sealed with a stranger's key."""
    from models import crypto
    from models.tables import DataSubject

    keys.reset()
    with session_scope() as s:
        keys.ensure_verified(s.connection())
    settings_env(RECHTENLOKET_SECRET_KEY=keys.generate_master_key())
    with pytest.raises(keys.WrongKey):
        with session_scope() as s:
            s.add(DataSubject(name="Ander Persoon", name_hash=crypto.lookup_hash("Ander Persoon")))
    settings_env()
    with session_scope() as s:
        assert s.exec(select(DataSubject)).all() == []


@pytest.mark.parametrize("value, words", [
    ("geen-base64-!!", ["RECHTENLOKET_SECRET_KEY"]),
    ("c2hvcnQ=", ["RECHTENLOKET_SECRET_KEY", "32 bytes"]),
])
def test_a_malformed_key_is_one_line(loaded, settings_env, value, words):
    settings_env(RECHTENLOKET_SECRET_KEY=value)
    _one_line(runner.invoke(app, ["audit", "verify"]), *words)


def test_key_ids_and_verifiers_are_derived_not_stored():
    a = keys.parse_master_key(keys.generate_master_key(), "a")
    b = keys.parse_master_key(keys.generate_master_key(), "b")
    assert len(a.key_id) == 16 and a.key_id != b.key_id and a.verifier != b.verifier
    assert len({a.derive(p) for p in (b"x", b"y")}) == 2
    assert a.audit_key != a.lookup_key != a.derive(b"rechtenloket/v1/aes-gcm")
