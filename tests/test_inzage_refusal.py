"""Issue 18 point 1: a full refusal of inzage is an inzage decision with every item withheld.

Art. 41 lid 1 UAVG lets a controller set a right aside only "voor zover zulks noodzakelijk en
evenredig is": refusing the copy does not take away the overview of art. 15 lid 1 AVG (items
a-h). So the letter keeps a-h, lists every withheld part with its ground and explanation, and
has no copy annex."""
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from models.enums import RequestType
from models.letters import context as c
from models.letters.render import render_html
from models.letters.samples import sample_context
from tests.legaltools import advance, answer_all, decide, identify, letters, start, text
from tests.readability import MAX_WORDS, readability

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REGION_IDS = sorted(p.stem for p in (PROJECT_ROOT / "config" / "regions").glob("*.yaml"))
D = date.fromisoformat


def _all_withheld(region) -> c.InzageBesluitContext:
    sample = sample_context("inzage_besluit", region)
    withheld = list(sample.withheld) + [
        c.WithheldPart.from_ground(region, next(g.id for g in region.refusal_grounds if g.uavg == "i"),
                                   description=f"{i.category}, in casus {i.casus}",
                                   motivation="Dit gegeven gaat ook over een ander. Die persoon beschermen wij.",
                                   supplier=i.supplier)
        for i in sample.items
    ]
    return c.InzageBesluitContext(**{**dict(sample), "items": [], "withheld": withheld})


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_a_full_refusal_keeps_items_a_to_h_and_has_no_copy(region_id, regions):
    region = regions[region_id]
    ctx = _all_withheld(region)
    html = render_html("inzage_besluit", ctx)
    body = text(html)
    for item in "abcdefgh":
        assert f'id="item-{item}"' in html, item
    assert 'id="decision-none"' in html and "geen kopie" in body
    assert 'id="annex"' not in html and "Bijlage" not in body  # no copy, and no "Bijlage" line
    assert "artikel 41 lid 1 UAVG" in body and "artikel 15 lid 1 AVG" in body
    for part in ctx.withheld:  # every withheld part: what, ground, explanation, source
        assert part.description in body and part.ground_plain in body and part.motivation in body
    assert 'id="withheld-sources"' in html  # item g points to the source of each withheld part
    for cat in ctx.data_categories:  # item b: the withheld categories too
        assert cat.label in body
    longest, sentence = readability(html).longest
    assert longest <= MAX_WORDS, sentence


def test_an_inzage_decision_needs_something_shown_or_withheld(regions):
    sample = sample_context("inzage_besluit", regions["utrecht"])
    with pytest.raises(ValidationError, match="geen_gegevens"):
        c.InzageBesluitContext(**{**dict(sample), "items": [], "withheld": []})


def test_weigering_is_never_an_inzage_refusal(regions):
    sample = sample_context("weigering", regions["utrecht"])
    assert sample.request_type != RequestType.inzage
    with pytest.raises(ValidationError, match="inzage_besluit"):
        c.WeigeringContext(**{**dict(sample), "request_type": RequestType.inzage})
    render_html("weigering", sample)  # the standard refusal of a right the protocol lacks still renders


UTRECHT = {"bsn": "901234503", "name": "Fictieve Cliënt", "birth_date": "1987-06-12",
           "address": "Voorbeeldsingel 5, 3511 AA Utrecht"}
REGS = [
    {"casus": "VHRU-2025-1021", "partner": "reclassering-nederland", "category": "Justitiële begeleiding",
     "description": "Adviesrapport in een lopende strafzaak.", "supplied_on": D("2026-01-20")},
    {"casus": "VHRU-2025-1021", "partner": "samen-veilig-midden-nederland", "category": "Gegevens over het gezin",
     "description": "Melding van zorgen over de kinderen.", "supplied_on": D("2026-01-06")},
]


def test_a_refused_inzage_through_the_actions_is_an_inzage_decision(loaded):
    request_id, ids = start("utrecht", UTRECHT, REGS, ["inzage"], D("2026-03-04"))
    identify(request_id, "utrecht", D("2026-03-10"))
    explanation = "Dit rapport hoort bij uw strafzaak, die nog loopt. Daarom krijgt u het nu niet."
    answer_all(request_id, D("2026-03-17"), {
        ids[0]: {"withhold": True, "withhold_ground": "b", "explanation": explanation, "note": "lopend"},
        ids[1]: {"withhold": True, "withhold_ground": "b", "explanation": explanation, "note": "lopend"},
    })
    decide(request_id, "utrecht", D("2026-03-23"), [{
        "type": "inzage", "outcome": "refused", "ground": "b",
        "motivation": "Er loopt een strafrechtelijk onderzoek. Verstrekking nu kan dat onderzoek schaden."}])
    advance(request_id, D("2026-03-23"))
    found = letters(request_id)
    assert found["reply:inzage"].kind == "inzage_besluit"
    assert not any(letter.kind == "weigering" for letter in found.values())
    body = text(found["reply:inzage"].html)
    assert "a. Waarvoor gebruiken wij" in body and "h. Neemt een computer" in body
    assert "Justitiële begeleiding" in body and "Gegevens over het gezin" in body  # item b, withheld too
    assert "Adviesrapport" not in body and "Melding van zorgen" not in body  # never the content
    assert 'id="annex"' not in found["reply:inzage"].html
