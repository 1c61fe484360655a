"""Slide layout for the decks: a 16:9 presentation with a simple master (footer with the data
date and the slide number on every slide), titles, text in columns split over as many slides
as it needs, tables, native PowerPoint charts with their data attached, pictures.

Nothing here knows about Sichere Häfen: ``publish.deck`` decides what is said, this module only
how it looks. Every text it writes has an explicit size of at least ``MIN_PT`` (charts too:
title, axes, data labels and legend), so a projected slide stays readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.oxml.ns import qn
from pptx.oxml.shapes.autoshape import CT_Shape
from pptx.util import Emu, Inches, Pt

#: 16:9 at PowerPoint's default widescreen size (13,333 × 7,5 in).
SLIDE_WIDTH = Emu(12_192_000)
SLIDE_HEIGHT = Emu(6_858_000)
MARGIN = Inches(0.6)
BODY_TOP = Inches(1.35)
FOOTER_TOP = SLIDE_HEIGHT - Inches(0.5)
BODY_BOTTOM = FOOTER_TOP - Inches(0.1)
BODY_WIDTH = SLIDE_WIDTH - 2 * MARGIN
#: The smallest text on any slide, in points (also the chart labels).
MIN_PT = 14
TEXT_PT = 18
TITLE_PT = 30
#: Lines of ``MIN_PT``-text one column of the body holds (line height 1,2 plus spacing).
LINES_PER_COLUMN = 17
TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5
GREY = RGBColor(0x55, 0x55, 0x55)
#: Bar colours (Okabe–Ito, as the HTML figures): the others, the highlighted one, further series.
BAR = RGBColor(0x56, 0xB4, 0xE9)
HIGHLIGHT = RGBColor(0xD5, 0x5E, 0x00)
SERIES = (
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
)
#: Whole numbers with German separators in every viewer (the locale tag 407 = de-DE).
WHOLE = "[$-407]#,##0"


def number_format(decimals: int) -> str:
    """A chart number format with ``decimals`` places, German separators."""
    return WHOLE + ("." + "0" * decimals if decimals else "")


def presentation(title: str) -> Presentation:
    """An empty 16:9 presentation in German."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    prs.core_properties.title = title
    prs.core_properties.language = "de-DE"
    return prs


def _size(runs_of, size: int, colour: RGBColor | None = None, bold: bool | None = None) -> None:
    for para in runs_of.paragraphs:
        para.font.size = Pt(size)
        for run in para.runs:
            run.font.size = Pt(size)
            if colour is not None:
                run.font.color.rgb = colour
            if bold is not None:
                run.font.bold = bold


def master_footer(prs: Presentation, text: str) -> None:
    """The footer of the master, so every slide shows it: ``text`` left, "Folie <n>" right
    (a slide-number field, renumbered by PowerPoint and LibreOffice when slides move)."""
    master = prs.slide_master
    tree = master.shapes._spTree
    width = BODY_WIDTH - Inches(1.6)
    left_box = CT_Shape.new_textbox_sp(900, "Fußzeile", MARGIN, FOOTER_TOP, width, Inches(0.4))
    tree.append(left_box)
    right = CT_Shape.new_textbox_sp(
        901, "Foliennummer", MARGIN + width, FOOTER_TOP, Inches(1.6), Inches(0.4)
    )
    tree.append(right)
    shapes = {shape.name: shape for shape in master.shapes}
    footer = shapes["Fußzeile"].text_frame
    footer.text = text
    _size(footer, MIN_PT, GREY)
    number = shapes["Foliennummer"].text_frame
    para = number.paragraphs[0]
    para.alignment = 3  # right
    para.text = "Folie "
    field = etree.SubElement(para._p, qn("a:fld"), id="{5C7A2A40-7D1B-4F3C-9D83-3A8E5F0B0D11}")
    field.set("type", "slidenum")
    props = etree.SubElement(field, qn("a:rPr"), lang="de-DE", sz=str(MIN_PT * 100))
    etree.SubElement(etree.SubElement(props, qn("a:solidFill")), qn("a:srgbClr"), val="555555")
    etree.SubElement(field, qn("a:t")).text = "‹#›"
    _size(number, MIN_PT, GREY)


def title_slide(prs: Presentation, title: str, lines: Sequence[str]) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    head, sub = slide.placeholders[0], slide.placeholders[1]
    head.left, head.top, head.width, head.height = MARGIN, Inches(1.8), BODY_WIDTH, Inches(1.6)
    head.text = title
    _size(head.text_frame, 40, bold=True)
    sub.left, sub.top, sub.width, sub.height = MARGIN, Inches(3.7), BODY_WIDTH, Inches(2.2)
    frame = sub.text_frame
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = line
    _size(frame, 22)


