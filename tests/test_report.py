"""The brief and the conflict views on real stores: same-day disputes only, with days and ids,
and the reconciled estimate with its rule."""

import re
from pathlib import Path

import pytest

from newsledger.report import brief, disagreements
from newsledger.store import Store, analyze

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
FLOOD = ROOT / "tests" / "data" / "ledger" / "conflicts.jsonl"


def _section(markdown: str, heading: str) -> list[str]:
    lines = markdown.splitlines()
    start = lines.index(heading) + 2
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("- ")), len(lines))
    return lines[start:end]


def test_brief_lists_same_day_disputes_and_the_estimate(db_target: str) -> None:
    analyze([FLOOD], db_target)
    with Store(db_target) as store:
        b = brief(store)
    md = b.markdown
    disputes = _section(md, "Who disputes whom (same day):")
    assert len(disputes) == 1
    line = disputes[0]
    # the reported words, the day of each side, the article and figure ids
    assert "“35” (2030-03-05" in line and "“48” (2030-03-05" in line
    assert "article varn-2" in line and "figure #" in line
    assert "“60”" not in line and "“20”" not in line  # other days are not disputes
    assert "Reconciled estimate:" in md and "_Reconciled estimate: Each source's latest figure" in md  # the rule, once
    assert "Most conservative: 35" in md and "Highest: 60" in md
    assert "Who disputes whom (same day):" in b.html and "Reconciled estimate: Each source" in b.html


