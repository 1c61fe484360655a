"""What a report set hands out besides its pages, on the session's rendered set: the A4 PDF
(tagged, bookmarks, footer, alternative texts), the "Daten" links with their CSV and XLSX,
the citation line, the registry with its DCAT-AP.de catalogue, meetings.ics, ``latest/``,
"Was hat sich geändert", and the portal driven in headless Chromium with the network off."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import time

import pandas as pd
import pytest
from reportset import PREVIOUS_DAY

from haefen_analysis import datasets
from haefen_analysis.common.devtools import Browser, file_url
from haefen_analysis.errors import ExportError
from haefen_analysis.publish import html as publish_html
from haefen_analysis.publish import pdf, portal

pytestmark = pytest.mark.slow
#: poppler-utils reads the PDFs; `make test` installs it with the browser (CI: required).
POPPLER = pytest.mark.skipif(
    shutil.which("pdfinfo") is None and not os.environ.get("HAEFEN_REQUIRE_BROWSER"),
    reason="poppler-utils (pdfinfo) fehlt: scripts/ensure_libreoffice.sh installiert es",
)


def _poppler(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.fixture(scope="module")
def sh_pdf(reports, tmp_path_factory):
    """The SH report printed by the one PDF browser of this process, and what was too wide."""
    page = reports["day"] / "land-01.html"
    data, wide = pdf.print_page(page, "Landesbericht: Schleswig-Holstein", pdf.data_version())
    target = tmp_path_factory.mktemp("pdf") / "land-01.pdf"
    target.write_bytes(data)
    yield target, wide
    pdf.discard()  # the kept browser is not left running for the rest of the session


@pytest.mark.browser
@POPPLER
def test_sh_pdf_is_a4_tagged_german_with_bookmarks_and_footer(sh_pdf):
    path, wide = sh_pdf
    assert wide == []  # no element wider than the A4 text area
    info = _poppler("pdfinfo", str(path))
    assert "(A4)" in info and re.search(r"Tagged:\s+yes", info)
    assert re.search(r"Title:\s+Land: Schleswig-Holstein\n", info)  # the page title
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 2 <= pages <= 20
    raw = path.read_bytes()
    assert b"/Lang (de)" in raw and b"/Outlines" in raw
    assert b"/Title (Aufnahmen und Anrechnung)" in raw  # a bookmark from an h2
    text = _poppler("pdftotext", "-layout", str(path), "-")
    assert "Sichere Häfen in Schleswig-Holstein" in text
    assert "Aufnahmen als Sichere Häfen in Schleswig-Holstein: 18" in text
    assert f"Seite 1 von {pages}" in text and f"Seite {pages} von {pages}" in text
    assert "Bericht vom" in text and "Prüfsumme" in text  # report date and data version
    assert "Zitieren:" in text
    for toolbar in ("Graphen als PNG herunterladen", "Daten (Tabelle"):
        assert toolbar not in text  # no toolbars, no download links in print


@pytest.mark.browser
@POPPLER
def test_sh_pdf_figures_carry_their_alternative_text(sh_pdf):
    raw = sh_pdf[0].read_bytes()
    alts = []
    for value in re.findall(rb"/Alt\s*<([0-9A-Fa-f]+)>", raw):
        alts.append(bytes.fromhex(value.decode()).decode("utf-16"))
    assert any(
        a.startswith("Balkendiagramm „Sichere Häfen je Mio. Einwohner“: 16 Werte") for a in alts
    )
    assert any(a.startswith("Karte „Sichere Häfen in Schleswig-Holstein“") for a in alts)


@pytest.mark.browser
@POPPLER
def test_sh_pdf_pages_are_not_blank(sh_pdf, tmp_path):
    from PIL import Image

    _poppler("pdftoppm", "-r", "20", "-png", str(sh_pdf[0]), str(tmp_path / "p"))
    pages = sorted(tmp_path.glob("p-*.png"))
    assert pages
    for page in pages:
        grey = Image.open(page).convert("L")
        dark = sum(grey.histogram()[:200])  # pixels clearly darker than paper
        assert dark > 50, page.name


def test_figures_have_alternative_texts_from_their_data(reports):
    page = reports["html"]["land-01"]
    labels = re.findall(r'<div aria-label="([^"]*)" role="img">', page)
    assert len(labels) == page.count('class="plotly-graph-div"') >= 4
    assert all(re.match(r"(Karte|Balkendiagramm|Liniendiagramm|Abbildung)\b", a) for a in labels)
    captions = re.findall(r"<figcaption>Abbildung (\d+): ([^<]*)</figcaption>", page)
    assert [text for _, text in captions] == labels  # the caption says what the alt text says
    assert [int(n) for n, _ in captions] == list(range(1, len(labels) + 1))
    # the per-Land bar chart names the Länder with their numbers, as the per-Land table
    bars = next(a for a in labels if "je Mio. Einwohner" in a)
    assert bars.startswith("Balkendiagramm „Sichere Häfen je Mio. Einwohner“: 16 Werte")
    assert "Schleswig-Holstein 5,7" in bars and "niedrigster: Sachsen 0,2" in bars
    sh_map = next(a for a in labels if a.startswith("Karte „Sichere Häfen in Schleswig"))
    assert "Kiel" in sh_map and "Lübeck" in sh_map


def _data_links(page: str) -> list[str]:
    return re.findall(r'<a download="" href="(daten/[^"]+\.csv)">Daten</a>', page)


@pytest.mark.parametrize("name", ["land-01", "member-luebeck", "overview"])
def test_every_table_and_figure_has_its_data(reports, name):
    page, day = reports["html"][name], reports["day"]
    links = _data_links(page)
    tables = page.count('class="dataframe haefen"')
    figures = page.count('class="haefen-figure"')
    assert len(links) == tables + figures and figures >= 1
    assert len(set(links)) == len(links)
    for link in links:
        raw = (day / link).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
        header = raw[3:].decode("utf-8").splitlines()[0]
        assert ";" in header or len(header.split(",")) == 1
        assert not re.search(r"\b(member_id|share_percent|source|places)\b", header)
    sheets = pd.read_excel(day / f"{name}.xlsx", sheet_name=None)
    assert len(sheets) == len(links) + 1 and list(sheets)[-1] == "Quellen"
    assert len(sheets["Quellen"]) >= 1 and sheets["Quellen"]["Quelle"].notna().all()


def test_chart_data_hold_the_numbers_of_the_chart(reports):
    """The CSV behind the Länder bar chart of the SH report holds the chart's numbers."""
    day, page = reports["day"], reports["html"]["land-01"]
    found = {}
    for link in _data_links(page):
        frame = pd.read_csv(day / link, sep=";", encoding="utf-8-sig", dtype=str)
        if {"Kategorie", "Wert"} <= set(frame.columns) and "Bremen" in set(frame["Kategorie"]):
            found[link] = frame.set_index("Kategorie")["Wert"]
    assert found
    assert any(
        values.get("Schleswig-Holstein", "").startswith("5,6")
        or values.get("Schleswig-Holstein", "").startswith("5,7")
        for values in found.values()
    )


