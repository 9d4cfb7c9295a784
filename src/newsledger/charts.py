"""A quantity's reported figures over time, one line per source, drawn on the server with matplotlib.

Why matplotlib on the server rather than a JavaScript charting library: the page needs no script
(it works offline and under the app's strict Content-Security-Policy, with no ``eval``); the
output is deterministic, so tests check it in Python (axis limits, positions, links); and the
inlined SVG, the SVG and PNG downloads come from one code path. Only ``matplotlib.figure.Figure``
objects and the Agg/SVG canvases are used, never pyplot's global state; the few settings matplotlib
reads from its global ``rcParams`` at save time are set under a lock, so server threads can draw
at once.

What the chart promises a reader: a true time axis (days with the year, spaced by elapsed time);
axis titles with units; a labelled line per source joining its successive figures (the sources
with most figures when there are many, saying so); open ranges ("more than 200") drawn up to the
top of the plot with an arrow instead of stretching the axis; vague amounts ("hundreds") and
ranges ("between 80 and 250") drawn as ranges, never as points at their floor; an optional log
scale; and every point a keyboard-reachable link to the words it comes from. Figures without a day
are listed under the chart, never dropped silently.

The inlined SVG is made safe for the CSP: matplotlib's ``style="..."`` attributes become
presentation attributes and its ``<style>`` element is dropped; ids get a per-chart prefix so
several charts can share a page.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
import textwrap
import threading
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import matplotlib
import matplotlib.dates as mdates
from lxml import etree as ET
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, MaxNLocator, NullLocator

from .config import ChartConfig
from .quantities import interval
from .words import plural

if TYPE_CHECKING:
    from .report import FigureView, QuantityView

SCALES = ("linear", "log")
X_TITLE = "reported day (the day each figure is about)"
NO_SOURCE = "the article itself"
# colour-blind-safe (Okabe-Ito, its yellow swapped for a darker hue), dark enough on white
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#7A5B00", "#56B4E9", "#000000", "#E69F00",
           "#8C564B", "#6A3D9A")
KEY = "● as stated   ○ about   ▲ at least / more than (↑ open above)   ▼ up to   ┃ range or vague amount"
_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_PARSER = ET.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
_LOCK = threading.Lock()
_RC: dict[Any, Any] = {"svg.fonttype": "none", "text.parse_math": False, "svg.hashsalt": "newsledger", "svg.id": None,
       "font.family": ["DejaVu Sans", "sans-serif"]}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_words(d: date) -> str:
    """12 Feb 2032."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


@dataclass(frozen=True)
class Mark:
    """One figure placed on the chart: its day, the range of values its wording allows, and how
    it is drawn (``shape``: point, about, open_up, up_to or span)."""

    figure_id: int
    article_id: str
    outlet: str | None
    source: str
    day: date
    value: float
    low: float
    high: float  # math.inf for "at least" / "more than"
    shape: str
    display: str
    words: str
    qualifier: str = "exact"

    @property
    def href(self) -> str:
        """The figure in its article (the article page marks each figure with ``id="fig-N"``)."""
        return f"/articles/{quote(self.article_id, safe='')}#fig-{self.figure_id}"


@dataclass(frozen=True)
class ChartData:
    """What the chart shows and what it leaves out, ready to draw or to lay out as a table."""

    quantity_id: str
    title: str
    y_title: str
    scale: str
    marks: tuple[Mark, ...]  # drawn, oldest first
    sources: tuple[str, ...]  # drawn, most figures first
    hidden_sources: tuple[str, ...]  # past ChartConfig.max_sources: in the table, not drawn
    hidden: tuple[Mark, ...]
    undated: tuple[FigureView, ...]
    unplottable: tuple[tuple[FigureView, str], ...]  # dated, but not drawable (zero on a log scale)

    def label(self, m: Mark) -> str:
        """What a screen reader says for a point: "Health Ministry: more than 200 people killed,
        12 Feb 2032 (Northern Wire)"."""
        outlet = f" ({m.outlet})" if m.outlet else ""
        return f"{m.source}: {m.display} {self.y_title}, {day_words(m.day)}{outlet}"


