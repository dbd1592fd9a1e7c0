"""Issue 18 point 11: B1 and form. Plain names without "St.", no broken generated sentences,
no "(gratis)" after a number that costs money, short "Regels:" lines."""
import re

import pytest

from models.enums import RequestType
from models.letters import KINDS
from models.letters import context as c
from models.letters.context import ART19_TYPES
from models.letters.render import RIGHT_DECIDED, PLACEHOLDER, render_html
from models.letters.render import kort as render_kort
from models.letters.samples import sample_context
from models.region_config import plain_name, running_name
from tests.readability import cites, readability, reference_lines, running_text
from tests.legaltools import text as text_of



# ------------------------------------------------------------------ plain names


@pytest.mark.parametrize("name, plain, running", [
    ("St. Altrecht", "Altrecht", "Altrecht"),
    ("St. GGZ Drenthe", "GGZ Drenthe", "GGZ Drenthe"),
    ("st. Vaart Welzijn", "Vaart Welzijn", "Vaart Welzijn"),
    ("St. Sociale Teams Borger-Odoorn", "Sociale Teams Borger-Odoorn", "Sociale Teams Borger-Odoorn"),
    ("Stichting Halt", "Stichting Halt", "stichting Halt"),  # written out: a word, not an abbreviation
    ("Gemeente Assen", "Gemeente Assen", "gemeente Assen"),
    ("Stade BackUp Utrecht", "Stade BackUp Utrecht", "Stade BackUp Utrecht"),
    ("St Oedenrode", "St Oedenrode", "St Oedenrode"),  # no full stop: not the abbreviation
])
def test_plain_and_running_names(name, plain, running):
    assert plain_name(name) == plain
    assert running_name(name) == running


def test_every_st_partner_of_a_region_reads_plainly(regions):
    seen = 0
    for region in regions.values():
        for partner in region.partners:
            if re.match(r"[Ss]t\. ", partner.name):
                seen += 1
                assert not re.match(r"[Ss]t\.", partner.plain_name) and not re.match(r"[Ss]t\.", partner.display_name)
                assert partner.plain_name in partner.name
    assert seen >= 5  # Drenthe names its foundations "St. ..."


def test_a_supplier_named_st_is_plain_in_the_letter(regions):
    region = regions["drenthe"]
    supplier = next(p for p in region.partners if p.name.startswith("St. "))  # e.g. "St. GGZ Drenthe"
    ctx = sample_context("inzage_besluit", region)
    items = [item.model_copy(update={"supplier": supplier.name}) for item in ctx.items]
    withheld = [part.model_copy(update={"supplier": supplier.name}) for part in ctx.withheld]
    html = render_html("inzage_besluit", ctx.model_copy(update={"items": items, "withheld": withheld}))
    text = text_of(html.split("</style>", 1)[1])
    assert supplier.plain_name in text
    assert not re.search(r"\b[Ss]t\. [A-Z]", text), re.search(r".{30}\b[Ss]t\. [A-Z].{20}", text)


# ------------------------------------------------------------------ generated sentences


@pytest.mark.parametrize("rtype", sorted(ART19_TYPES, key=lambda t: t.value))
def test_the_notice_to_recipients_says_what_was_decided_in_a_whole_sentence(rtype, regions):
    region = regions["utrecht"]
    ctx = sample_context("kennisgeving_ontvangers", region).model_copy(update={"request_type": rtype})
    html = render_html("kennisgeving_ontvangers", ctx)
    text = text_of(html)
    assert "besloten wij tot" not in text
    assert f"op verzoek van deze persoon besloten {RIGHT_DECIDED[rtype]}." in text
    longest, sentence = readability(html).longest
    assert longest <= 25, sentence


def test_a_standard_refusal_names_the_right_in_words_and_cites_no_restriction_ground(regions):
    """The refusal of a right the protocol lacks is no art. 41 UAVG restriction: no raw type,
    no "artikel 23 lid 1 AVG", only the region's article."""
    region = regions["utrecht"]
    html = render_html("weigering", sample_context("weigering", region))
    text = text_of(html)
    assert "Uw verzoek om beperking van het gebruik van uw gegevens" in text
    assert not any("23 lid 1" in line or line.startswith("beperking") for line in reference_lines(html))
    assert cites(html, region.rights[RequestType.beperking].rule.article)


def test_the_law_wording_of_a_withheld_ground_is_on_its_own_line(regions):
    region = regions["rotterdam-rijnmond"]
    html = render_html("inzage_besluit", sample_context("inzage_besluit", region))
    ground = region.refusal_ground("rechten-van-anderen")
    assert f"In de wet: {ground.label}." in text_of(html)
    assert cites(html, f"{ground.law}; artikel 23 lid 1 AVG; {ground.rule.article}")
    assert not any(ground.label in line for line in reference_lines(html))


