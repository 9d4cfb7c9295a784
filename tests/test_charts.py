"""charts.py: what the chart promises a reader, checked on the drawn figure and its SVG."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from newsledger import charts
from newsledger.config import ChartConfig
from newsledger.report import Citation, FigureView, QuantityView

SVG = "{http://www.w3.org/2000/svg}"


def fig(i: int, value: float, day: str | None, source: str | None = "Health Ministry", qualifier: str = "exact",
        high: float | None = None, outlet: str = "Northern Wire", text: str | None = None) -> FigureView:
    return FigureView(i, text or f"{value:g}", value, high, qualifier, None, "people", "killed", source, None, None,
                      day, "q-1", 0, 3, Citation(f"art-{i}", outlet, day, None, f"https://x.test/{i}", "quote", 0, 5))


def quantity(*figs: FigureView, label: str = "people killed in Karsa") -> QuantityView:
    return QuantityView("q-1", label, None, "killed", None, len(figs), 1, 1, 0, 0, 0, None, None, list(figs))


def points(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "nl-points")
    return list(group.iter(f"{SVG}a"))


def centre(a: ET.Element) -> tuple[float, float]:
    c = a.find(f"{SVG}circle")
    assert c is not None
    return float(c.get("cx", "nan")), float(c.get("cy", "nan"))


def drawn(data: charts.ChartData) -> Any:
    return charts._draw(data, ChartConfig())


def artists(ax: Any, kind: str) -> list[Any]:
    """The lines drawn for one kind of mark ("line", "point", "span-bar", "arrow"...), one per source."""
    return [ln for ln in ax.lines if (ln.get_gid() or "").split(":")[0] == kind]


def xy(ax: Any, kind: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for ln in artists(ax, kind) for x, y in zip(*ln.get_data(), strict=True)]


def test_time_axis_spacing_is_proportional_to_days_and_names_the_year() -> None:
    q = quantity(fig(1, 10, "2032-02-09"), fig(2, 20, "2032-02-10"), fig(3, 30, "2032-02-12"))
    svg = charts.svg_inline(charts.chart_data(q))
    xs = [centre(a)[0] for a in points(svg)]
    assert len(xs) == 3
    one_day, two_days = xs[1] - xs[0], xs[2] - xs[1]
    assert one_day > 0 and two_days == pytest.approx(2 * one_day, rel=0.01)  # Feb 10 -> 12 is two days
    texts = [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert any("2032" in t for t in texts) and any("Feb" in t for t in texts)
    assert charts.X_TITLE in texts and "people killed" in texts  # axis titles with the unit


def test_a_line_joins_each_sources_figures_in_time() -> None:
    q = quantity(fig(1, 10, "2032-02-09"), fig(2, 30, "2032-02-12"), fig(3, 20, "2032-02-10"),
                 fig(4, 15, "2032-02-10", source="Governor"))
    ax = drawn(charts.chart_data(q)).ax
    lines = [list(zip(*ln.get_data(), strict=True)) for ln in artists(ax, "line")]
    assert sorted(len(ln) for ln in lines) == [1, 3]
    ministry = max(lines, key=len)
    assert [y for _, y in ministry] == [10, 20, 30]  # in day order, not in the order given
    assert [x for x, _ in ministry] == sorted(x for x, _ in ministry)


def test_open_range_is_clipped_at_the_top_with_an_arrow_and_does_not_stretch_the_axis() -> None:
    q = quantity(fig(1, 100, "2032-02-09"), fig(2, 120, "2032-02-10"),
                 fig(3, 200, "2032-02-12", qualifier="more_than", text="more than 200"))
    data = charts.chart_data(q)
    bottom, top = charts.y_limits(data)
    assert (bottom, top) == (0.0, pytest.approx(220.0))  # fits the stated 200, not an infinite or 3x range
    ax = drawn(data).ax
    assert ax.get_ylim()[1] == pytest.approx(220.0)
    arrows = artists(ax, "arrow")
    assert len(arrows) == 1 and not arrows[0].get_clip_on() and arrows[0].get_marker() == "^"
    assert [y for _, y in xy(ax, "arrow")] == [pytest.approx(top)]
    assert [y for _, y in xy(ax, "open_up-bar") if y == y] == [200, pytest.approx(top)]  # from 200 to the top
    # and the point itself stands at its stated floor, an upward triangle
    m = data.marks[-1]
    assert (m.shape, m.value, m.high) == ("open_up", 200.0, float("inf"))


def test_vague_amounts_and_ranges_are_bars_never_points_at_their_floor() -> None:
    q = quantity(fig(1, 412, "2032-02-09"), fig(2, 12, "2032-02-10", qualifier="vague", text="dozens"),
                 fig(3, 80, "2032-02-10", qualifier="range", high=250, text="80 to 250", source="Intelligence"))
    data = charts.chart_data(q)
    assert [m.shape for m in data.marks] == ["point", "span", "span"]
    ax = drawn(data).ax
    dots = [p for kind in ("point", "about", "open_up", "up_to") for p in xy(ax, kind)]
    assert [y for _, y in dots] == [412]  # no point at "dozens" = 12 or at the range's floor
    ys = [y for _, y in xy(ax, "span-bar") if y == y]  # NaN separates the bars
    assert sorted(zip(ys[::2], ys[1::2], strict=True)) == [(12.0, 120.0), (80.0, 250.0)]  # dozens: 12 to 120


def test_log_scale() -> None:
    q = quantity(fig(1, 9, "2025-03-09"), fig(2, 12_000, "2025-03-12"), fig(3, 0, "2025-03-12", source="Police"))
    linear, log = charts.chart_data(q, "linear"), charts.chart_data(q, "log")
    assert drawn(linear).ax.get_yscale() == "linear" and drawn(log).ax.get_yscale() == "log"
    lo, hi = charts.y_limits(log)
    assert 0 < lo < 9 and hi > 12_000
    # zero has no place on a log axis: listed with the reason, not dropped
    assert [f.id for f, _ in log.unplottable] == [3] and not linear.unplottable
    ys = [centre(a)[1] for a in points(charts.svg_inline(log))]
    assert len(ys) == 2
    with pytest.raises(ValueError, match="scale"):
        charts.chart_data(q, "cubic")


def test_csv_has_every_figure_with_its_allowed_range_and_no_formulas() -> None:
    q = quantity(fig(1, 100, "2032-02-09", source="=HYPERLINK(\"http://evil\")"),
                 fig(2, 200, "2032-02-12", qualifier="at_least", text="at least 200"),
                 fig(3, 50, None, text="fifty"))
    rows = list(csv.DictReader(io.StringIO(charts.csv_text(q))))
    assert [r["figure_id"] for r in rows] == ["1", "2", "3"]
    assert tuple(rows[0]) == charts.CSV_COLUMNS
    assert rows[0]["source"].startswith("'=")  # neutralised for spreadsheets
    assert rows[1]["allowed_low"] == "200.0" and rows[1]["allowed_high"] == "" and rows[1]["words"] == "at least 200"
    assert rows[2]["day"] == "" and rows[2]["as_reported"] == "50"  # the undated figure is there too
    assert rows[0]["url"] == "https://x.test/1" and rows[0]["outlet"] == "Northern Wire"


def test_svg_is_csp_safe_with_text_kept_as_text_and_ids_unique_per_chart() -> None:
    q = quantity(fig(1, 10, "2032-02-09"), fig(2, 20, "2032-02-10", source="Governor"))
    svg = charts.svg_inline(charts.chart_data(q))
    root = ET.fromstring(svg)
    assert "style=" not in svg and not list(root.iter(f"{SVG}style")) and "<style" not in svg
    assert all("style" not in el.attrib for el in root.iter())
    assert list(root.iter(f"{SVG}text"))  # svg.fonttype none: real text, not glyph paths
    assert any(el.get("font-size") for el in root.iter(f"{SVG}text"))  # presentation attributes instead
    assert root.get("role") == "group" and root.get("aria-labelledby") == "chart-cap-q-1"
    other = QuantityView("q-2", "people injured", None, "injured", None, 2, 1, 1, 0, 0, 0, None, None, q.figures)
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    ids2 = {el.get("id") for el in ET.fromstring(charts.svg_inline(charts.chart_data(other))).iter() if el.get("id")}
    assert ids and not ids & ids2  # two charts on one page (the brief) share no id
    refs = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))
    assert refs and refs <= ids  # every internal reference follows the prefixed ids


def test_each_point_is_a_link_to_its_words_with_a_label() -> None:
    q = quantity(fig(1, 200, "2032-02-12", qualifier="more_than", text="more than 200", outlet="Daily Post"),
                 fig(2, 150, "2032-02-11", source=None))
    links = points(charts.svg_inline(charts.chart_data(q)))
    assert [a.get("href") for a in links] == ["/articles/art-2#fig-2", "/articles/art-1#fig-1"]  # day order
    label = links[1].get("aria-label")
    assert label == f"Health Ministry: {q.figures[0].display} people killed, 12 Feb 2032 (Daily Post)"
    title = links[1].find(f"{SVG}title")
    assert title is not None and title.text == label
    assert (links[0].get("aria-label") or "").startswith("the article itself: 150")


def test_undated_figures_are_listed_and_a_chart_without_dated_figures_is_empty() -> None:
    q = quantity(fig(1, 10, "2032-02-09"), fig(2, 40, None, text="forty"))
    view = charts.chart_view(q)
    assert [r["figure_id"] for r in view["undated"]] == [2] and view["undated"][0]["words"] == "forty"
    assert [r["figure_id"] for r in view["rows"]] == [1]
    assert len(points(view["svg"])) == 1
    only_undated = charts.chart_view(quantity(fig(2, 40, None)))
    assert only_undated["svg"] == "" and len(only_undated["undated"]) == 1


def test_sources_are_capped_and_the_cap_is_said() -> None:
    figs = [fig(i, 10 + i, f"2032-02-{1 + i % 9:02d}", source=f"Source {i % 10} with a very long official name"
                + (" indeed" if i % 10 == 0 else "")) for i in range(30)]
    figs += [fig(100, 99, "2032-02-05", source="Source 3 with a very long official name")]
    data = charts.chart_data(quantity(*figs), cfg=ChartConfig(max_sources=8))
    assert len(data.sources) == 8 and len(data.hidden_sources) == 2
    assert data.sources[0] == "Source 3 with a very long official name"  # most figures first
    assert {m.source for m in data.marks} == set(data.sources) and len(data.hidden) == 6
    svg = charts.svg_inline(data)
    texts = " ".join(t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text"))
    assert "The 8 sources with most figures; 2 more (6 figures) are listed, not drawn" in texts
    assert "indeed" in texts  # long names wrap onto another line, never cut


def test_downloads_are_deterministic_and_png_is_a_png() -> None:
    data = charts.chart_data(quantity(fig(1, 10, "2032-02-09"), fig(2, 20, "2032-02-10")))
    a, b = charts.svg_file(data), charts.svg_file(data)
    assert a == b and a.startswith("<?xml") and "<title>people killed in Karsa" in a and "<a " not in a
    assert charts.png(data).startswith(b"\x89PNG\r\n\x1a\n")


def test_narrow_variant_keeps_the_text_size() -> None:
    data = charts.chart_data(quantity(fig(1, 10, "2032-02-09"), fig(2, 20, "2032-02-10")))
    wide, narrow = (ET.fromstring(charts.svg_inline(data, narrow=n)) for n in (False, True))
    assert float(narrow.get("width", 0)) < float(wide.get("width", 0))
    sizes = {el.get("font-size") for el in narrow.iter(f"{SVG}text")} - {None}
    assert sizes and min(float(s.removesuffix("px")) for s in sizes if s) >= 12


@pytest.mark.parametrize(("label", "unit", "title"), [
    ("people killed in Tavrel", None, "people killed"),
    ("people turnout on 2031-02-15", None, "people turnout"),
    ("share of people killed", "percent", "percent (%)"),
    ("money (USD) aid", "USD", "US dollars"),
])
def test_y_title_is_the_unit(label: str, unit: str | None, title: str) -> None:
    assert charts.y_title(label, unit) == title


def test_fluid_svg_fits_its_container() -> None:
    data = charts.chart_data(quantity(fig(1, 10, "2032-02-09")))
    root = ET.fromstring(charts.svg_file(data, declaration=False, fluid=True))
    assert root.get("width") == "100%" and root.get("height") is None and root.get("viewBox")


def test_hostile_words_stay_text() -> None:
    """Source names and labels are article words: "$" is not mathtext, markup is escaped."""
    evil = '<script>alert(1)</script> $\\frac{$ & "x"'
    q = quantity(fig(1, 10, "2032-02-09", source=evil, outlet="<b>Evil</b>"), fig(2, 20, "2032-02-10"),
                 label="people killed in $Karsa$ <img src=x>")
    svg = charts.svg_inline(charts.chart_data(q))
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg
    root = ET.fromstring(svg)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert "people killed in $Karsa$ <img src=x>" in texts and any("$\\frac{$" in t for t in texts)
    assert any((a.get("aria-label") or "").startswith(evil) for a in points(svg))
    assert charts.png(charts.chart_data(q)).startswith(b"\x89PNG")


def test_threads_draw_at_once_with_the_same_result() -> None:
    """The server draws in worker threads: no pyplot state, matplotlib's rcParams set under a lock."""
    from concurrent.futures import ThreadPoolExecutor

    data = [charts.chart_data(quantity(fig(1, 10 * k, "2032-02-09"), fig(2, 20, "2032-02-10")), scale)
            for k in (1, 2) for scale in charts.SCALES]
    alone = [charts.svg_file(d) for d in data]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(charts.svg_file, data * 2))
    assert together == alone * 2


def test_a_stated_range_fits_the_axis_even_when_its_ends_are_tenfold() -> None:
    q = quantity(fig(1, 10, "2032-02-09", qualifier="range", high=100, text="between 10 and 100"),
                 fig(2, 20, "2032-02-10"), fig(3, 30, "2032-02-11", qualifier="vague", text="dozens"))
    assert charts.y_limits(charts.chart_data(q))[1] == pytest.approx(110.0)  # the range's 100; not dozens' 300