def _shape(qualifier: str) -> str:
    return {"exact": "point", "approx": "about", "at_least": "open_up", "more_than": "open_up",
            "at_most": "up_to", "less_than": "up_to", "range": "span", "vague": "span"}.get(qualifier, "point")


def y_title(label: str, unit: str | None) -> str:
    """The unit a value is counted in: a money or percent unit, else the head of the quantity's
    label ("people killed in Tavrel on 2032-11-09" -> "people killed")."""
    named = {"percent": "percent (%)", "USD": "US dollars", "EUR": "euros", "GBP": "pounds sterling",
             "CHF": "Swiss francs"}.get(unit or "")
    if named:
        return named
    head = re.split(r" \(| in | on | at | of |, ", label, maxsplit=1)[0].strip()
    return head or label


def _day(s: str | None) -> date | None:
    try:
        return date.fromisoformat(s) if s else None
    except ValueError:
        return None


def chart_data(q: QuantityView, scale: str = "linear", cfg: ChartConfig | None = None) -> ChartData:
    """Place every figure of ``q``: dated ones become marks (the ``cfg.max_sources`` sources with
    most figures are drawn), the others are listed with the reason."""
    cfg = cfg or ChartConfig()
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {scale!r}")
    unit = y_title(q.label, q.unit)
    marks: list[Mark] = []
    undated: list[FigureView] = []
    unplottable: list[tuple[FigureView, str]] = []
    for f in q.figures:
        d = _day(f.event_date)
        if d is None:
            undated.append(f)
            continue
        lo, hi = interval(f.value, f.qualifier, f.value_high) or (f.value, f.value)
        shape = _shape(f.qualifier)
        if scale == "log" and (f.value <= 0 or (shape == "span" and lo <= 0)):
            unplottable.append((f, "zero or less cannot be drawn on a log scale"))
            continue
        if shape in ("point", "about", "up_to"):
            lo = hi = f.value  # "about 170" and "up to 20" are drawn at their stated number
        marks.append(Mark(f.id, f.citation.article_id, f.citation.outlet, f.source or NO_SOURCE, d, float(f.value),
                          float(lo), float(hi), shape, f.display, f.text, f.qualifier))
    marks.sort(key=lambda m: (m.day, m.figure_id))
    counts: dict[str, int] = {}
    for m in marks:
        counts[m.source] = counts.get(m.source, 0) + 1
    ranked = sorted(counts, key=lambda s: (-counts[s], s.lower()))
    shown = set(ranked[:cfg.max_sources])
    return ChartData(q.id, q.label, unit, scale, tuple(m for m in marks if m.source in shown),
                     tuple(ranked[:cfg.max_sources]), tuple(ranked[cfg.max_sources:]),
                     tuple(m for m in marks if m.source not in shown), tuple(undated), tuple(unplottable))


# ---------------------------------------------------------------- drawing


def y_limits(data: ChartData) -> tuple[float, float]:
    """The y-axis fits the stated numbers: every figure's value and both ends of an explicit range
    ("between 80 and 250"). The upper end implied by "more than" (none) or by a vague word
    ("hundreds": up to ten times) does not stretch it; such ranges are clipped with an arrow. Only
    a chart of vague amounts alone fits their implied ends."""
    marks = data.marks
    if not marks:
        return (0.0, 1.0)
    stated = [m.value for m in marks] + [m.high for m in marks if m.shape == "span" and m.high < math.inf
                                         and not _vague(m)]
    if all(_vague(m) for m in marks):
        stated += [m.high for m in marks]
    top = max(stated)
    if data.scale == "log":
        bottom = min(m.low if m.shape == "span" else m.value for m in marks)
        return (bottom / 1.6, top * 1.6) if top > bottom else (bottom / 3, top * 3)
    return (0.0, top * 1.1 if top > 0 else 1.0)


def _vague(m: Mark) -> bool:
    return m.qualifier == "vague"


def _anchor(m: Mark, top: float, scale: str) -> float:
    """Where a source's line passes a figure: its stated number, or the middle of its drawn range."""
    if m.shape != "span":
        return m.value
    hi = min(m.high, top)
    return math.sqrt(m.low * hi) if scale == "log" else (m.low + hi) / 2


