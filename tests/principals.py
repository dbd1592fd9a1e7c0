"""Principals for the tests of what people record (models/principal.py)."""
from models.enums import Role
from models.principal import Principal

#: A coordinator of every region, as the command line is.
TESTER = Principal(id="test", role=Role.coordinator, all_regions=True)
#: A signatory of every region: another person than TESTER (four eyes).
SIGNATORY = Principal(id="test-signatory", role=Role.signatory, all_regions=True)
