"""Turning a refused input into Dutch a person can act on: which field, and what is wrong.

One place for every front end: the CLI prints ``one_line(exc)``; the web forms and the API
(later issues) show ``field_errors(exc)`` next to the fields. Messages name the field as the
input names it (``subject.name``, ``items.0.correction``) and never repeat the value that
was typed: a refused value may be personal data, and error lines end up in terminals,
logs and screenshots.
"""
from pydantic import ValidationError

# pydantic's error types, in Dutch. The context ({min_length}, {expected}, ...) comes
# from pydantic's own ``ctx``; anything not listed falls back to a generic line.
_MESSAGES = {
    "missing": "ontbreekt",
    "extra_forbidden": "is geen bekend veld",
    "string_type": "moet tekst zijn",
    "string_too_short": "mag niet leeg zijn",
    "string_too_long": "is te lang (hoogstens {max_length} tekens)",
    "string_pattern_mismatch": "heeft niet de goede vorm",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "bool_type": "moet true of false zijn",
    "bool_parsing": "moet true of false zijn",
    "date_type": "moet een datum zijn (JJJJ-MM-DD)",
    "date_parsing": "is geen datum (JJJJ-MM-DD)",
    "date_from_datetime_parsing": "is geen datum (JJJJ-MM-DD)",
    "date_from_datetime_inexact": "moet een datum zonder tijd zijn (JJJJ-MM-DD)",
    "enum": "is geen geldige waarde (kies uit: {expected})",
    "literal_error": "is geen geldige waarde (kies uit: {expected})",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet een object zijn",
    "model_type": "moet een object zijn",
    "model_attributes_type": "moet een object zijn",
    "too_short": "moet minstens {min_length} onderdeel/onderdelen hebben",
    "too_long": "mag hoogstens {max_length} onderdelen hebben",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than_equal": "mag hoogstens {le} zijn",
    "json_invalid": "is geen geldige JSON",
    "recursion_loop": "is te diep genest",
}


def _field(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def _message(error: dict) -> str:
    kind = error["type"]
    if kind == "value_error":  # our own validators: already Dutch
        return str(error["msg"]).removeprefix("Value error, ")
    template = _MESSAGES.get(kind)
    if template is None:
        return "is niet geldig"
    ctx = {k: str(v).replace("'", "") for k, v in (error.get("ctx") or {}).items()}
    if "expected" in ctx:  # pydantic lists the choices as "a, b or c"
        ctx["expected"] = ctx["expected"].replace(" or ", " of ")
    try:
        return template.format(**ctx)
    except KeyError:
        return template.split(" (")[0]


def field_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """Every problem as (field, Dutch message), in input order."""
    return messages(exc.errors(include_url=False))


def messages(errors, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """pydantic's error dicts as (field, Dutch message); location parts in ``skip`` (the
    API's "body", "query", "path") are left out of the field name."""
    out = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if loc and loc[0] in skip:
            loc = loc[1:]
        if error.get("type") == "json_invalid":
            loc = ()  # the position in the text, not a field
        out.append((_field(loc), _message(error)))
    return out


def one_line(exc: BaseException) -> str:
    """An exception from bad input as one Dutch line (the first problem, if several)."""
    if isinstance(exc, ValidationError):
        problems = field_errors(exc)
        field, message = problems[0]
        more = f" (en nog {len(problems) - 1} fout{'en' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        return f"{field}: {message}{more}" if field else f"{message}{more}"
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    return " ".join(text.split())  # one line, whatever the message held
