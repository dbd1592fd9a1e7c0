"""Who does something: the principal every action is recorded for, and what it may touch.

The command line acts as a coordinator of every region (it runs on the server, as the
operator); the web app passes the logged-in user; the flows act as the system. An action
checks the principal against the request it acts on (``require``), so a partner user can
act only for its own organisation and a coordinator only in the regions of the account —
whatever route the call came by.
"""
from dataclasses import dataclass, field
from typing import Optional

from models.enums import Role


class NotAllowed(PermissionError):
    """The principal may not do this (a Dutch one-line message, no detail of the target)."""


@dataclass(frozen=True)
class Principal:
    id: str  # an account id, or a fixed name ("cli", "flow") for the system's own principals
    role: Role
    regions: frozenset[str] = field(default_factory=frozenset)  # empty with all_regions
    all_regions: bool = False
    partner_slug: Optional[str] = None  # partner users: the one organisation they act for

    @property
    def actor(self) -> str:
        """How the audit trail names this principal: role and id, never a person's name."""
        return f"{self.role.value}:{self.id}"

    def in_region(self, region_id: str) -> bool:
        return self.all_regions or region_id in self.regions

    def require_region(self, region_id: str) -> None:
        if not self.in_region(region_id):
            raise NotAllowed("geen toegang tot dit verzoek")

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise NotAllowed("dit mag u met uw rol niet doen")

    def require_partner(self, region_id: str, partner_slug: str) -> None:
        """A partner user acts only for its own organisation; others need the region."""
        self.require_region(region_id)
        if self.role == Role.partner and self.partner_slug != partner_slug:
            raise NotAllowed("geen toegang tot de taak van een andere organisatie")


#: The command line: the operator on the server, coordinator of every region.
CLI = Principal(id="cli", role=Role.coordinator, all_regions=True)
#: The command line approving replies (``request approve``; ``request send`` where the region
#: has no four eyes): the same operator, as a signatory. Four eyes compares the principal's id,
#: so the operator cannot approve what the operator wrote.
CLI_SIGNATORY = Principal(id="cli", role=Role.signatory, all_regions=True)
#: The scenario runner and the demo (docs/scenario.md): a coordinator of every region.
SCENARIO = Principal(id="scenario", role=Role.coordinator, all_regions=True)
#: The scenario's signatory: another person than its coordinator (four eyes).
SCENARIO_SIGNATORY = Principal(id="scenario-signatory", role=Role.signatory, all_regions=True)
#: The flows and the sweep.
SYSTEM = Principal(id="flow", role=Role.system, all_regions=True)
