"""Golden files: one letter of each kind, for one region, exactly as rendered.

A change in a template, a sample or the region file shows up here as a diff to review.
After checking the diff, regenerate with:

    UPDATE_GOLDEN=1 PYTHONPATH=. python -m pytest -q tests/test_letters_golden.py

The inlined print stylesheet is left out of the comparison (layout is checked by the PDF
tests and by eye), so a CSS tweak does not touch fifteen golden files.
"""
import difflib
import os
import re
from pathlib import Path

import pytest

from models.letters import KINDS
from models.letters.render import render_html
from models.letters.samples import sample_context
from models.region_config import load_regions

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "letters"
GOLDEN_REGION = "rotterdam-rijnmond"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _without_style(html: str) -> str:
    return re.sub(r"<style>.*?</style>", "<style>/* templates/letters/print.css */</style>", html, flags=re.S)


@pytest.fixture(scope="module")
def region():
    return load_regions(PROJECT_ROOT / "config")[GOLDEN_REGION]


@pytest.mark.parametrize("kind", list(KINDS))
def test_letter_matches_golden_file(kind, region):
    actual = _without_style(render_html(kind, sample_context(kind, region)))
    path = GOLDEN_DIR / f"{kind}.html"
    if UPDATE:
        GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} ontbreekt: draai met UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                fromfile=f"golden/{kind}.html", tofile="rendered", n=2,
            )
        )
        pytest.fail(f"{kind} wijkt af van het golden file (UPDATE_GOLDEN=1 na controle):\n{diff[:4000]}")


def test_every_golden_file_belongs_to_a_kind():
    stale = {p.stem for p in GOLDEN_DIR.glob("*.html")} - set(KINDS)
    assert not stale, f"golden files zonder briefsoort: {sorted(stale)}"
