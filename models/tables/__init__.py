"""All SQLModel tables. Importing this package registers every table on SQLModel.metadata."""
from models.tables.account import Account, AccountRegion, LoginThrottle, WebSession
from models.tables.audit import AuditEvent
from models.tables.clock import ClockEvent
from models.tables.consultation import ConsultationTask, ItemAnswer, SourceTask
from models.tables.event import ActionEvent
from models.tables.decision import Deliberation, ItemDecision
from models.tables.disclosure import Disclosure
from models.tables.identity import IdentityCheck
from models.tables.keyring import KeyringEntry
from models.tables.letter import Letter
from models.tables.outbox import OutboxMessage
from models.tables.partner import Partner, Region
from models.tables.portal import AnswerDraft, ApiToken, TaskLink
from models.tables.processing import ProcessingLogEntry
from models.tables.referral import Referral
from models.tables.region_fact import RegionFact, RegionFactStamp
from models.tables.registration import CaseRegistration
from models.tables.request import Representative, Request, RequestRight
from models.tables.statistics import StatisticsSnapshot
from models.tables.subject import DataSubject


__all__ = [
    "Account",
    "AccountRegion",
    "ActionEvent",
    "AnswerDraft",
    "ApiToken",
    "AuditEvent",
    "CaseRegistration",
    "ClockEvent",
    "ConsultationTask",
    "DataSubject",
    "Deliberation",
    "Disclosure",
    "IdentityCheck",
    "ItemAnswer",
    "ItemDecision",
    "KeyringEntry",
    "Letter",
    "LoginThrottle",
    "OutboxMessage",
    "Partner",
    "ProcessingLogEntry",
    "Referral",
    "Region",
    "RegionFact",
    "RegionFactStamp",
    "Representative",
    "Request",
    "RequestRight",
    "SourceTask",
    "StatisticsSnapshot",
    "TaskLink",
    "WebSession",
]

# The statistics' change counter rides on every ORM flush of every process that writes
# (models/statistics_cache.py); registered here because every writer imports the tables.
import models.statistics_cache  # noqa: E402,F401