class _DayFormatter(mdates.DateFormatter):
    """Day and month on every tick, the year on the first tick and wherever it changes."""

    def __init__(self) -> None:
        super().__init__("%d %b %Y")

    def format_ticks(self, values: Any) -> list[str]:
        out, last = [], None
        for v in values:
            d = mdates.num2date(v).date()
            text = f"{d.day} {_MONTHS[d.month - 1]}"
            if d.year != last:
                text += f"\n{d.year}"
                last = d.year
            out.append(text)
        return out


def _num(v: float, _pos: Any = None) -> str:
    if v == 0 or abs(v) >= 1:
        return f"{v:,.0f}" if float(v).is_integer() or abs(v) >= 100 else f"{v:,.1f}"
    return f"{v:g}"


@dataclass(frozen=True)
class _Drawn:
    figure: Figure
    ax: Any
    points: list[tuple[Mark, float, float]]  # each mark with where it is drawn, in data coordinates


def _text_px(text: str, fs: float) -> float:
    """Rough width of a line of DejaVu Sans text (0.62 em per character): margins are reserved from
    it instead of running matplotlib's constrained layout, which costs more than the drawing."""
    return len(text) * fs * 0.62


def _draw(data: ChartData, cfg: ChartConfig, narrow: bool = False) -> _Drawn:
    """Build the matplotlib figure with a fixed layout (margins from the text it holds), and keep
    where each mark is drawn, to place its link once the figure is drawn. ``narrow``: the phone
    variant (``cfg.narrow_width_px``), text the same size, fewer ticks, one legend column."""
    fs = cfg.font_px
    line = fs * 1.35
    width = cfg.narrow_width_px if narrow else cfg.width_px
    chars = int((width - 16) / (fs * 0.62))  # characters a full-width line holds
    bottom, top = y_limits(data)
    # the legend: as many columns as the longest wrapped name allows, rows as tall as their lines
    labels = ["\n".join(textwrap.wrap(s, cfg.wrap_chars)) or s for s in data.sources]
    widest = max((_text_px(part, fs) for lab in labels for part in lab.split("\n")), default=0.0)
    ncols = max(1, min(3, int((width - 24) // (widest + 50)))) if labels else 1
    rows = [labels[i:i + ncols] for i in range(0, len(labels), ncols)]
    legend_h = sum(max(lab.count("\n") + 1 for lab in row) * line + 5 for row in rows)
    legend_title = ""
    if data.hidden_sources:
        legend_title = "\n".join(textwrap.wrap(
            f"The {len(data.sources)} sources with most figures; {len(data.hidden_sources)} more "
            f"({len(data.hidden)} figures) are listed, not drawn", chars))
        legend_h += (legend_title.count("\n") + 1) * line + 4
    title = textwrap.wrap(data.title, int(chars * fs / (fs + 2))) or [data.title]
    key = textwrap.wrap(KEY + ("   (log scale)" if data.scale == "log" else ""), chars, break_on_hyphens=False)
    top_px = len(title) * (fs + 2) * 1.3 + len(key) * line + 14
    if data.scale == "log":
        ticks = LogLocator(base=10, subs=(1.0, 2.0, 5.0)).tick_values(bottom, top)
    else:
        ticks = MaxNLocator(nbins=6, integer=True).tick_values(bottom, top)
    left_px = fs * 1.6 + max((_text_px(_num(t), fs) for t in ticks if bottom <= t <= top), default=fs) + 14
    right_px = 34.0
    xaxis_px = fs * 2 * 1.25 + line + 16  # two-line tick labels (day, then the year), then the axis title
    height = (cfg.narrow_height_px if narrow else cfg.height_px) + legend_h + (len(key) - 1) * line
    plot_h = height - top_px - xaxis_px - legend_h - 6
    fig = Figure(figsize=(width / 72, height / 72), dpi=72)
    ax = fig.add_axes((left_px / width, (xaxis_px + legend_h + 6) / height, (width - left_px - right_px) / width,
                       plot_h / height))
    ax.set_yscale(data.scale)
    ax.set_ylim(bottom, top)
    days = [m.day for m in data.marks]
    first, last = (min(days), max(days)) if days else (date.today(), date.today())
    span = (last - first).days
    plot_w = width - left_px - right_px
    edge = 2 * len(data.sources) + 12  # px kept free at each end: the dodge, and half a marker
    pad = max(0.6, span * 0.03, edge * span / max(plot_w - 2 * edge, 1.0))
    ax.set_xlim(mdates.date2num(first) - pad, mdates.date2num(last) + pad)
    if span <= 30:  # ticks every k days from the first day, so the first day is named, with its year
        step = max(1, math.ceil((span + 1) / (4 if narrow else 8)))
        ax.xaxis.set_major_locator(FixedLocator([mdates.date2num(first) + k for k in range(0, span + 1, step)]))
    else:
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2 if narrow else 3, maxticks=4 if narrow else 8))
    if 1 < span <= 120:
        ax.xaxis.set_minor_locator(mdates.DayLocator())  # a tick per day: spacing shows elapsed time
    ax.xaxis.set_major_formatter(_DayFormatter())
    if data.scale == "log":
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_minor_locator(NullLocator())
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(_num))
    ax.tick_params(labelsize=fs)
    ax.set_xlabel(X_TITLE if _text_px(X_TITLE, fs) < width - left_px - right_px else "reported day", fontsize=fs)
    ax.set_ylabel(data.y_title, fontsize=fs)
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.text(8 / width, 1 - 6 / height, "\n".join(title), ha="left", va="top", fontsize=fs + 2, fontweight="bold")
    fig.text(8 / width, 1 - (len(title) * (fs + 2) * 1.3 + 10) / height, "\n".join(key), ha="left", va="top",
             fontsize=fs - 1, color="#555555", linespacing=1.3)

    # per source, one Line2D per kind of mark: the SVG writer styles a line's markers once, while a
    # scatter collection is styled point by point (ten times slower for a 500-figure chart); ranges
    # are one NaN-separated line. Sources side by side on a day are dodged by 4 px, in days.
    n = len(data.sources)
    px_per_day = plot_w / (2 * pad + span)
    dodge = {src: (i - (n - 1) / 2) * 4 / px_per_day for i, src in enumerate(data.sources)}
    day_x = {d: float(mdates.date2num(d)) for d in set(days)}  # date2num is slow per call
    points = [(m, day_x[m.day] + dodge[m.source], _anchor(m, top, data.scale)) for m in data.marks]
    nan = float("nan")
    for i, src in enumerate(data.sources):
        color = PALETTE[i % len(PALETTE)]
        mine = [(m, x, y) for m, x, y in points if m.source == src]
        ax.plot([x for _, x, _ in mine], [y for _, _, y in mine], color=color, linewidth=1.8, zorder=2,
                gid=f"line:{i}")
        for shape, marker, hollow in (("point", "o", False), ("about", "o", True), ("open_up", "^", False),
                                      ("up_to", "v", False)):
            sel = [(m, x) for m, x, _ in mine if m.shape == shape]
            if sel:
                ax.plot([x for _, x in sel], [m.value for m, _ in sel], linestyle="none", marker=marker,
                        markersize=7, markeredgewidth=1.6, color=color,
                        markerfacecolor="white" if hollow else color, zorder=3, gid=f"{shape}:{i}")
        for kind, lw, alpha, dash in (("span", 4.0, 0.45, "-"), ("open_up", 1.4, 0.8, "--")):
            xs: list[float] = []
            ys: list[float] = []
            for m, x, _ in mine:
                if m.shape == kind:
                    xs += [x, x, nan]
                    ys += [m.low if kind == "span" else m.value, min(m.high, top), nan]
            if xs:
                ax.plot(xs, ys, color=color, linewidth=lw, alpha=alpha, linestyle=dash, solid_capstyle="butt",
                        zorder=1, gid=f"{kind}-bar:{i}")
        clipped = [x for m, x, _ in mine if m.high > top]
        if clipped:  # an arrow at the top edge: the range goes on above the plot
            ax.plot(clipped, [top] * len(clipped), linestyle="none", marker="^", markersize=8, color=color,
                    clip_on=False, zorder=4, gid=f"arrow:{i}")
    _legend(fig, labels, legend_title, ncols, legend_h, width, height, fs)
    return _Drawn(fig, ax, points)