def test_demo_brief_shows_the_agency_governor_same_day_dispute(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    analyze([ROOT / "examples" / "articles"], db)
    with Store(db) as store:
        md = brief(store).markdown
        groups, _ = disagreements(store, kind="dispute")
    lines = _section(md, "Who disputes whom (same day):")
    assert any("“52”" in ln and "“61”" in ln and "Tomas Brel" in ln for ln in lines)
    for g in groups:
        for c in g.pairs:
            assert c.a.event_date is not None and c.a.event_date == c.b.event_date


def test_cli_conflicts_are_grouped_per_source_pair(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from newsledger.cli import main

    db = str(tmp_path / "l.db")
    assert CliRunner().invoke(main, ["analyze", str(FLOOD), "--db", db, "-q"]).exit_code == 0
    r = CliRunner().invoke(main, ["conflicts", "--db", db, "--format", "json"])
    groups = json.loads(r.output)
    keys = [(g["quantity_id"], g["kind"], tuple(sorted(str(s) for s in g["sources"]))) for g in groups]
    assert len(keys) == len(set(keys))
    across = [g for g in groups if g["kind"] == "across_days"]
    assert across and sum(g["n_pairs"] for g in across) == 3 and len(across) < 3
    r = CliRunner().invoke(main, ["conflicts", "--db", db, "--kind", "dispute"])
    assert r.exit_code == 0 and "2030-03-05" in r.output and "across_days" not in r.output


HOSTILE = [
    {"id": "=cmd|' /C calc'!A0", "date": "2027-03-04", "outlet": "+<b>Evil</b> Wire", "title": "<i>Floods</i>",
     "text": "=HYPERLINK(\"http://x\") At least 40 people were killed in the floods in Port Ellis, the Tesland "
             "civil defence agency <b>said</b>. <script>alert('x')</script>"},
    {"id": "@second", "date": "2027-03-05", "outlet": "-Coast <img src=x onerror=alert(1)> Wire",
     "text": "The death toll from the floods in Port Ellis rose to 52 [click](javascript:alert(1)), the Tesland "
             "civil defence agency said. <script>alert('y')</script>"},
    {"id": "tab", "date": "2027-03-05", "outlet": "\tTab Wire",
     "text": "\rThe Tesland civil defence agency said 55 people were killed in the floods in Port Ellis."},
]


def _hostile_store(tmp_path: Path, db_target: str, items: list[dict[str, str]] = HOSTILE) -> None:
    import json

    data = tmp_path / "hostile.jsonl"
    data.write_text("".join(json.dumps(a) + "\n" for a in items), encoding="utf-8")
    analyze([data], db_target)


def test_csv_export_neutralises_formulas_unless_raw(tmp_path: Path, db_target: str) -> None:
    """A cell a spreadsheet would run (= + - @, tab, CR first) gets a leading quote in CSV; --raw-csv
    keeps it, and JSONL and Parquet always carry the words as stored."""
    import csv
    import io
    import json

    import pyarrow.parquet as pq
    from click.testing import CliRunner

    from newsledger.cli import main

    _hostile_store(tmp_path, db_target)
    runner = CliRunner()
    out = tmp_path / "l.csv"
    assert runner.invoke(main, ["export", "--db", db_target, "--format", "csv", "-o", str(out)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    by_id = {r["article_id"]: r for r in rows}
    assert set(by_id) == {"'=cmd|' /C calc'!A0", "'@second", "tab"}
    assert by_id["'=cmd|' /C calc'!A0"]["outlet"] == "'+<b>Evil</b> Wire"
    assert by_id["'=cmd|' /C calc'!A0"]["quote"].startswith("'=HYPERLINK(")
    assert by_id["'@second"]["outlet"].startswith("'-Coast")
    assert by_id["tab"]["outlet"] == "'\tTab Wire"
    for r in rows:
        for col, cell in r.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (col, cell)
        assert float(r["value"]) > 0  # numbers are not quoted
    raw = tmp_path / "raw.csv"
    assert runner.invoke(main, ["export", "--db", db_target, "--format", "csv", "--raw-csv", "-o", str(raw)]
                         ).exit_code == 0
    raw_rows = {r["article_id"]: r for r in csv.DictReader(io.StringIO(raw.read_text(encoding="utf-8"), newline=""))}
    assert raw_rows["=cmd|' /C calc'!A0"]["outlet"] == "+<b>Evil</b> Wire"
    jl = tmp_path / "l.jsonl"
    assert runner.invoke(main, ["export", "--db", db_target, "--format", "jsonl", "-o", str(jl)]).exit_code == 0
    docs = {json.loads(line)["doc"] for line in jl.read_text(encoding="utf-8").splitlines()}
    assert "=cmd|' /C calc'!A0" in docs and "@second" in docs
    pa = tmp_path / "l.parquet"
    assert runner.invoke(main, ["export", "--db", db_target, "--format", "parquet", "-o", str(pa)]).exit_code == 0
    outlets = set(pq.read_table(pa).column("outlet").to_pylist())
    assert "+<b>Evil</b> Wire" in outlets and "\tTab Wire" in outlets


def test_brief_markdown_escapes_html_and_markdown_from_articles(tmp_path: Path, db_target: str) -> None:
    """brief.md renders article words as text: no tag, link or entity from a title, outlet or quote."""
    from markdown_it import MarkdownIt

    # two sources of one toll, so the brief cites both articles; URLs that must not become links
    first = {**HOSTILE[0], "url": "javascript:alert(1)", "text": "At least 40 people were killed in the <b>floods</b> "
             "in Port Ellis, the Tesland fire service said. <script>alert(1)</script>"}
    second = {**HOSTILE[1], "url": "https://coast.example/a b><script>"}
    _hostile_store(tmp_path, db_target, [first, second])
    with Store(db_target) as store:
        md = brief(store).markdown
    assert "Evil" in md and "Coast" in md and "floods" in md  # the words are there
    rendered = MarkdownIt("commonmark").render(md)
    for tag in ("<b>", "<img", "<script", "<i>", 'href="javascript'):
        assert tag not in rendered, tag
    assert "&lt;b&gt;Evil&lt;/b&gt;" in rendered and "&lt;img src=x onerror=alert(1)&gt;" in rendered
    assert "the &lt;b&gt;floods&lt;/b&gt; in Port Ellis" in rendered  # a tag inside the quoted words
    assert "[click](javascript:alert(1))" in rendered  # shown as the text it was
    # a URL is linked only when http(s), with what would end the link percent-encoded
    assert "URL not linked (not http or https): javascript:alert(1)" in md
    assert "<https://coast.example/a%20b%3E%3Cscript%3E>" in md
    assert 'href="https://coast.example/a%20b%3E%3Cscript%3E"' in rendered


WORDS = ROOT / "tests" / "data" / "ledger" / "words.jsonl"


def test_figures_are_shown_as_reported_with_the_normalised_value_apart(db_target: str) -> None:
    from newsledger.report import ledger

    analyze([WORDS], db_target)
    with Store(db_target) as store:
        figs = {f.text: f for q in ledger(store) for f in q.figures}
        md = brief(store, top=20).markdown
    assert (figs["Hundreds"].display, figs["Hundreds"].value_note) == ("hundreds", "vague: 100–1,000")
    assert (figs["Dozens"].display, figs["Dozens"].value_note) == ("dozens", "vague: 12–120")
    assert (figs["more than 55"].display, figs["more than 55"].value_note) == ("more than 55", "≥ 56")
    assert (figs["At least 40"].display, figs["At least 40"].value_note) == ("at least 40", "≥ 40")
    assert (figs["nearly 20,000"].display, figs["nearly 20,000"].value_note) == ("nearly 20,000", "≤ 20,000")
    assert figs["between 70 and 80"].value_note == "range 70–80"
    assert (figs["About 2,000"].display, figs["Up to 5,000"].display) == ("about 2,000", "up to 5,000")
    assert all(f.quantity_label and f.quantity_id for f in figs.values())
    assert "**dozens**" in md and "(vague)**" not in md and "12 (vague)" not in md
    assert "| **dozens** (vague: 12–120) |" in md  # as reported, its reading after
    assert "2 articles · 2 outlets" in md and "1 articles" not in md and "1 outlets" not in md


def test_timeline_lists_undated_figures_after_the_dated_days(db_target: str) -> None:
    from newsledger.report import timeline

    analyze([WORDS], db_target)
    with Store(db_target) as store:
        days = timeline(store)
        dated = timeline(store, undated=False)
    assert [d.date for d in days[:-1]] == sorted(d.date for d in days[:-1]) == [d.date for d in dated]
    assert days[-1].date == "undated" and [f.text for f in days[-1].figures] == ["More than 300"]
    assert days[-1].articles == 1  # the one article with no publication day
    assert sum(len(d.figures) for d in days) == 9


def test_disagreements_keep_a_few_groups_per_quantity_and_count_the_rest(db_target: str) -> None:
    analyze([FLOOD], db_target)
    with Store(db_target) as store:
        every, _ = disagreements(store)
        few, more = disagreements(store, per_quantity=1)
    per_q: dict[str, int] = {}
    for g in every:
        per_q[g.quantity_id] = per_q.get(g.quantity_id, 0) + 1
    assert any(n > 1 for n in per_q.values()) and not more
    assert [g.quantity_id for g in few] == sorted(per_q, key=[g.quantity_id for g in every].index)
    assert {g.quantity_id: g.more_in_quantity for g in few} == {q: n - 1 for q, n in per_q.items()}
    first = {}
    for g in every:  # the newest group of each quantity, in the same order
        first.setdefault(g.quantity_id, (g.kind, g.sources, g.n_pairs))
    assert [(g.kind, g.sources, g.n_pairs) for g in few] == list(first.values())


STORY = ROOT / "tests" / "data" / "ledger" / "story.jsonl"  # every article has a URL
URLS = {"tes-1": "https://orlenwire.example/2034/05/02/tesmark-quake",
        "tes-2": "https://tesmarkdaily.example/2034/05/03/quake-toll",
        "tes-3": "https://coastalherald.example/2034/05/04/red-cross-toll"}


def test_brief_markdown_cites_every_figure_with_its_url(db_target: str) -> None:
    """Parse brief.md: every cited figure (table row, estimate, dispute) carries a footnote whose
    definition has its article's URL; an as-of line; one section per story with its tables."""
    import datetime as dt

    from markdown_it import MarkdownIt

    analyze([STORY], db_target)
    with Store(db_target) as store:
        md = brief(store, generated=dt.datetime(2034, 5, 5, 8, 30, tzinfo=dt.UTC)).markdown
    lines = md.splitlines()
    assert "As of 2034-05-04, the newest publication day in the ledger; generated 2034-05-05 08:30 UTC." in lines
    assert [ln for ln in lines if ln.startswith("## ")] == ["## earthquake · Tesmark / Orlen province · 2–4 May 2034"]
    notes = dict(re.findall(r"^\[\^(\d+)\]: (.*)$", md, flags=re.M))
    rows = [ln for ln in lines if ln.startswith("| ") and not ln.startswith(("| Day |", "| --- |"))]
    cited = rows + [ln for ln in lines if ln.startswith("- ") and " says “" in ln]
    assert len(rows) == 3 and len(cited) == 7  # 2 + 1 rows; 3 estimate lines; 1 dispute
    for line in cited:
        marks = re.findall(r"\[\^(\d+)\]", line)
        assert marks, line
        for n in marks:
            url = re.search(r"<(https://[^>]+)> \(article ([\w-]+)\)$", notes[n])
            assert url and URLS[url.group(2)] == url.group(1), notes[n]
    # the row names outlet and day before its footnote; the footnote the same, then the URL
    assert "| 2034-05-04 | **420** | Tesmark Red Cross | Coastal Herald, 2034-05-04[^1] |" in md
    assert notes["1"].startswith("Coastal Herald, 2034-05-04: “Red Cross puts Tesmark quake toll at 420” <https://")
    assert "Latest figure per source, as of 2034-05-04:" in lines
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    assert rendered.count("<table>") == 2 and rendered.count("<tr>") == 2 + 3


def test_brief_html_links_every_figure_and_has_no_fixed_width(db_target: str) -> None:
    from html.parser import HTMLParser

    analyze([STORY], db_target)
    with Store(db_target) as store:
        page = brief(store).html

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[tuple[str, dict[str, str | None]]] = []
            self.cited: list[list[str]] = []  # the links inside each outlet cell and each estimate/dispute line

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if (tag == "td" and a.get("data-label") == "Outlet") or tag == "li":
                self.cited.append([])
            if tag == "a" and self.cited:
                self.cited[-1].append(a.get("href") or "")

    p = Links()
    p.feed(page)
    assert len(p.cited) == 3 + 3 + 1
    for hrefs in p.cited:
        assert hrefs and all(h in URLS.values() for h in hrefs), hrefs
    assert "As of 2034-05-04, the newest publication day in the ledger; generated " in page
    assert "<meta name='viewport' content='width=device-width, initial-scale=1'>" in page
    css = page[page.index("<style>"): page.index("</style>")]
    assert not re.search(r"(?<!max-)width:\s*\d+(px|em)", css)  # nothing wider than a phone
    assert "table class='cards latest'" in page and "data-label='Quoted words'" in page