def test_citation_line_credits_the_providers(reports):
    text = reports["text"]["land-01"]
    line = text[text.index("Zitieren:") :][:1500]
    assert line.startswith("Zitieren: haefen-analysis, Land: Schleswig-Holstein, Bericht vom ")
    assert "Lizenz CC BY 4.0" in line
    assert (
        "© GeoBasis-DE / BKG (2020), VG250, Datenlizenz Deutschland – Namensnennung – Version 2.0"
        in line
    )
    assert "(www.govdata.de/dl-de/by-2-0), verändert" in line and "Destatis" in line


def test_registry_is_published_with_licence_and_dcat(reports):
    folder = reports["day"] / "register"
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    names = [r["name"] for r in package["resources"]]
    assert {"members", "offers", "admissions", "meetings"} <= set(names)
    assert "population" not in names  # Destatis' own tables are credited, not republished
    members = pd.read_csv(folder / "members.csv", dtype=str)
    assert len(members) == len(datasets.members(reports["data"]))
    book = pd.read_excel(folder / "haefen-register.xlsx", sheet_name=None)
    assert len(book) == len(names)
    ttl = (folder / "katalog.ttl").read_text(encoding="utf-8")
    catalogue = ttl[ttl.index("<#katalog> a dcat:Catalog") :].split("\n\n")[0]
    for prop in ("dct:title", "dct:description", "dct:publisher", "dcat:dataset"):
        assert prop in catalogue
    for name in names:
        dataset = ttl[ttl.index(f"<#{name}> a dcat:Dataset") :].split("\n\n")[0]
        assert "dct:title" in dataset and "dct:description" in dataset
        assert f"dcat:distribution <#{name}-csv>" in dataset
        dist = ttl[ttl.index(f"<#{name}-csv> a dcat:Distribution") :].split("\n\n")[0]
        assert (
            "dcat:accessURL <" in dist
            and (folder / re.search(r"accessURL <([^>]+)>", dist).group(1)).is_file()
        )
        assert "dct:license <http://dcat-ap.de/def/licenses/cc-by/4.0>" in dist
    licence = (folder / "LIZENZ.txt").read_text(encoding="utf-8")
    assert "Creative Commons Namensnennung 4.0 International (CC-BY-4.0)" in licence


