"""Forms: reading a submitted form, and what a form template needs to show it again.

Every page form follows one pattern (see ``web/pages/login.py``)::

    form = await read_form(request)                    # CSRF already checked (web/middleware.py)
    state = FormState.from_form(form, labels_of(MyInput))
    try:
        data = MyInput.model_validate(form.nested(lists=["types"]))  # checkbox groups are lists
    except ValidationError as exc:
        state.add_validation_error(exc)                # Dutch, per field (models/validation.py)
        return render(request, "my.html.j2", status_code=422, form=state)
    ...validate against the database, then write, then commit, then redirect (303)

and its template uses the macros of ``templates/web/_forms.html.j2``, which give every
field its label, the error next to it, the error summary with links to the fields, the
CSRF field and the values as typed. Bad input therefore returns the same form with
everything kept (except passwords) and nothing saved.

Field names are the input model's paths: ``subject.name``, ``items.0.correction``;
``nested()`` turns them into the nested data the model validates, and the Dutch errors of
``models.validation.field_errors`` come back under the same names.
"""
import re
from typing import Iterable, Optional
from urllib.parse import parse_qsl

from fastapi import HTTPException, Request
from pydantic import BaseModel, ValidationError

from models.validation import field_errors
from web.sessions import CSRF_FIELD

MAX_FIELDS = 1000
FORM_TYPE = "application/x-www-form-urlencoded"
# Messages of models.validation that read on after the field's name ("Naam mag niet leeg zijn").
_PREDICATES = ("mag ", "moet ", "is ", "ontbreekt", "heeft ")


class FormData:
    """A submitted form as typed: the (name, value) pairs in order, repeated names kept."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        self.pairs = [(k, v) for k, v in pairs if k != CSRF_FIELD]

    def get(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.pairs if k == name), default)

    def getlist(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def nested(self, lists: Iterable[str] = ()) -> dict:
        """Dotted names as nested data: ``a.b`` -> {"a": {"b": ...}}, ``items.0.x`` -> a list;
        a name given more than once, or named in ``lists`` (a group of checkboxes, where one
        ticked box is still a list), becomes a list of its values."""
        root: dict = {}
        as_list = set(lists)
        for name in dict.fromkeys(k for k, _ in self.pairs):
            values = self.getlist(name)
            parts = name.split(".")
            node = root
            for part in parts[:-1]:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    break
            else:
                node[parts[-1]] = values if len(values) > 1 or name in as_list else values[0]
        return _lists(root)


def _lists(node):
    """Dicts whose keys are all digits become lists, in index order."""
    if not isinstance(node, dict):
        return node
    node = {k: _lists(v) for k, v in node.items()}
    if node and all(k.isdigit() for k in node):
        return [node[k] for k in sorted(node, key=int)]
    return node


async def read_form(request: Request) -> FormData:
    """The body of a plain HTML form (``application/x-www-form-urlencoded``). Its size is
    bounded before it is read (web/middleware.py); anything else is refused (415/400)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise HTTPException(status_code=415)
    body = await request.body()
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(status_code=400) from None
    return FormData(pairs)


def labels_of(model: type[BaseModel]) -> dict[str, str]:
    """The labels of a model's fields, from each field's ``title``."""
    return {name: f.title for name, f in model.model_fields.items() if f.title}


def field_id(name: str) -> str:
    """A stable, valid HTML id for a field name (``items.0.text`` -> ``veld-items-0-text``)."""
    return "veld-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")


class FormState:
    """Values, errors and labels of one form, for the macros in templates/web/_forms.html.j2."""

    def __init__(self, values: Optional[dict[str, list[str]]] = None, labels: Optional[dict[str, str]] = None):
        self.values: dict[str, list[str]] = values or {}
        self.labels: dict[str, str] = dict(labels or {})
        self.errors: dict[str, str] = {}  # field name ("" for the form as a whole) -> message
        self.error_targets: dict[str, str] = {}  # a form-level error links to this field

    @classmethod
    def from_form(cls, form: FormData, labels: Optional[dict[str, str]] = None,
                  keep_out: Iterable[str] = ()) -> "FormState":
        """The state of a submitted form: every value kept, except the ``keep_out`` names
        (passwords are never sent back to the browser)."""
        values: dict[str, list[str]] = {}
        skip = set(keep_out)
        for name, value in form.pairs:
            if name not in skip:
                values.setdefault(name, []).append(value)
        return cls(values, labels)

    # ---- what the macros read

    def value(self, name: str, default: str = "") -> str:
        found = self.values.get(name)
        return found[0] if found else default

    def values_of(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def error(self, name: str) -> Optional[str]:
        return self.errors.get(name)

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    @staticmethod
    def field_id(name: str) -> str:
        return field_id(name)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    def summary(self) -> list[tuple[Optional[str], str]]:
        """(id of the field to jump to, message) for the error summary, in field order."""
        out = []
        for name, message in self.errors.items():
            target = name or self.error_targets.get(name)
            out.append((field_id(target) if target else None, message))
        return out

    # ---- adding errors

    def add_error(self, name: str, message: str, phrase: bool = True) -> None:
        """An error for a field (``name``), or for the whole form (``name=""``). With
        ``phrase`` the field's label is put in front ("Gebruikersnaam mag niet leeg zijn")."""
        if name in self.errors:
            return  # the first problem of a field is the one to fix first
        self.errors[name] = self._phrase(name, message) if phrase and name else _capital(message)

    def add_form_error(self, message: str, target: Optional[str] = None) -> None:
        """An error about the form as a whole, optionally linked to the field to fix."""
        self.errors[""] = _capital(message)
        if target:
            self.error_targets[""] = target

    def add_validation_error(self, exc: ValidationError) -> None:
        for name, message in field_errors(exc):
            self.add_error(name, message)

    def _phrase(self, name: str, message: str) -> str:
        label = self.label(name)
        if message.lower().startswith(label.lower() + " "):  # "BSN moet ...": the label is there already
            return _capital(message)
        if message.startswith(_PREDICATES):
            return f"{label} {message}"
        return f"{label}: {message}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