# ------------------------------------------------------------------ (gratis)


@pytest.mark.parametrize("kind", [k for k in KINDS if KINDS[k].recipient.value == "betrokkene"])
def test_no_free_of_charge_claim_after_a_phone_number(kind, regions):
    for region in regions.values():
        text = text_of(render_html(kind, sample_context(kind, region)))
        assert not re.search(r"\d[\d -]{6,}\s*\(gratis\)", text), kind
        if "Autoriteit Persoonsgegevens" in text and "Telefoon: 088" in text:
            assert "088 - 1805 250 (gratis)" not in text


# ------------------------------------------------------------------ Regels: lines


def test_kort_joins_the_articles_of_one_law():
    def kort(items):  # the line as a reader sees it (the filter returns escaped markup)
        return render_kort(items).unescape()

    assert kort(["art. 18.2 Privacyprotocol", "art. 19.4 Privacyprotocol"]) == "art. 18.2 en 19.4 Privacyprotocol"
    assert kort(["artikel 16, 17, 18 en 21 AVG", "art. 15 AVG"]) == "artikel 15, 16, 17, 18 en 21 AVG"
    assert kort(["art. 19.10 Privacyprotocol", "art. 19.2 Privacyprotocol"]) == "art. 19.2 en 19.10 Privacyprotocol"
    # a reference with a note or a "lid" stays as written; the same reference only once
    assert kort(["art. 16 AVG (aanvullende verklaring)", "artikel 12 lid 6 AVG", "artikel 12 lid 6 AVG"]) == \
        "art. 16 AVG (aanvullende verklaring); artikel 12 lid 6 AVG"
    # brackets and quotes are never split
    assert kort(["art. 3.2 (aanhef en onder d) Privacy Protocol", "art. 3.2 onder a Privacy Protocol"]) == \
        "art. 3.2 (aanhef en onder d) en 3.2 onder a Privacy Protocol"
    assert kort(['art. 20.1 ("af te schermen"), 20.3 Privacyprotocol']) == 'art. 20.1 ("af te schermen") en 20.3 Privacyprotocol'
    # paragraph signs of a convenant; "Addendum" is its own document
    assert kort(["§1.3 Samenwerkingsconvenant", "§1.1 Samenwerkingsconvenant", "art. 12 Addendum Samenwerkingsconvenant"]) \
        == "§1.1 en §1.3 Samenwerkingsconvenant; art. 12 Addendum Samenwerkingsconvenant"
    # a placeholder stays markup, every text is escaped once
    assert render_kort(["art. 1 AVG", PLACEHOLDER, 'a "b"']) == \
        'art. 1 AVG; <span class="unverified">[nog niet bekend]</span>; a &#34;b&#34;'


def test_the_national_model_is_named_once_and_short(regions):
    region = regions["hollands-midden"]
    for kind in KINDS:
        html = render_html(kind, sample_context(kind, region))
        for line in reference_lines(html):
            assert "het landelijke privacyprotocol voor veiligheidshuizen" not in line, (kind, line)
            assert "Integrale Veiligheid" not in line, (kind, line)
    # the letter's note says once which document "landelijk model" is
    note = text_of(render_html("ontvangstbevestiging", sample_context("ontvangstbevestiging", region)))
    assert "het landelijk model noemt, gaat het om het Privacy Protocol Integrale Veiligheid" in note


def test_item_e_cites_the_avg_rights_not_every_protocol_article(regions):
    for region in regions.values():
        html = render_html("inzage_besluit", sample_context("inzage_besluit", region))
        blocks = running_text(html)
        assert any("uw eigen verklaring bij het dossier te voegen" in b for b in blocks)
        assert cites(html, "artikel 16, 17, 18 en 21 AVG")


@pytest.mark.parametrize("kind", [k for k in KINDS if {"request_types", "other_request_types"} & set(KINDS[k].context.model_fields)])
def test_a_request_for_every_right_still_reads_in_short_sentences(kind, regions):
    """A sentence that lists the rights of the request ("uw verzoek om ...") stays under 25
    words, also for a request that asks for all of them (filter ``rechten``)."""
    for region in regions.values():
        ctx = sample_context(kind, region)
        field = "request_types" if "request_types" in type(ctx).model_fields else "other_request_types"
        every = [t for t in RequestType if t != RequestType.overdraagbaarheid or field == "request_types"]
        data = {**dict(ctx), field: every}
        if "deadlines" in data:  # one date per right asked for
            data["deadlines"] = [c.TypeDeadline(request_type=t, due=ctx.deadlines[0].due) for t in every]
        html = render_html(kind, type(ctx).model_validate(data))
        longest, sentence = readability(html).longest
        assert longest <= 25, (region.id, sentence)