def test_meetings_calendar_of_the_set(reports):
    raw = (reports["day"] / "meetings.ics").read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    text = raw.decode("utf-8").replace("\r\n ", "")  # unfolded
    meetings = datasets.meetings(reports["data"])
    assert text.count("BEGIN:VEVENT") == meetings["date"].notna().sum() >= 1
    assert text.count("DESCRIPTION:") == text.count("BEGIN:VEVENT")
    assert all("Quelle: " in line for line in text.splitlines() if line.startswith("DESCRIPTION"))


def test_latest_and_dated_sets(reports):
    out, day = reports["out"], reports["day"]
    latest = out / "latest"
    assert latest.is_symlink() and latest.resolve() == day.resolve()
    assert (latest / "index.html").is_file()
    folder = out / PREVIOUS_DAY
    previous = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    written = ["admissions.csv", "members.csv", "offers.csv"]
    assert previous == [
        "register",
        *(f"register/{n}" for n in written),
    ]  # an older set is never touched


def test_changes_since_the_previous_set(reports):
    index = (reports["day"] / "index.html").read_text(encoding="utf-8")
    assert "Was hat sich geändert" in index and "Seit dem Berichtssatz vom 01.01.2000" in index
    assert "Neu in den Daten: Kiel (Schleswig-Holstein)" in index
    assert re.search(r"Flensburg: Status [^<]+ → erklärt", index)
    assert "Neues Angebot: Lübeck, Zusage, 40 Plätze" in index
    kiel, luebeck = reports["text"]["member-kiel"], reports["text"]["member-luebeck"]
    assert "Was hat sich geändert" in kiel and "Neu in den Daten: Kiel" in kiel
    assert "Neues Angebot: Lübeck, Zusage, 40 Plätze" in luebeck
    assert (
        "Neu in den Daten: Kiel" not in luebeck
        and "Was hat sich" not in reports["text"]["member-bielefeld"]
    )  # nothing changed for Bielefeld
    land = reports["text"]["land-01"]
    assert "Neu in den Daten: Kiel" in land and "Flensburg: Status" in land
    assert "Neu in den Daten: Kiel" not in reports["text"]["land-05"]


def test_portal_groups_germany_laender_and_members(reports):
    index = (reports["day"] / "index.html").read_text(encoding="utf-8")
    groups = re.findall(r'<section class="gruppe" id="([^"]+)">', index)
    assert groups[0] == "deutschland" and groups[1] == "land-01"
    sh = index[index.index('id="land-01"') : index.index("</section>", index.index('id="land-01"'))]
    titles = re.findall(r'class="titel" href="[^"]+">([^<]+)</a>', sh)
    assert titles[0] == "Landesbericht Schleswig-Holstein"
    members = titles[1:]
    assert len(members) == 4 and members[0].startswith("Fehmarn [Klick]")  # the hostile name
    assert members[1:] == ["Flensburg", "Kiel", "Lübeck"]  # alphabetical
    assert "Sichere Häfen: 17" in sh and 'href="land-01.xlsx"' in sh
    technical = index[index.index("<details>") :]
    assert "Technisches" in technical and "land=01" in technical


def test_portal_links_a_deck_when_it_exists(reports, tmp_path):
    day = tmp_path / "2030-01-01"
    shutil.copytree(reports["day"], day, ignore=shutil.ignore_patterns("daten", "*.ipynb"))
    (day / "deck-SH.pptx").write_bytes(b"PK")
    (day / "deck-luebeck.pptx").write_bytes(b"PK")
    portal.refresh(day)
    index = (day / "index.html").read_text(encoding="utf-8")
    assert '<a href="deck-SH.pptx">Folien (PowerPoint)</a>' in index
    assert '<a href="deck-luebeck.pptx">' in index
    assert 'href="deck-DE.pptx"' not in index  # no Germany deck in this folder


