"""Letters to the betrokkene, partners, police/OM bodies, the manager and recipients.

- ``kinds``: the catalogue (id, title, recipient, decision, context model);
- ``context``: the pydantic contexts the flows fill (the contract with the templates);
- ``render``: Jinja2 (strict) to HTML, WeasyPrint to PDF;
- ``store``: draft -> approved -> sent, with the hash in the audit trail;
- ``samples``: realistic fictitious contexts for previews and tests.

See docs/letters.md.
"""
from models.letters import store as _store  # noqa: F401  (registers the frozen-letter guard)
from models.letters.kinds import KINDS, LetterKind, Recipient, UnknownKind, get_kind

__all__ = ["KINDS", "LetterKind", "Recipient", "UnknownKind", "get_kind"]