def _legend(fig: Figure, labels: list[str], title: str, ncols: int, legend_h: float, width: float, height: float,
            fs: float) -> None:
    """The sources under the plot, in columns, names wrapped (never cut). Laid out by hand: a
    matplotlib legend measures every entry and costs more than the whole plot."""
    line = fs * 1.35
    y = legend_h + 2.0  # from the bottom, in pixels
    x0 = 12.0
    col_w = (width - 2 * x0) / ncols
    if title:
        fig.text(x0 / width, y / height, title, ha="left", va="top", fontsize=fs - 1, color="#333333")
        y -= line + 4
    for r in range(0, len(labels), ncols):
        row = labels[r:r + ncols]
        for c, lab in enumerate(row):
            x = x0 + c * col_w
            mid = (y - line / 2) / height
            fig.add_artist(Line2D([x / width, (x + 26) / width], [mid, mid], color=PALETTE[(r + c) % len(PALETTE)],
                                  linewidth=1.8, marker="o", markersize=6, markevery=[1], transform=fig.transFigure))
            fig.text((x + 34) / width, y / height, lab, ha="left", va="top", fontsize=fs, linespacing=1.15)
        y -= max(lab.count("\n") + 1 for lab in row) * line + 5


def _positions(drawn: _Drawn, data: ChartData) -> list[tuple[Mark, float, float]]:
    """Each mark's anchor in SVG units, read after the figure is drawn (the layout is final then)."""
    fig = drawn.figure
    h = fig.bbox.height
    xy = drawn.ax.transData.transform([(x, y) for _, x, y in drawn.points]) if drawn.points else []
    return [(m, float(x), float(h - y)) for (m, _, _), (x, y) in zip(drawn.points, xy, strict=True)]


