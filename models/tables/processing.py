"""The processing log (Logboek dataverwerkingen): every read and change of a betrokkene's
personal data, one row per action and betrokkene (models.processing).

The columns are the fields of Logius' standard "Logboek dataverwerkingen" (LDV, component
Logboek): ``trace_id``, ``span_id``, ``parent_span_id``, ``name``, ``status_code``,
``start_time``, ``end_time`` and the attributes ``dpl.core.processing_activity_id``,
``dpl.core.data_subject_id`` and ``dpl.core.data_subject_id_type``; our own attributes
(namespace ``dpl.rechtenloket``) are the principal and the opaque request id. No personal
data: the betrokkene is a pseudonym (the subject row's random ``row_uid``). Append-only
(database triggers) and chained with an HMAC like the audit trail.
"""
from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.tables.common import utcnow


class ProcessingLogEntry(SQLModel, table=True):
    __tablename__ = "processinglog"

    id: Optional[int] = Field(default=None, primary_key=True)
    seq: int = Field(unique=True, index=True)  # position in the chain (covered by the MAC)
    trace_id: str = Field(max_length=32, index=True)  # 16 bytes, hex (the Dataverwerking)
    span_id: str = Field(max_length=16)  # 8 bytes, hex (the Actie)
    parent_span_id: Optional[str] = Field(default=None, max_length=16)
    name: str = Field(max_length=120)  # the action, e.g. "verzoek.bekeken", "actie.identity"
    status_code: int = 0  # 0 UNSET, 1 OK, 2 ERROR (LDV, as OpenTelemetry)
    start_time: datetime = Field(default_factory=utcnow)
    end_time: datetime = Field(default_factory=utcnow)
    processing_activity_id: str = Field(max_length=200)  # dpl.core.processing_activity_id
    data_subject_id: str = Field(max_length=64, index=True)  # dpl.core.data_subject_id (pseudonym)
    data_subject_id_type: str = Field(max_length=64)  # dpl.core.data_subject_id_type
    principal: str = Field(max_length=120)  # dpl.rechtenloket.principal: role and account id
    request_id: Optional[str] = Field(default=None, max_length=32, index=True)  # dpl.rechtenloket.request_id
    key_id: str = Field(max_length=16)  # the key whose audit key made ``hash``
    prev_hash: str = Field(unique=True, max_length=64)
    hash: str = Field(unique=True, max_length=64)
