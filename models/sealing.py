"""Binding encrypted columns to their row, in the ORM (models.crypto does the cryptography).

A column type cannot see the row it is written to, so the work is done by mapper events
on every table that has an ``encrypted()`` column:

- before INSERT / UPDATE: each new or changed encrypted value becomes a ``PlacedText``
  (plaintext plus its place: table, column, the row's ``row_uid``), which the column type
  seals; the first write also checks that the key is the database's (models.keys);
- after INSERT / UPDATE: the attribute holds the plain string again;
- on load and refresh: each stored value is opened at its place and set as the committed
  value, so the object reads as plaintext and is not dirty.

A *sealed read* (``models.db.sealed_scope``) opens nothing: the attributes keep their
stored ciphertext, and writing an encrypted column there is refused. The automatic steps'
planner reads statuses, dates and ids that way, so it never holds a betrokkene's personal
data in the clear and needs no line in the processing log. Every other session notes in
``session.info`` which tables it opened (``opened_tables``), so the processing log can tell
whether a step read personal data (models/processing.py ``record_reads``).

``row_uid`` is a random id made when the object is created (the integer primary key is
not known before the INSERT); it never changes. Application code keeps reading and
writing plain attributes.
"""
from sqlalchemy import event
from sqlalchemy.orm import Mapper, attributes
from sqlalchemy.orm import Session as OrmSession

from models import keys
from models.crypto import EncryptedString, Place, PlacedText, unseal

ROW_UID = "row_uid"
SEALED_READ = "rechtenloket.sealed_read"  # session.info flag: open nothing (models.db.sealed_scope)
OPENED = "rechtenloket.opened_tables"  # session.info: the tables whose values this session opened


class SealedWrite(RuntimeError):
    """An encrypted column changed in a sealed read: it holds ciphertext, not the value."""


def is_sealed(session) -> bool:
    return bool(session is not None and session.info.get(SEALED_READ))


def opened_tables(session) -> set[str]:
    """The tables whose encrypted values this session has opened (decrypted) so far."""
    return set(session.info.get(OPENED, ()))


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_opened(session, transaction) -> None:
    # Per transaction: what the next transaction opens is its own processing to log.
    if transaction.parent is None:
        session.info.pop(OPENED, None)


def _session_of(context):
    return getattr(context, "session", None)


class RowIdentityChanged(RuntimeError):
    pass


def encrypted_columns(mapper: Mapper) -> list[tuple[str, str]]:
    """(attribute, column name) of the mapper's encrypted columns."""
    return [
        (prop.key, col.name)
        for prop in mapper.column_attrs
        for col in prop.columns
        if isinstance(col.type, EncryptedString)
    ]


@event.listens_for(Mapper, "mapper_configured")
def _bind_encrypted_columns(mapper: Mapper, class_) -> None:
    columns = encrypted_columns(mapper)
    if not columns:
        return
    if ROW_UID not in mapper.attrs:
        raise TypeError(f"{class_.__name__} has encrypted columns but no {ROW_UID} (models.tables.common.row_identity)")
    table = mapper.local_table.name
    pk_keys = [mapper.get_property_by_column(c).key for c in mapper.primary_key]

    def place(target, column: str) -> Place:
        return Place(table, column, target.__dict__.get(ROW_UID) or getattr(target, ROW_UID))

    def row_label(target):
        values = [target.__dict__.get(k) for k in pk_keys]
        return values[0] if len(values) == 1 else tuple(values)

    def before_insert(_mapper, connection, target):
        keys.ensure_verified(connection)
        if not target.__dict__.get(ROW_UID):
            from models.tables.common import new_id

            setattr(target, ROW_UID, new_id())
        for attr, column in columns:
            value = target.__dict__.get(attr)
            if value is not None:
                setattr(target, attr, PlacedText(str(value), place(target, column)))

    def before_update(_mapper, connection, target):
        if attributes.get_history(target, ROW_UID).deleted:
            raise RowIdentityChanged(f"{table}: {ROW_UID} of row {row_label(target)} may not change")
        changed = []
        for attr, column in columns:
            added = attributes.get_history(target, attr).added
            if added and added[0] is not None:
                changed.append((attr, column, added[0]))
        if changed and is_sealed(attributes.instance_state(target).session):
            raise SealedWrite(f"{table}: an encrypted column may not be written in a sealed read")
        if changed:
            keys.ensure_verified(connection)
        for attr, column, value in changed:
            setattr(target, attr, PlacedText(str(value), place(target, column)))

    def after_write(_mapper, _connection, target):
        for attr, _column in columns:
            value = target.__dict__.get(attr)
            if isinstance(value, PlacedText):
                attributes.set_committed_value(target, attr, str(value))

    def open_values(target, context, only) -> None:
        session = _session_of(context)
        if is_sealed(session):
            return
        opened = False
        for attr, column in columns:
            if only is not None and attr not in only:
                continue
            stored = target.__dict__.get(attr)
            if stored is not None:
                plain = unseal(stored, place(target, column), row_label(target))
                attributes.set_committed_value(target, attr, plain)
                opened = True
        if opened and session is not None:
            session.info.setdefault(OPENED, set()).add(table)

    event.listen(mapper, "before_insert", before_insert)
    event.listen(mapper, "before_update", before_update)
    event.listen(mapper, "after_insert", after_write)
    event.listen(mapper, "after_update", after_write)
    event.listen(mapper, "load", lambda target, context: open_values(target, context, None))
    event.listen(mapper, "refresh", lambda target, context, attrs: open_values(target, context, attrs))
    event.listen(mapper, "refresh_flush", lambda target, context, attrs: open_values(target, context, attrs))
