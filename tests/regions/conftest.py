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


_ORGAN_PREFIX = re.compile(r"^(Het college van burgemeester en wethouders van |Het bestuur van (de )?|De |Het )")


def _loose(text: str) -> str:
    """:func:`collapse`, with hyphens as spaces ("Goeree-Overflakkee" = "Goeree Overflakkee")."""
    return collapse(text).replace("-", " ")


def assert_mandates(config: RegionConfig, seed_text: str, *, merged: dict[str, str] | None = None,
                    named_in_seed: dict[str, str] | None = None, open_organs: tuple[str, ...] = ()) -> None:
    """Issue 18 point 2 against the seed: every bestuursorgaan partner under the AVG has a
    mandate whose organ is the organ that hears its bezwaar and is named in the seed; the seed
    records no mandaatbesluit, so the decree and its date stay ``unverified`` (to be confirmed
    by the region, docs/regions/<region>.md).

    ``merged``: slug -> the municipality it merged into (the seed names the old one, the
    partner's note the new one); ``named_in_seed``: slug -> how the seed writes the organ
    where it differs (an abbreviation); ``open_organs``: slugs whose organ is not fixed."""
    merged, named_in_seed = merged or {}, named_in_seed or {}
    seed = collapse(seed_text)
    assert "mandaatbesluit" not in seed  # nothing for the decree: the region confirms it
    organs = [p for p in config.partners if p.bestuursorgaan and p.regime == Regime.avg]
    assert organs
    for partner in organs:
        mandate = partner.mandate
        assert mandate is not None, partner.slug
        assert (mandate.decree, mandate.decided_on) == ("unverified", "unverified"), partner.slug
        if partner.slug in open_organs:
            assert mandate.organ == "unverified", partner.slug
            continue
        addressee = partner.bezwaar.addressee
        assert mandate.organ == addressee[:1].upper() + addressee[1:], partner.slug  # the same organ
        name = _ORGAN_PREFIX.sub("", mandate.organ)
        if partner.slug in merged:
            assert name == merged[partner.slug] and merged[partner.slug] in partner.bestuursorgaan_rule.note
            assert _loose(partner.name.removeprefix("Gemeente ")) in _loose(seed_text), partner.slug
        elif partner.slug in named_in_seed:
            assert named_in_seed[partner.slug] in seed_text, partner.slug
        else:
            assert _loose(name) in _loose(seed_text), (partner.slug, name)
    for partner in config.partners:
        if partner.mandate is not None:
            assert partner in organs, partner.slug  # no mandate for a private partner or police/OM


def assert_joint_body(config: RegionConfig, partner_slug: str | None) -> None:
    """The body for joint decisions is the partner ``partner_slug`` (its mandate signs them),
    or, for None, not chosen yet: ``unverified``, and no partner."""
    joint = config.joint_partner()
    if partner_slug is None:
        assert config.bezwaar.addressee == "unverified" and joint is None
        return
    assert joint is not None and joint.slug == partner_slug
    assert joint.bezwaar.addressee == config.bezwaar.addressee
    assert joint.mandate.organ == config.bezwaar.addressee[:1].upper() + config.bezwaar.addressee[1:]