# ---------------------------------------------------------------- SVG post-processing

_PRESENTATION = {"fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
                 "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity",
                 "font-size", "font-family", "font-weight", "font-style", "text-anchor", "clip-path", "mask",
                 "dominant-baseline", "letter-spacing", "visibility", "display"}
_URL_REF = re.compile(r"url\(#([^)]+)\)")


def _style_to_attributes(el: Any) -> None:
    style = el.attrib.pop("style", None)
    if not style:
        return
    for decl in style.split(";"):
        if ":" not in decl:
            continue
        k, v = (p.strip() for p in decl.split(":", 1))
        if k == "font":  # "font: 400 13px 'DejaVu Sans'" (matplotlib's shorthand)
            m = re.match(r"(?:(normal|italic|oblique)\s+)?(?:(\d{3}|bold|normal)\s+)?([\d.]+px)\s+(.*)", v)
            if m:
                for name, part in (("font-style", m[1]), ("font-weight", m[2]), ("font-size", m[3]),
                                   ("font-family", m[4])):
                    if part:
                        el.set(name, part)
            continue
        if k in _PRESENTATION:
            el.set(k, v)


def _clean(svg: str, prefix: str) -> Any:
    """matplotlib's SVG made CSP-safe: no style attributes, no <style>, no metadata, ids prefixed."""
    root = ET.fromstring(svg.encode("utf-8"), _PARSER)  # lxml: parsing and writing in C, far faster
    for el in list(root.iter(f"{{{_SVG}}}metadata", f"{{{_SVG}}}style")):
        el.getparent().remove(el)
    root.set("stroke-linejoin", "round")  # the dropped <style>'s only rule: *{stroke-linejoin: round; ...}
    root.set("stroke-linecap", "butt")
    href = f"{{{_XLINK}}}href"
    for el in root.iter(ET.Element):
        attrib = el.attrib
        if "style" in attrib:
            _style_to_attributes(el)
        if "id" in attrib:
            attrib["id"] = prefix + attrib["id"]
        ref = attrib.pop(href, None)
        if ref is not None:
            attrib["href"] = "#" + prefix + ref[1:] if ref.startswith("#") else ref
        for k in ("clip-path", "mask", "fill", "stroke"):
            v = attrib.get(k)
            if v and "url(#" in v:
                attrib[k] = _URL_REF.sub(lambda m: f"url(#{prefix}{m[1]})", v)
    for el in list(root.iter(f"{{{_SVG}}}defs")):  # left empty by the dropped <style>
        if len(el) == 0:
            el.getparent().remove(el)
    ET.cleanup_namespaces(root)
    return root


