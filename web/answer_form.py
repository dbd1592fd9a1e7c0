"""The answer form of a consultation task in HTML terms: from the submitted form to the
``AnswerForm`` the portal and the API share (models/partner_answers.py), and from a draft
or a refused form back to the values the page shows (web/forms.py ``FormState``).

The radio buttons send "ja" or "nee" (what the item is: its code, "health" ...); a question
not answered sends nothing (None).
"""
from typing import Optional

from models import partner_answers
from models.partner_answers import AnswerForm, Problem
from models.portal import TaskView
from web.forms import FormData, FormState

CHOICES = ("supplied_by_us", "correct", "withhold")
_AS_BOOL = {"ja": True, "nee": False, "": None}


def data_of(form: FormData) -> dict:
    """The form as the nested data ``AnswerForm`` validates (without the button's value)."""
    data = form.nested()
    data.pop("actie", None)
    items = data.get("items")
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict):
                for name in CHOICES:
                    if name in item:
                        value = item[name]
                        item[name] = _AS_BOOL.get(value, value) if isinstance(value, str) else value
                if item.get("special_category") == "":
                    item["special_category"] = None  # not chosen: the organisation's default
    return data


def state_of(view: TaskView, draft: Optional[AnswerForm] = None) -> FormState:
    """An empty form for the task, or its draft (items in the page's order)."""
    values: dict[str, list[str]] = {}
    by_id = {i.registration_id: i for i in (draft.items if draft else [])}
    for n, reg in enumerate(view.registrations):
        values[f"items.{n}.registration_id"] = [str(reg.id)]
        item = by_id.get(reg.id)
        if item is None:
            continue
        for name, value in item.model_dump().items():
            if name == "registration_id" or value is None:
                continue
            values[f"items.{n}.{name}"] = ["ja" if value is True else "nee" if value is False else str(value)]
    if draft is not None:
        for name in ("answered_by", "note", "child_interest"):
            if getattr(draft, name):
                values[name] = [getattr(draft, name)]
    return FormState(values, partner_answers.labels(len(view.registrations)))


def add_problems(state: FormState, problems: list[Problem]) -> None:
    for problem in problems:
        state.add_error(problem.field, problem.message, phrase=not problem.sentence)
