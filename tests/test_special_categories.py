"""Issue 18 point 8: special categories (art. 9 AVG) and criminal data (art. 10 AVG) are marked
by what the data are, not by a word in the category text. "Gegevens over zorg" from a GGZ
supplier ("Crisisopname van twee weken") is health data (art. 4 onder 15 AVG; recital 35: data
"collected in the course of ... the provision of, health care services"). The supplier's
answer says so per item; where it does not, the supplier's default holds (the region file's
``special_by_default``, else its kind)."""
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlmodel import select

from models.db import session_scope
from models.enums import PartnerKind, Regime, RequestType, SpecialCategory
from models.letters.categories import default_in, mark_of, strictest, supplier_default
from models.region_config import PartnerConfig
from models.tables import ItemAnswer
from tests.legaltools import advance, answer_all, decide, identify, letters, start, text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
D = date.fromisoformat


# ------------------------------------------------------------------ the marking, pure


def test_the_suppliers_kind_is_the_default_not_a_word_in_the_category():
    # No category text goes in at all: what the data are decides.
    assert mark_of(Regime.avg, PartnerKind.zorg) == "health"  # "Gegevens over zorg" from a GGZ
    assert mark_of(Regime.avg, PartnerKind.gemeente) is None  # "Gegevens over behandeling" from a gemeente
    assert mark_of(Regime.avg, PartnerKind.reclassering) == "criminal"
    assert mark_of(Regime.avg, PartnerKind.woningcorporatie) is None
    assert mark_of(Regime.wpg, PartnerKind.politie) == "criminal" and mark_of(Regime.wjsg, PartnerKind.om) == "criminal"


def test_the_partners_explicit_answer_wins_over_the_default():
    assert mark_of(Regime.avg, PartnerKind.zorg, special=SpecialCategory.none) is None  # "nee" from the GGZ
    assert mark_of(Regime.avg, PartnerKind.gemeente, special=SpecialCategory.health) == "health"  # "ja" from a gemeente
    assert mark_of(Regime.avg, PartnerKind.woningcorporatie, special=SpecialCategory.criminal) == "criminal"
    assert mark_of(Regime.avg, PartnerKind.jeugd, special=SpecialCategory.special) == "special"
    assert mark_of(Regime.avg, PartnerKind.reclassering, special=SpecialCategory.none) is None
    # and over the region's default for the supplier
    assert mark_of(Regime.avg, PartnerKind.overig, special=SpecialCategory.none,
                   default=SpecialCategory.criminal) is None
    # police and OM data stay criminal data, whatever is said
    assert mark_of(Regime.wpg, PartnerKind.politie, special=SpecialCategory.none) == "criminal"


def test_the_regions_default_for_a_supplier_wins_over_its_kind():
    assert mark_of(Regime.avg, PartnerKind.overig, default=SpecialCategory.criminal) == "criminal"
    assert mark_of(Regime.avg, PartnerKind.zorg, default=SpecialCategory.none) is None
    assert supplier_default(PartnerKind.jeugd) == SpecialCategory.none
    assert supplier_default(PartnerKind.jeugd, SpecialCategory.criminal) == SpecialCategory.criminal


def test_one_category_with_differently_marked_items_shows_the_strictest():
    assert strictest(None, "health") == "health"
    assert strictest("health", "criminal", None) == "criminal"
    assert strictest("special", "health") == "health"
    assert strictest(None, None) is None


def test_the_region_files_defaults(regions):
    hm, utrecht, drenthe = regions["hollands-midden"], regions["utrecht"], regions["drenthe"]
    # GGZ suppliers: health by their kind
    for region, slug in ((hm, "ggz-rivierduinen"), (utrecht, "altrecht"), (drenthe, "ggz-drenthe")):
        assert default_in(region, slug, region.partner(slug).kind) == SpecialCategory.health
    # a justitiële inrichting and Halt (art. 77e Sr): criminal, though filed as overig and jeugd
    for region, slug in ((hm, "dienst-justitiele-inrichtingen"), (hm, "stichting-halt"),
                         (utrecht, "dji-pi-nieuwegein"), (drenthe, "juvaid")):
        assert default_in(region, slug, region.partner(slug).kind) == SpecialCategory.criminal
    assert default_in(hm, "gemeente-leiden", PartnerKind.gemeente) == SpecialCategory.none
    # a partner no longer in the file: its kind
    assert default_in(hm, "weg-uit-het-bestand", PartnerKind.zorg) == SpecialCategory.health


def test_a_default_for_police_or_om_data_is_refused():
    base = {"slug": "politie-x", "name": "Politie X", "kind": "politie", "regime": "wpg", "unit": "Eenheid X",
            "bestuursorgaan": True, "bestuursorgaan_rule": {"article": "art. 1:1 Awb"}}
    PartnerConfig(**base)
    with pytest.raises(ValidationError, match="special_by_default belongs to a partner under the AVG only"):
        PartnerConfig(**base, special_by_default="none")
    with pytest.raises(ValidationError):
        PartnerConfig(**{**base, "regime": "avg", "kind": "zorg", "bestuursorgaan": False, "unit": None},
                      special_by_default="gezond")


# ------------------------------------------------------------------ the letter, through the actions


SUBJECT = {"bsn": "901234503", "name": "Fictieve Cliënt", "birth_date": "1987-06-12",
           "address": "Voorbeeldstraat 5, 2311 AA Leiden"}