def _render_svg(data: ChartData, cfg: ChartConfig, narrow: bool = False
                ) -> tuple[Any, list[tuple[Mark, float, float]]]:
    with _LOCK, matplotlib.rc_context(_RC):
        drawn = _draw(data, cfg, narrow)
        buf = io.StringIO()
        drawn.figure.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        pos = _positions(drawn, data)
    root = _clean(buf.getvalue(), f"c{_slug(data.quantity_id)}{'-n' if narrow else ''}-")
    w, h = drawn.figure.bbox.width, drawn.figure.bbox.height
    root.set("width", f"{w:.0f}")
    root.set("height", f"{h:.0f}")
    return root, pos


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", s)[:40]


def caption_id(data: ChartData) -> str:
    return f"chart-cap-{_slug(data.quantity_id)}"


def svg_inline(data: ChartData, cfg: ChartConfig | None = None, narrow: bool = False) -> str:
    """The chart to inline in an HTML page: CSP-safe, a role="group" labelled by the page's caption
    (``caption_id``), and each point a link to its words with an aria-label and a <title>, in day
    order, so Tab walks the figures in time. ("img" would hide the links from assistive technology.)
    Rendered charts are kept in a small cache keyed by everything drawn, so a page seen again, or
    its twin, costs no drawing."""
    if not data.marks:
        return ""
    return _svg_inline(replace(data, undated=(), unplottable=()), cfg or ChartConfig(), narrow)


@functools.lru_cache(maxsize=64)
def _svg_inline(data: ChartData, cfg: ChartConfig, narrow: bool) -> str:
    root, pos = _render_svg(data, cfg, narrow)
    root.set("class", "nl-chart")
    root.set("role", "group")
    root.set("aria-labelledby", caption_id(data))
    root.set("preserveAspectRatio", "xMinYMin meet")
    links = ET.SubElement(root, f"{{{_SVG}}}g", {"class": "nl-points"})
    for m, x, y in sorted(pos, key=lambda p: (p[0].day, p[0].source, p[0].figure_id)):
        a = ET.SubElement(links, f"{{{_SVG}}}a", {"href": m.href, "aria-label": data.label(m)})
        ET.SubElement(a, f"{{{_SVG}}}title").text = data.label(m)
        ET.SubElement(a, f"{{{_SVG}}}circle", {"class": "hit", "cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": "8",
                                                "fill": "#000000", "fill-opacity": "0"})
    return str(ET.tostring(root, encoding="unicode"))


def svg_file(data: ChartData, cfg: ChartConfig | None = None, declaration: bool = True, fluid: bool = False) -> str:
    """The chart as a standalone SVG (the download, and the brief's HTML file): role="img" with a
    <title>, no links (they lead into the web app). ``fluid``: as wide as its container, height
    from the aspect ratio (the brief has no stylesheet rule for it, and must fit a phone)."""
    cfg = cfg or ChartConfig()
    root, _ = _render_svg(data, cfg)
    root.set("role", "img")
    if fluid:
        root.set("width", "100%")
        del root.attrib["height"]
    title = ET.Element(f"{{{_SVG}}}title")
    title.text = f"{data.title}: reported values by source"
    root.insert(0, title)
    head = '<?xml version="1.0" encoding="utf-8"?>\n' if declaration else ""
    return head + str(ET.tostring(root, encoding="unicode"))


