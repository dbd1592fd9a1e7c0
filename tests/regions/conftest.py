"""Shared helpers and fixtures for the per-region tests.

Each test module names its region in a module-level constant ``REGION_ID``; the fixtures
``config`` and ``seed_text`` load that region's file and its source document once per module.
The checks every region shares (loads and validates, source file exists, partner names occur
in the seed) are parametrized over all regions in tests/test_region_config.py.
"""
import re
import unicodedata
from pathlib import Path

import pytest

from models.enums import PartnerKind, Regime
from models.region_config import RegionConfig, load_region_file


def collapse(text: str) -> str:
    """NFC-normalised, whitespace collapsed to single spaces, stripped and case-folded.

    For "does this name / label occur in the source document": line breaks, indentation and
    capitals in the source do not matter, nor does the Unicode form of accented letters."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def assert_partner(config: RegionConfig, slug: str, name: str, kind: PartnerKind, regime: Regime) -> None:
    """The partner ``slug`` exists with exactly this name, kind and regime."""
    partner = config.partner(slug)
    assert (partner.name, partner.kind, partner.regime) == (name, kind, regime)


@pytest.fixture(scope="module")
def config(request, project_root: Path) -> RegionConfig:
    region_id = request.module.REGION_ID
    return load_region_file(project_root / "config" / "regions" / f"{region_id}.yaml")


@pytest.fixture(scope="module")
def seed_text(seeds_dir: Path, config: RegionConfig) -> str:
    return (seeds_dir / config.source.file).read_text(encoding="utf-8")
