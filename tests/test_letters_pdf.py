"""PDF output (WeasyPrint): real rendering, no mocks."""

import pytest

from models.letters.render import render_document, render_html, render_pdf
from models.letters.samples import sample_context



@pytest.mark.parametrize(
    "kind, region_id",
    [("ontvangstbevestiging", "utrecht"), ("besluit_correctie", "rotterdam-rijnmond"), ("doorzending", "hollands-midden")],
)
def test_pdf_is_a_pdf_with_pages(kind, region_id, regions):
    html = render_html(kind, sample_context(kind, regions[region_id]))
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert len(render_document(html).pages) >= 1


def test_inzage_reply_puts_the_copy_on_its_own_pages(regions):
    html = render_html("inzage_besluit", sample_context("inzage_besluit", regions["fryslan"]))
    document = render_document(html)
    assert len(document.pages) >= 2
    assert render_pdf(html).startswith(b"%PDF-")
    # The annex has "break-before: page": the letter and the copy never share a page.
    annex_pages = [i for i, page in enumerate(document.pages) if "annex" in page.anchors]
    signature_pages = [i for i, page in enumerate(document.pages) if "signature" in page.anchors]
    assert len(annex_pages) == 1 and len(signature_pages) == 1
    assert annex_pages[0] > signature_pages[0]
    # The annex heading is a PDF bookmark, so a reader can jump to the copy.
    labels = [b[1] for page in document.pages for b in page.bookmarks]
    assert "Bijlage: Kopie van uw gegevens" in labels


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF with its compressed streams opened (an embedded file is a compressed stream)."""
    import re
    import zlib

    out = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            out.append(zlib.decompress(stream))
        except zlib.error:
            pass
    return b"".join(out)


def test_an_edited_draft_cannot_pull_a_server_file_into_the_letter(tmp_path, regions):
    """A draft's HTML is edited by people (issue 13: injection through a letter edit): a
    ``file://`` attachment, image or stylesheet outside the letter templates, or a remote
    URL, is left out of the PDF; the letter's own look still renders."""
    secret = tmp_path / "secret.key"
    secret.write_text("GEHEIME-SLEUTEL-VOOR-DE-TEST")
    html = render_html("ontvangstbevestiging", sample_context("ontvangstbevestiging", regions["utrecht"]))
    planted = (f'<link rel="attachment" href="file://{secret}"><link rel="stylesheet" href="file://{secret}">'
               f'<img src="file://{secret}"><img src="http://127.0.0.1:9/x.png"><a rel="attachment" '
               f'href="../../../../../../..{secret}">bijlage</a>')
    pdf = render_pdf(html.replace("</body>", planted + "</body>", 1))
    opened = _pdf_text(pdf)
    assert b"GEHEIME-SLEUTEL" not in opened and b"/EmbeddedFile" not in opened
    assert len(render_document(html).pages) >= 1