def _wait_for_page(chrome: Browser, tab: str, name: str, within: float = 20.0) -> None:
    """Wait from outside the page until the tab shows ``name``, loaded: a wait inside the page
    that navigates away is cut off ("Inspected target navigated or closed")."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(ExportError):  # the old page went away during the call
            path, ready = chrome.evaluate(tab, "[location.pathname, document.readyState]")
            if path.endswith(name) and ready == "complete":
                return
        time.sleep(0.05)
    raise AssertionError(f"{name} nicht geladen nach {within:g} s")


def _figures_state(chrome: Browser, tab: str) -> dict:
    return chrome.evaluate(
        tab,
        "new Promise(done => { const end = Date.now() + 20000; (function check() {"
        " const g = [...document.querySelectorAll('.plotly-graph-div')];"
        " const drawn = g.filter(x => x.querySelector('.main-svg')).length;"
        " const missing = [...document.querySelectorAll('.figure-missing')]"
        "   .filter(m => m.offsetParent !== null).length;"
        " if ((drawn === g.length && g.length) || missing || Date.now() > end)"
        "   done({figures: g.length, drawn, missing, path: location.pathname});"
        " else setTimeout(check, 100); })(); })",
    )


@pytest.mark.browser
def test_portal_search_and_profile_in_the_browser_offline(reports):
    with Browser(offline=True) as chrome:
        tab = chrome.open_page()
        chrome.navigate(tab, file_url(reports["day"] / "index.html"))
        chrome.evaluate(tab, "document.getElementById('suche').focus()")
        for key in "Lü":  # two keystrokes
            chrome.call("Input.insertText", {"text": key}, tab)
        shown = chrome.evaluate(
            tab,
            "[...document.querySelectorAll('[data-suche]')].filter(r => !r.hidden)"
            ".map(r => r.querySelector('.titel').textContent)",
        )
        assert shown == ["Lübeck"]
        box = chrome.evaluate(
            tab,
            "(() => { const a = [...document.querySelectorAll('a.titel')]"
            ".find(a => a.textContent === 'Lübeck'); const r = a.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()",
        )
        for kind in ("mousePressed", "mouseReleased"):
            chrome.call(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1},
                tab,
            )
        _wait_for_page(chrome, tab, "member-luebeck.html")
        state = _figures_state(chrome, tab)
    assert state["path"].endswith("/member-luebeck.html")
    assert state["figures"] >= 1 and state["drawn"] == state["figures"] and state["missing"] == 0


@pytest.mark.browser
def test_shared_plotlyjs_missing_shows_a_german_message(reports, tmp_path):
    page = publish_html.share_plotlyjs(reports["html"]["member-luebeck"])
    assert 'src="plotly.min.js"' in page
    alone = tmp_path / "allein" / "member-luebeck.html"
    alone.parent.mkdir()
    alone.write_text(page, encoding="utf-8")
    beside = tmp_path / "satz" / "member-luebeck.html"
    beside.parent.mkdir()
    beside.write_text(page, encoding="utf-8")
    (beside.parent / publish_html.PLOTLYJS_NAME).write_text(publish_html.plotlyjs(), "utf-8")
    with Browser(offline=True) as chrome:
        tab = chrome.open_page()
        chrome.navigate(tab, file_url(alone))
        without = _figures_state(chrome, tab)
        message = chrome.evaluate(tab, "document.querySelector('.figure-missing').innerText")
        chrome.navigate(tab, file_url(beside))
        with_js = _figures_state(chrome, tab)
    assert without["drawn"] == 0 and without["missing"] == without["figures"] >= 1
    assert message.startswith("Abbildung nicht angezeigt: plotly.min.js fehlt")
    assert with_js["missing"] == 0 and with_js["drawn"] == with_js["figures"]


def test_reports_are_self_contained_by_default(reports):
    page = reports["html"]["member-luebeck"]
    assert 'src="plotly.min.js"' not in page and publish_html.plotlyjs()[:200] in page


@pytest.mark.browser
@POPPLER
def test_sh_pdf_no_heading_alone_at_the_foot_of_a_page(sh_pdf, reports):
    headings = {
        re.sub(r"<[^>]+>|¶", "", h).strip()
        for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", reports["html"]["land-01"], re.S)
    }
    assert "Aufnahmen und Anrechnung" in headings
    pages = int(re.search(r"Pages:\s+(\d+)", _poppler("pdfinfo", str(sh_pdf[0]))).group(1))
    above_footer = ["-x", "0", "-y", "0", "-W", "595", "-H", "785"]  # points; footer below
    for page in range(1, pages + 1):
        text = _poppler(
            "pdftotext", "-f", str(page), "-l", str(page), *above_footer, str(sh_pdf[0]), "-"
        )
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines and lines[-1] not in headings, (page, lines[-1:])