REGS = [
    # the issue's case: no word in it says "health"
    {"casus": "VHHM-2024-0420", "partner": "ggz-rivierduinen", "category": "Gegevens over zorg",
     "description": "Crisisopname van twee weken (2024).", "supplied_on": D("2024-11-06")},
    # a word the old word list took for health, from a gemeente: not health data
    {"casus": "VHHM-2024-0420", "partner": "gemeente-leiden", "category": "Behandeling van uw aanvraag",
     "description": "Aanvraag schuldhulp ontvangen.", "supplied_on": D("2024-10-01")},
    # the woningcorporatie says it is criminal data; no word in the text shows it
    {"casus": "VHHM-2024-0420", "partner": "portaal", "category": "Meldingen van de verhuurder",
     "description": "Melding van een hennepkwekerij in de woning.", "supplied_on": D("2024-09-12")},
    # the GGZ says this one is no health data
    {"casus": "VHHM-2024-0420", "partner": "ggz-rivierduinen", "category": "Afspraken over contact",
     "description": "Contact loopt via de wijkagent.", "supplied_on": D("2024-11-07")},
    # withheld, still listed and marked (by the DJI's default)
    {"casus": "VHHM-2024-0420", "partner": "dienst-justitiele-inrichtingen", "category": "Verblijf",
     "description": "Verblijf in een inrichting in 2023.", "supplied_on": D("2024-08-01")},
]


def _item_b(body: str) -> str:
    return body.split("b. Welke soorten gegevens hebben wij over u?")[1].split("c. Aan wie")[0]


def test_item_b_marks_what_the_data_are(loaded):
    request_id, ids = start("hollands-midden", SUBJECT, REGS, ["inzage"], D("2026-03-04"))
    identify(request_id, "hollands-midden", D("2026-03-05"))
    answer_all(request_id, D("2026-03-12"), {
        ids[2]: {"special_category": "criminal"},
        ids[3]: {"special_category": "none"},
        ids[4]: {"withhold": True, "withhold_ground": "rechten-van-anderen", "explanation": "Dit gegeven gaat ook over een ander dan u. "
                 "Die persoon beschermen wij."},
    })
    with session_scope() as s:
        stored = {a.registration_id: a.special_category for a in s.exec(select(ItemAnswer))}
    assert stored == {ids[0]: None, ids[1]: None, ids[2]: "criminal", ids[3]: "none", ids[4]: None}
    decide(request_id, "hollands-midden", D("2026-03-19"), [{"type": "inzage", "outcome": "partly",
                                                             "motivation": "Eén gegeven gaat ook over een ander."}])
    advance(request_id, D("2026-03-19"))
    b = _item_b(text(letters(request_id)["reply:inzage"].html))
    assert "Gegevens over zorg (een bijzonder gegeven: over uw gezondheid)" in b
    assert "Behandeling van uw aanvraag (" not in b  # the word "behandeling" no longer decides
    assert "Meldingen van de verhuurder (een strafrechtelijk gegeven)" in b  # the partner's "ja"
    assert "Afspraken over contact (" not in b and "Afspraken over contact" in b  # the GGZ's "nee"
    assert "Verblijf (een strafrechtelijk gegeven). Dit deel krijgt u niet" in b  # withheld, listed and marked
    assert "Voor bijzondere en strafrechtelijke gegevens gelden strengere regels." in text(
        letters(request_id)["reply:inzage"].html)


def test_an_answer_about_an_item_the_partner_did_not_supply_says_nothing_about_it():
    from models.actions.answers import ItemAnswerInput

    with pytest.raises(ValidationError, match="zegt alleen de organisatie die het leverde"):
        ItemAnswerInput(registration_id=1, supplied_by_us=False, special_category="health")
    with pytest.raises(ValidationError):
        ItemAnswerInput(registration_id=1, special_category="gezondheid")
    assert ItemAnswerInput(registration_id=1, special_category="special").special_category == SpecialCategory.special


def test_the_issues_case_in_the_shipped_example(loaded):
    """Hollands Midden: "Crisisopname van twee weken" from GGZ Rivierduinen under "Gegevens over
    zorg" is health data by the supplier's kind; De Binnenvest (filed as zorg) says its night
    shelter stay is none of these, and its answer wins."""
    from flows import scenario as sc
    from flows.advance import advance_directly, sweep_directly

    played = sc.play(sc.load(PROJECT_ROOT / "examples" / "hollands-midden-inzage-verlenging.json"),
                     advance=advance_directly, sweep=sweep_directly)
    b = _item_b(text(letters(played["id"])["reply:inzage"].html))
    assert "Gegevens over zorg (een bijzonder gegeven: over uw gezondheid)" in b
    assert "Gegevens over wonen (" not in b and "Gegevens over wonen" in b
    assert "Gegevens over wonen en inkomen (" not in b  # the gemeente's: none by its kind
    assert "Gegevens over het gezin (" not in b and "Gegevens over het gezin. Dit deel krijgt u niet" in b
    assert "Gegevens van de politie (een strafrechtelijk gegeven)" in b


def test_the_consultation_letter_asks_what_each_item_is(regions):
    from models.letters.render import render_html
    from models.letters.samples import sample_context
    from tests.readability import MAX_WORDS, readability

    for region in regions.values():
        ctx = sample_context("consultatieverzoek", region)
        html = render_html("consultatieverzoek", ctx)
        assert "inzage" in [t.value for t in ctx.request_types]
        assert "Is een gegeven een bijzonder gegeven" in text(html)
        longest, sentence = readability(html).longest
        assert longest <= MAX_WORDS, sentence
        correction_only = type(ctx)(**{**dict(ctx), "request_types": [RequestType.correctie]})
        assert "bijzonder gegeven" not in text(render_html("consultatieverzoek", correction_only))
