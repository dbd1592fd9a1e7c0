"""What the API answers (its OpenAPI schemas): ids, dates and codes in English field names,
texts in Dutch. The inputs are the portal's own (models/partner_answers.py ``AnswerForm``,
models/portal.py ``ForwardForm``), so the API and the forms check the same things."""
from datetime import date, datetime
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from models.enums import SpecialCategory
from models.partner_answers import AnswerForm


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldError(_Out):
    field: str = Field(description="Het veld, als pad in de invoer: items.0.correction")
    message: str = Field(description="Wat er niet klopt, in het Nederlands (dezelfde tekst als in het formulier)")


class ErrorOut(_Out):
    detail: str = Field(description="Wat er misging, in het Nederlands")
    errors: list[FieldError] = Field(default_factory=list, description="Per veld wat er niet klopt (bij 422)")
    code: Optional[str] = Field(default=None, description="Bij 500: de foutcode voor de beheerder")


class TaskSummaryOut(_Out):
    id: str = Field(description="Het id van de vraag (gebruik het in /tasks/{task_id})")
    reference: str = Field(description="Het kenmerk van het verzoek")
    consultation_reference: str = Field(description="Het kenmerk van de vraag aan uw organisatie")
    request_types: list[str]
    created_on: date
    due_on: date = Field(description="Uw antwoord uiterlijk op")
    status: str = Field(description="open of answered")
    answered_on: Optional[date]
    reminded_on: Optional[date] = Field(description="Wanneer een herinnering ging")
    escalated_on: Optional[date] = Field(description="Wanneer de manager werd ingelicht (te laat)")
    overdue: bool
    has_draft: bool
    state: str = Field(description="De stand in het Nederlands")


class TaskListOut(_Out):
    tasks: list[TaskSummaryOut]


class StatementOut(_Out):
    request_type: str
    text: str


class PersonOut(_Out):
    name: str
    birth_date: Optional[date]


class ContactOut(_Out):
    organisation: str
    role: str
    name: Optional[str]
    phone: Optional[str]
    email: Optional[str]
    postal_address: list[str]


class RegistrationOut(_Out):
    id: int = Field(description="Gebruik dit als registration_id in het antwoord")
    number: int
    casus: str
    category: str
    description: str
    supplied_on: Optional[date]
    special_category_default: SpecialCategory = Field(
        description="Wat voor gegeven het is als u special_category niet invult: health, special, criminal of none "
                    "(zo noemt de brief aan de betrokkene het)")


class GroundOut(_Out):
    id: str = Field(description="Gebruik dit als withhold_ground")
    text: str


class SubmittedItemOut(_Out):
    registration_id: int
    supplied_by_us: bool
    correct: Optional[bool]
    correction: Optional[str]
    withhold: bool
    withhold_ground: Optional[str]
    explanation: Optional[str]
    note: Optional[str]
    special_category: Optional[SpecialCategory] = Field(
        description="Wat voor gegeven het is, zoals u antwoordde (leeg: wat bij uw organisatie past)")


class TaskOut(_Out):
    id: str
    reference: str
    consultation_reference: str
    request_types: list[str]
    statements: list[StatementOut] = Field(description="Wat de betrokkene in eigen woorden vraagt, per recht")
    inzage: bool = Field(description="Vraagt de betrokkene inzage (dan de vraag over achterhouden)")
    created_on: date
    due_on: date
    status: str
    answered_on: Optional[date]
    answered_by: Optional[str]
    reopen_reason: Optional[str] = Field(description="Waarom de procesregisseur het antwoord heropende")
    betrokkene: PersonOut
    contact: ContactOut
    registrations: list[RegistrationOut] = Field(description="Alleen de gegevens van uw eigen organisatie")
    refusal_grounds: list[GroundOut] = Field(description="De gronden van artikel 41 lid 1 UAVG van de regio")
    request_deadline: Optional[date]
    requester_capacity: Optional[str] = Field(
        default=None, description="Het verzoek komt van een vertegenwoordiger van de betrokkene, in deze hoedanigheid "
                                  "(bv. 'wettelijk vertegenwoordiger', 'gemachtigde'): schrijf de uitleg aan hem of haar")
    weigh_child: bool = Field(
        default=False, description="Een ouder of voogd vraagt voor een kind van 12 tot 16 jaar: weeg het eigen belang "
                                   "van het kind en zet die afweging in child_interest (artikel 41 lid 1 onder i UAVG)")
    child_age: Optional[int] = None
    child_interest: Optional[str] = Field(default=None, description="De verstuurde afweging van het belang van het kind")
    answer: list[SubmittedItemOut] = Field(description="Het verstuurde antwoord (leeg zolang de vraag open is)")
    draft: Optional[AnswerForm]
    draft_saved_at: Optional[datetime]


class DraftSavedOut(_Out):
    saved: bool = True
    detail: str


class AnswerSubmittedOut(_Out):
    reference: str
    status: str = "answered"
    repeated: bool = Field(description="Dit antwoord was al vastgelegd; er is niets dubbel vastgelegd")
    detail: str = Field(description="Wat er nu gebeurt")


class ForwardedOut(_Out):
    reference: str = Field(description="Het kenmerk van het verzoek bij het Zorg- en Veiligheidshuis")
    request_id: str
    received_on: date
    forwarded_on: date
    repeated: bool