def png(data: ChartData, cfg: ChartConfig | None = None) -> bytes:
    """The chart as a PNG (the download), ``cfg.png_scale`` pixels per CSS pixel."""
    cfg = cfg or ChartConfig()
    with _LOCK, matplotlib.rc_context(_RC):
        drawn = _draw(data, cfg)
        buf = io.BytesIO()
        drawn.figure.savefig(buf, format="png", dpi=72 * cfg.png_scale, metadata={"Software": None})
    return buf.getvalue()


# ---------------------------------------------------------------- table, CSV, page data

CSV_COLUMNS = ("quantity_id", "quantity", "day", "source", "as_reported", "words", "qualifier", "value",
               "value_high", "allowed_low", "allowed_high", "counted", "outlet", "published", "article_id",
               "figure_id", "url")


def csv_text(q: QuantityView) -> str:
    """Every figure of ``q`` (dated or not), one row each, with the range its wording allows; text
    cells are neutralised against spreadsheet formulas (``report.csv_safe``)."""
    from .report import csv_safe

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for f in q.figures:
        lo, hi = interval(f.value, f.qualifier, f.value_high) or (f.value, f.value)
        w.writerow(csv_safe({
            "quantity_id": q.id, "quantity": q.label, "day": f.event_date or "", "source": f.source or NO_SOURCE,
            "as_reported": f.display, "words": f.text, "qualifier": f.qualifier, "value": f.value,
            "value_high": "" if f.value_high is None else f.value_high, "allowed_low": lo,
            "allowed_high": "" if hi == math.inf else hi, "counted": f.counted or "",
            "outlet": f.citation.outlet or "", "published": f.citation.published or "",
            "article_id": f.citation.article_id, "figure_id": f.id, "url": f.citation.url or ""}))
    return buf.getvalue()


def _row(f: FigureView) -> dict[str, Any]:
    return {"figure_id": f.id, "day": f.event_date, "source": f.source or NO_SOURCE, "display": f.display,
            "words": f.text, "outlet": f.citation.outlet or f.citation.article_id,
            "href": f"/articles/{quote(f.citation.article_id, safe='')}#fig-{f.id}"}


def chart_view(q: QuantityView, scale: str = "linear", cfg: ChartConfig | None = None) -> dict[str, Any]:
    """The page's chart block: the inline SVG, its caption, the data table that stands in for it,
    what is not drawn (undated figures, sources past the cap) and the download links."""
    data = chart_data(q, scale, cfg)
    by_id = {f.id: f for f in q.figures}
    drawn_ids = {m.figure_id for m in (*data.marks, *data.hidden)}
    rows = [_row(f) for f in q.figures if f.id in drawn_ids]
    rows.sort(key=lambda r: (r["day"] or "", r["source"].lower(), r["figure_id"]))
    base = f"/quantities/{quote(q.id, safe='')}/chart"
    days = sorted(m.day for m in data.marks)
    if days:
        when = f"on {day_words(days[0])}" if days[0] == days[-1] else f"{day_words(days[0])} to {day_words(days[-1])}"
        caption = (f"{q.label}: {plural(len(data.marks), 'reported figure')} from "
                   f"{plural(len(data.sources), 'source')}, {when}, "
                   f"{scale} scale. Each point links to its words.")
    else:
        caption = f"{q.label}: no figure with a day to chart."
    return {"svg": svg_inline(data, cfg), "svg_narrow": svg_inline(data, cfg, narrow=True), "scale": scale,
            "caption": caption, "caption_id": caption_id(data),
            "y_title": data.y_title, "x_title": X_TITLE, "key": KEY,
            "sources": list(data.sources), "hidden_sources": list(data.hidden_sources),
            "n_hidden_figures": len(data.hidden), "rows": rows,
            "undated": [_row(f) for f in data.undated],
            "unplottable": [{**_row(f), "reason": why} for f, why in data.unplottable],
            "downloads": {"svg": f"{base}.svg?scale={scale}", "png": f"{base}.png?scale={scale}",
                          "csv": f"{base}.csv"},
            "n_figures": len(by_id)}


__all__ = ["SCALES", "ChartData", "Mark", "chart_data", "chart_view", "csv_text", "png", "svg_file", "svg_inline",
           "y_limits", "y_title"]