def slide(prs: Presentation, title: str):
    """A slide of the title-only layout with its title (an outline reader finds it)."""
    new = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    head = new.shapes.title
    head.left, head.top = MARGIN, Inches(0.3)
    head.width, head.height = BODY_WIDTH, Inches(0.95)
    head.text = title
    head.text_frame.word_wrap = True
    _size(head.text_frame, TITLE_PT, bold=True)
    return new


def text(slide_, left, top, width, height, lines: Sequence[str], size: int = TEXT_PT, colour=None):
    """A text box; every line a paragraph of ``size`` points (at least ``MIN_PT``)."""
    box = slide_.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = line
        para.space_after = Pt(size * 0.3)
    _size(frame, max(size, MIN_PT), colour)
    return box


def side_text(slide_, right_of: int, lines: Sequence[str]):
    """``MIN_PT``-text beside a chart or map ending at ``right_of``, to the right margin."""
    left = right_of + Inches(0.2)
    width = SLIDE_WIDTH - MARGIN - left
    return text(slide_, left, BODY_TOP, width, BODY_BOTTOM - BODY_TOP, lines, MIN_PT)


def _line_count(line: str, chars: int) -> int:
    """Lines a paragraph takes in a column ``chars`` characters wide."""
    return max(1, -(-len(line) // chars))


def pages(lines: Sequence[str], columns: int, chars: int, per_column: int = LINES_PER_COLUMN):
    """``lines`` split into slides of ``columns`` columns (each a list of lines), a paragraph
    never split; ``chars`` is how many characters one column line holds."""
    out: list[list[list[str]]] = []
    page: list[list[str]] = [[]]
    used = 0
    for line in lines:
        need = _line_count(line, chars)
        if used + need > per_column and page[-1]:
            if len(page) == columns:
                out.append(page)
                page = []
            page.append([])
            used = 0
        page[-1].append(line)
        used += need
    if page[-1]:
        out.append(page)
    return out


def column_slides(
    prs: Presentation, title: str, lines: Sequence[str], columns: int = 2, size: int = MIN_PT
):
    """``lines`` in ``columns`` columns of ``size``-point text, on as many slides as they need
    ("(2/3)" in the title of each when more than one)."""
    gap = Inches(0.3)
    width = (BODY_WIDTH - gap * (columns - 1)) // columns
    size = max(size, MIN_PT)
    split = pages(lines, columns, _chars(width, size), LINES_PER_COLUMN * MIN_PT // size)
    made = []
    for n, page in enumerate(split, 1):
        shown = f"{title} ({n}/{len(split)})" if len(split) > 1 else title
        new = slide(prs, shown)
        for i, column in enumerate(page):
            left = MARGIN + i * (width + gap)
            text(new, left, BODY_TOP, width, BODY_BOTTOM - BODY_TOP, column, size)
        made.append(new)
    return made


def table(slide_, rows: Sequence[tuple[str, str]], first: int, size: int = TEXT_PT, top=BODY_TOP):
    """A two-column table (header row first), the first column ``first`` EMU wide."""
    height = Inches(0.42) * len(rows)
    shape = slide_.shapes.add_table(len(rows), 2, MARGIN, top, BODY_WIDTH, height)
    grid = shape.table
    grid.columns[0].width = first
    grid.columns[1].width = BODY_WIDTH - first
    for i, pair in enumerate(rows):
        for j, value in enumerate(pair):
            cell = grid.cell(i, j)
            cell.text = value
            _size(cell.text_frame, max(size, MIN_PT))
    return shape


def _chars(width: int, size: int) -> int:
    """Characters of ``size``-point text one line ``width`` EMU wide holds (average glyph
    about 0,53 em)."""
    return int(width / Pt(size) * 1.9)


def table_slides(
    prs: Presentation,
    title: str,
    header: tuple[str, str],
    rows: Sequence[tuple[str, str]],
    first: int,
    size: int = 16,
    lines_per_slide: int = 15,
):
    """Two-column tables of ``size``-point text, as many rows on a slide as fit (a row never
    split), "(1/2)" in the titles when they need more than one."""
    chars = (_chars(first, size), _chars(BODY_WIDTH - first, size))
    heights = [max(_line_count(k, chars[0]), _line_count(v, chars[1])) for k, v in rows]
    parts: list[list[tuple[str, str]]] = [[]]
    used = 1  # the header
    for row, height in zip(rows, heights, strict=True):
        if used + height > lines_per_slide and parts[-1]:
            parts.append([])
            used = 1
        parts[-1].append(row)
        used += height
    for n, part in enumerate(parts, 1):
        new = slide(prs, f"{title} ({n}/{len(parts)})" if len(parts) > 1 else title)
        table(new, [header, *part], first, size)


def _chart_fonts(chart, size: int = MIN_PT) -> None:
    """Every text of the chart at ``size``: the chart default, title, axes, legend, labels."""
    chart.font.size = Pt(size)
    if chart.has_title:
        _size(chart.chart_title.text_frame, size + 2, bold=True)
    for axis in _axes(chart):
        axis.tick_labels.font.size = Pt(size)
        if axis.has_title:
            _size(axis.axis_title.text_frame, size)
    if chart.has_legend:
        chart.legend.font.size = Pt(size)
    for plot in chart.plots:
        if plot.has_data_labels:
            plot.data_labels.font.size = Pt(size)


def _axes(chart) -> list:
    found = []
    for name in ("category_axis", "value_axis"):
        try:
            found.append(getattr(chart, name))
        except ValueError:  # a chart type without this axis
            continue
    return found


def bar_chart(
    slide_,
    box: tuple[int, int, int, int],
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    number_format: str = WHOLE,
    horizontal: bool = True,
    highlight: int | None = None,
    axis_title: str | None = None,
):
    """A native clustered bar chart (data editable in PowerPoint): one value per category and
    series, ``None`` where unknown (no bar, never 0). ``highlight`` colours one category of a
    single series."""
    data = CategoryChartData(number_format=number_format)
    data.categories = list(categories)
    for name, values in series:
        data.add_series(name, list(values))
    kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    chart = slide_.shapes.add_chart(kind, *box, data).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = title
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.gap_width = 40
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = number_format, False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    for i, one in enumerate(plot.series):
        one.format.fill.solid()
        one.format.fill.fore_color.rgb = BAR if len(series) == 1 else SERIES[i % len(SERIES)]
        one.invert_if_negative = False
    if highlight is not None:
        point = plot.series[0].points[highlight]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = HIGHLIGHT
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.tick_labels.number_format = number_format
    value_axis.tick_labels.number_format_is_linked = False
    if axis_title:
        value_axis.has_title = True
        value_axis.axis_title.text_frame.text = axis_title
    value_axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE  # the data labels say it
    if horizontal:
        chart.category_axis.reverse_order = True  # first category on top, as read
    axis = chart.category_axis._element  # every category named (no label skipped)
    axis.find(qn("c:noMultiLvlLbl")).addprevious(etree.Element(qn("c:tickLblSkip"), val="1"))
    _chart_fonts(chart)
    return chart


def line_chart(
    slide_,
    box: tuple[int, int, int, int],
    categories: Sequence[object],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    category_format: str = "yyyy",
):
    """A native line chart over months (``categories``: dates), one line per series, the axis
    labelled once a year."""
    data = CategoryChartData(number_format=WHOLE)
    data.categories = list(categories)
    data.categories.number_format = category_format
    for name, values in series:
        data.add_series(name, list(values))
    chart = slide_.shapes.add_chart(XL_CHART_TYPE.LINE, *box, data).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = title
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    for i, one in enumerate(chart.plots[0].series):
        one.smooth = False
        one.format.line.color.rgb = SERIES[i % len(SERIES)]
        one.format.line.width = Pt(2.5)
        one.marker.style = XL_MARKER_STYLE.NONE
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.tick_labels.number_format = WHOLE
    chart.value_axis.tick_labels.number_format_is_linked = False
    axis = chart.category_axis._element  # a date axis: months, one label a year
    base = axis.find(qn("c:baseTimeUnit"))
    base.set("val", "months")
    base.addnext(etree.Element(qn("c:majorUnit"), val="1"))
    axis.find(qn("c:majorUnit")).addnext(etree.Element(qn("c:majorTimeUnit"), val="years"))
    _chart_fonts(chart)
    return chart


def picture(slide_, path: Path, left, top, width, height):
    """The image scaled to fit the box, aspect kept, centred in it."""
    pic = slide_.shapes.add_picture(str(path), left, top, width=width)
    if pic.height > height:
        pic.width = int(pic.width * height / pic.height)
        pic.height = height
    pic.left = int(left + (width - pic.width) / 2)
    pic.top = int(top + (height - pic.height) / 2)
    return pic


def notes(slide_, lines: Sequence[str]) -> None:
    slide_.notes_slide.notes_text_frame.text = "\n".join(lines)
