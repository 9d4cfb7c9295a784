"""Every input format, with files written for the repo: HTML with clutter, a WARC built here,
a feed served from a local HTTP server, CSV/JSONL with custom fields, gzip, stdin, bad input."""

import csv
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from newsledger.config import Config
from newsledger.ingest import Article, ItemError, read_articles, read_stdin

T = TypeVar("T")

HTML = Path(__file__).parent / "data" / "html"


def split(items: Iterator[Article | ItemError] | list[Article | ItemError]) -> tuple[list[Article], list[ItemError]]:
    items = list(items)
    return [a for a in items if isinstance(a, Article)], [e for e in items if isinstance(e, ItemError)]


def test_html_page_main_text_without_clutter() -> None:
    arts, errs = split(read_articles([HTML / "quake_page.html"]))
    assert errs == []
    [a] = arts
    assert (a.title, a.date, a.outlet) == ("Aftershock rattles Osk valley as toll rises to 58", "2026-08-07",
                                           "Valley Courier")
    assert a.url == "https://valleycourier.example/news/2026/08/07/aftershock-osk"
    assert a.date_basis == "metadata"  # the page's metadata gave the date, not the input
    assert "killed 58 people" in a.text and "9,000 people are sleeping in shelters" in a.text
    for clutter in ("Advertisement", "Sign up now", "morning briefing", "valleyfan88", "Comments", "1,105 Posts",
                    "Cookie settings", "BREAKING", "Related stories"):
        assert clutter not in a.text
    assert not a.text.startswith("Aftershock rattles")  # the headline is the title, not body text


def test_html_in_a_declared_legacy_encoding() -> None:
    [a] = split(read_articles([HTML / "ferry_page.html"]))[0]
    assert "José Ferreira" in a.text and "café" in a.text
    assert "cookies" not in a.text and "Share on social media" not in a.text
    assert a.date == "2026-09-10" and a.outlet == "Coast Times"


def _warc(path: Path, truncate: bool = False) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    pages = [("https://coast.example/ferry", (HTML / "ferry_page.html").read_bytes(), "text/html; charset=iso-8859-1",
              "200 OK"),
             ("https://coast.example/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png", "200 OK"),
             ("https://coast.example/missing", b"<html><body>Not found</body></html>", "text/html", "404 Not Found"),
             ("https://valley.example/quake", (HTML / "quake_page.html").read_bytes(), "text/html", "200 OK")]
    for uri, body, ctype, status in pages:
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                      http_headers=headers, length=len(body)))
    data = buf.getvalue()
    path.write_bytes(data[: int(len(data) * 0.7)] if truncate else data)


def test_warc_gz_html_responses_only(tmp_path: Path) -> None:
    w = tmp_path / "crawl.warc.gz"
    _warc(w)
    arts, errs = split(read_articles([w]))
    assert errs == []
    assert [a.id for a in arts] == ["https://coast.example/ferry", "https://valley.example/quake"]
    assert "140 passengers" in arts[0].text


def test_truncated_warc_keeps_what_was_read_and_reports_the_rest(tmp_path: Path) -> None:
    w = tmp_path / "cut.warc.gz"
    _warc(w, truncate=True)
    arts, errs = split(read_articles([w]))
    assert arts and arts[0].id == "https://coast.example/ferry"
    assert errs and "truncated or corrupt WARC" in errs[-1].message


FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Coast Times</title><link>http://127.0.0.1:{port}/</link>
<item><title>Ferry rescue: 140 saved off Tarsa</title><link>http://127.0.0.1:{port}/ferry.html</link>
<guid>ferry-1</guid><pubDate>Thu, 10 Sep 2026 08:00:00 GMT</pubDate>
<description>&lt;p&gt;The coast guard said 12 passengers were still missing off Tarsa on Tuesday, and the ministry said
140 people were rescued by boats.&lt;/p&gt;</description></item>
<item><title>Aftershock</title><link>http://127.0.0.1:{port}/quake.html</link><guid>quake-1</guid>
<pubDate>Fri, 07 Aug 2026 09:00:00 GMT</pubDate><description>Toll rises to 58.</description></item>
<item><title>Gone</title><link>http://127.0.0.1:{port}/gone.html</link><guid>gone-1</guid>
<description>This page was removed by the publisher for legal reasons, and it is gone.</description></item>
</channel></rss>"""


@pytest.fixture
def site() -> Iterator[str]:
    """A feed and its linked pages, served on 127.0.0.1."""
    pages: dict[str, tuple[bytes, str]] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, ctype = pages.get(self.path, (b"not found", "text/plain"))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    pages["/feed.xml"] = (FEED.format(port=port).encode(), "application/rss+xml")
    pages["/ferry.html"] = ((HTML / "ferry_page.html").read_bytes(), "text/html; charset=iso-8859-1")
    pages["/quake.html"] = ((HTML / "quake_page.html").read_bytes(), "text/html; charset=utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def test_feed_from_a_url_uses_entry_text(site: str) -> None:
    arts, _errs = split(read_articles([site + "/feed.xml"], Config(skip_non_english=False)))
    assert [a.id for a in arts] == ["ferry-1", "quake-1", "gone-1"]
    assert arts[0].date == "2026-09-10" and arts[0].outlet == "Coast Times"
    assert "12 passengers" in arts[0].text and "<p>" not in arts[0].text


def test_feed_with_linked_pages_fetched(site: str) -> None:
    arts, errs = split(read_articles([site + "/feed.xml"], Config(fetch_linked=True)))
    assert [a.id for a in arts] == ["ferry-1", "quake-1"]
    assert "naval frigate" in arts[0].text  # only on the linked page
    assert arts[1].outlet == "Valley Courier"
    assert len(errs) == 1 and "HTTP 404" in errs[0].message and "gone.html" in errs[0].message


def test_a_page_url_is_read_as_an_article(site: str) -> None:
    [a] = split(read_articles([site + "/ferry.html"]))[0]
    assert a.title == "Ferry rescue: 140 saved off Tarsa"


def test_unreachable_url_is_an_item_error() -> None:
    arts, errs = split(read_articles(["http://127.0.0.1:9/nothing.html"], Config(fetch_timeout=2)))
    assert arts == [] and "fetch failed" in errs[0].message


def test_csv_and_jsonl_with_configured_field_names(tmp_path: Path) -> None:
    csv_file = tmp_path / "export.csv"
    csv_file.write_text('guid,headline,body_text,pub\n'
                        'x1,Flood,"Officials said 30 people were evacuated, and the river rose.",2030-05-01\n'
                        'x2,Empty,,2030-05-02\n', encoding="utf-8")
    config = Config(fields=(("id", "guid"), ("text", "body_text"), ("date", "pub")))
    arts, errs = split(read_articles([csv_file], config))
    assert [(a.id, a.title, a.date) for a in arts] == [("x1", "Flood", "2030-05-01")]
    assert errs[0].where == f"{csv_file}:3" and "body_text" in errs[0].message
    tsv = tmp_path / "export.tsv"
    tsv.write_text("id\ttext\nt1\tThe ministry said 5 people died.\n", encoding="utf-8")
    assert [a.id for a in split(read_articles([tsv]))[0]] == ["t1"]
    api = tmp_path / "api.jsonl.gz"
    with gzip.open(api, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"uuid": "u1", "content": "Police said 40 people were arrested on Monday.",
                             "published_at": "2030-05-03T10:00:00Z", "source": {"name": "Wire"}}) + "\n")
    [a] = split(read_articles([api]))[0]
    assert (a.id, a.date, a.outlet) == ("u1", "2030-05-03", "Wire")


def test_truncated_gzip_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    raw = "".join(json.dumps({"id": f"a{i}", "text": "The agency said 3 people died. " * 20}) + "\n"
                  for i in range(200))
    data = gzip.compress(raw.encode())
    path.write_bytes(data[: len(data) // 2])
    arts, errs = split(read_articles([path]))
    assert 0 < len(arts) < 200
    assert len(errs) == 1 and "truncated or corrupt compressed file" in errs[0].message


def test_stdin_jsonl_and_html() -> None:
    jsonl = b'{"id": "s1", "text": "The mayor said 7 people were hurt."}\n{"id": "s2", "text": "Nothing."}\n'
    assert [a.id for a in split(read_stdin(Config(), io.BytesIO(jsonl)))[0]] == ["s1", "s2"]
    arts = split(read_stdin(Config(), io.BytesIO((HTML / "quake_page.html").read_bytes())))[0]
    assert arts[0].outlet == "Valley Courier"


def test_non_english_is_skipped_with_a_reason(tmp_path: Path) -> None:
    de = tmp_path / "de.txt"
    de.write_text("Bei dem Erdbeben im Osk-Tal sind nach Angaben der Behörden mindestens 58 Menschen ums Leben "
                  "gekommen. Die Rettungskräfte suchen weiter nach Verschütteten, teilte eine Sprecherin mit. "
                  "Mehr als neuntausend Menschen schlafen in Notunterkünften.", encoding="utf-8")
    arts, errs = split(read_articles([de]))
    assert arts == [] and "not English" in errs[0].message
    assert split(read_articles([de], Config(skip_non_english=False)))[0]


def test_oversized_file_and_encodings(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.seek(50 * 1024 * 1024)
        fh.write(b"x")
    arts, errs = split(read_articles([big]))
    assert arts == [] and "over the per-item limit" in errs[0].message
    cp = tmp_path / "cp1252.txt"
    cp.write_bytes("The ministry’s spokesman said 12 people – all civilians – were killed in the café.".encode(
        "cp1252"))
    [a] = split(read_articles([cp]))[0]
    assert "café" in a.text and "ministry’s" in a.text
    u16 = tmp_path / "u16.txt"
    u16.write_bytes("The agency said 9 people died.".encode("utf-16"))
    assert split(read_articles([u16]))[0][0].text.startswith("The agency")


def test_broken_html_and_json_array(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_bytes(b"<html><body><div><p>Unclosed <b>tags everywhere<p>and <<<>>> junk</div></span></html")
    arts, errs = split(read_articles([broken]))
    assert len(arts) + len(errs) == 1
    arr = tmp_path / "items.json"
    arr.write_text(json.dumps([{"id": "j1", "text": "Officials said 4 people died."}, {"id": "j2"}]), encoding="utf-8")
    arts, errs = split(read_articles([arr]))
    assert [a.id for a in arts] == ["j1"] and errs[0].where.endswith("[2]")


# ---- hostile input (issue 11): cleaned or refused per item, never a crash, never a silent skip

def test_surrogates_nul_and_long_ids_are_cleaned_or_refused_before_the_store(tmp_path: Path) -> None:
    path = tmp_path / "hostile.jsonl"
    path.write_text('{"id": "sur", "title": "a \\ud800 b", "text": "Police said \\ud800 3 people died."}\n'
                    '{"id": "nul\\u0000", "text": "Police \\u0000said 4 people died."}\n'
                    + json.dumps({"id": "x" * 256, "text": "Police said 5 people died."}) + "\n"
                    + json.dumps({"id": "y" * 255, "text": "Police said 6 people died."}) + "\n", encoding="utf-8")
    arts, errs = split(read_articles([path]))
    assert [a.id for a in arts] == ["sur", "nul", "y" * 255]
    assert arts[0].text == "Police said \ufffd 3 people died." and arts[0].title == "a \ufffd b"
    assert arts[1].text == "Police said 4 people died."
    for a in arts:
        a.text.encode("utf-8")  # storable: no lone surrogate left
    [err] = errs
    assert err.where == f"{path}:3" and "256 characters is over the limit of 255" in err.message


@pytest.mark.parametrize("value", ["2022-13-45", "yesterday", "2022-05-01garbage", "2022-02-30T10:00:00Z", "2022-05"])
def test_invalid_input_dates_are_warnings_in_every_reader(tmp_path: Path, value: object) -> None:
    body = "Officials said 12 people died in the flood."
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps({"id": "j", "date": value, "text": body}) + "\n", encoding="utf-8")
    csv_file = tmp_path / "b.csv"
    csv_file.write_text(f"id,date,text\nc,{value},{body}\n", encoding="utf-8")
    arts, errs = split(read_articles([jsonl, csv_file]))
    assert errs == [] and [a.id for a in arts] == ["j", "c"]
    for a in arts:
        assert a.date is None
        [warning] = a.warnings
        assert str(value) in warning and "not a" in warning and "read without a date" in warning


def test_valid_dates_still_read_and_a_bad_crawl_header_is_a_warning(tmp_path: Path) -> None:
    good = tmp_path / "g.jsonl"
    good.write_text("".join(json.dumps({"id": f"g{i}", "date": d, "text": "Police said 4 people died."}) + "\n"
                            for i, d in enumerate(["2022-05-01", "2022-05-01T23:10:00+02:00",
                                                   "Sun, 01 May 2022 10:00:00 GMT", ""])), encoding="utf-8")
    arts, _ = split(read_articles([good]))
    assert [a.date for a in arts] == ["2022-05-01", "2022-05-01", "2022-05-01", None]
    assert all(a.warnings == () for a in arts)
    crawl = tmp_path / "c.txt"
    crawl.write_text(" date 2022-13-45 Flood toll rises\n\nOfficials said 12 people died.\n", encoding="utf-8")
    [a] = split(read_articles([crawl]))[0]
    assert (a.date, a.title, a.text) == (None, "Flood toll rises", "Officials said 12 people died.\n")
    assert "2022-13-45" in a.warnings[0]


def test_a_fifo_on_the_command_line_is_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    ok = tmp_path / "ok.jsonl"
    ok.write_text('{"id": "ok", "text": "Police said 4 people died."}\n', encoding="utf-8")
    out: list[tuple[list[Article], list[ItemError]]] = []
    reader = threading.Thread(target=lambda: out.append(split(read_articles([fifo, ok]))), daemon=True)
    reader.start()
    reader.join(20)
    if reader.is_alive():  # unblock the reader, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    arts, errs = out[0]
    assert [a.id for a in arts] == ["ok"]
    assert errs[0].where == str(fifo) and "FIFO" in errs[0].message


def _as_nobody(fn: Callable[[], T]) -> T:
    """Run ``fn`` without root's right to read anything (as root: effective uid nobody)."""
    if os.geteuid() != 0:
        return fn()
    os.setegid(65534)
    os.seteuid(65534)
    try:
        return fn()
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_an_unreadable_directory_or_file_is_an_error_not_zero_errors() -> None:
    top = Path(tempfile.mkdtemp())
    try:
        top.chmod(0o755)
        (top / "ok.txt").write_text("Police said 4 people died.\n", encoding="utf-8")
        (top / "locked").mkdir(mode=0o700)
        (top / "locked" / "inside.txt").write_text("Police said 5 people died.\n", encoding="utf-8")
        (top / "secret.jsonl").write_text('{"id": "s", "text": "Police said 6 people died."}\n', encoding="utf-8")
        (top / "secret.jsonl").chmod(0o600)
        arts, errs = _as_nobody(lambda: split(read_articles([top])))
        assert [a.id for a in arts] == ["ok"]
        assert sorted((e.where, e.message.split(":")[0]) for e in errs) == [
            (str(top / "locked"), "cannot read directory"), (str(top / "secret.jsonl"), "cannot open")]
        arts, errs = _as_nobody(lambda: split(read_articles([top / "locked"])))
        assert arts == [] and "cannot read directory" in errs[0].message
    finally:
        shutil.rmtree(top)


# ---- bounded memory: limits enforced while streaming

def test_an_over_long_jsonl_line_is_skipped_and_the_next_line_read(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"id": "big", "text": "' + b"a" * 3000 + b'"}\n')
        fh.write(b'{"id": "next", "text": "Police said 4 people died."}\n')
    arts, errs = split(read_articles([path], Config(max_item_bytes=1000)))
    assert [a.id for a in arts] == ["next"]
    assert errs[0].where == f"{path}:1" and "line of 3,026 bytes is over the per-item limit of 1,000" in errs[0].message


def test_a_gzip_stream_stops_at_the_decompressed_limit(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl.gz"
    line = json.dumps({"text": "Police said 4 people died. " + "x" * 900}) + "\n"
    path.write_bytes(gzip.compress(line.encode() * 100))
    config = Config(max_decompressed_bytes=20_000, max_compression_ratio=1)
    arts, errs = split(read_articles([path], config))
    assert 15 <= len(arts) < 25
    assert len(errs) == 1 and "decompressed input over the limit of 20,000 bytes" in errs[0].message
    assert len(split(read_articles([path]))[0]) == 100  # the defaults let a real file through


# peak RSS of this process alone: VmHWM (ru_maxrss would count the forking pytest's own peak,
# which Linux carries across exec)
MEMORY_PROBE = """
import sys
from pathlib import Path
from newsledger.ingest import read_articles
items = list(read_articles([Path(p) for p in sys.argv[1:]]))
status = Path("/proc/self/status").read_text()
print(next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) // 1024)
for item in items:
    print(type(item).__name__, getattr(item, "id", ""), getattr(item, "message", "")[:90])
"""


def _zeros_gz(path: Path, size: int, prefix: bytes = b"") -> None:
    """``size`` bytes of zeros, gzip-compressed in chunks (about 200 KB for 200 MB)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with path.open("wb") as fh:
        fh.write(comp.compress(prefix))
        chunk = bytes(1 << 20)
        for _ in range(size >> 20):
            fh.write(comp.compress(chunk))
        fh.write(comp.flush())


def test_gzip_bombs_and_a_huge_line_stay_under_300_mb(tmp_path: Path) -> None:
    _zeros_gz(tmp_path / "bomb.jsonl.gz", 200 << 20)
    _zeros_gz(tmp_path / "bomb.warc.gz", 200 << 20, prefix=b"WARC/1.0\r\n")
    _zeros_gz(tmp_path / "bomb.csv.gz", 200 << 20, prefix=b"id,text\n")
    line = tmp_path / "line.jsonl"
    with line.open("wb") as fh:
        fh.write(b'{"id": "huge", "text": "')
        for _ in range(100):
            fh.write(b"a" * (1 << 20))
        fh.write(b'"}\n{"id": "after", "text": "Police said 4 people died."}\n')
    files = [tmp_path / n for n in ("bomb.jsonl.gz", "bomb.warc.gz", "bomb.csv.gz", "line.jsonl")]
    proc = subprocess.run([sys.executable, "-c", MEMORY_PROBE, *map(str, files)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")})
    assert proc.returncode == 0, proc.stderr
    peak_mb, *items = proc.stdout.splitlines()
    assert int(peak_mb) < 300, proc.stdout
    assert [i.split()[0] for i in items] == ["ItemError"] * 4 + ["Article"], items
    assert "over the per-item limit" in items[0] and "without a line break" in items[1], items
    assert items[4].split()[1] == "after"


# ---- CSV: the field-size limit is the per-item limit; a malformed row loses no row after it

def test_a_csv_field_over_the_limit_is_its_rows_error_only(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text('id,text\n'
                    'a,"Police said 4 people died.\n\n' + "More. " * 400 + '"\n'
                    'b,"Officials said 7 people were hurt, and 2 are missing."\n'
                    'c,Rescuers found 3 more people.\n', encoding="utf-8")
    arts, errs = split(read_articles([path], Config(max_item_bytes=1000)))
    assert [a.id for a in arts] == ["b", "c"]
    assert errs[0].where == f"{path}:line 2" and "over the per-item limit of 1,000" in errs[0].message
    assert csv.field_size_limit() == 1000
    assert [a.id for a in split(read_articles([path]))[0]] == ["a", "b", "c"]
    assert csv.field_size_limit() == Config().max_item_bytes
    short_lines = tmp_path / "lines.csv"  # over the limit in many short lines, one with a comma
    short_lines.write_text('id,text\na,"Police said 4 people died.\n' + "More, and more.\n" * 100 + '"\n'
                           'b,Officials said 7 people were hurt.\n', encoding="utf-8")
    arts, errs = split(read_articles([short_lines], Config(max_item_bytes=1000)))
    assert [a.id for a in arts] == ["b"]
    assert errs[0].where == f"{short_lines}:line 2" and "field over the per-item limit" in errs[0].message


def test_an_unclosed_csv_quote_does_not_swallow_the_next_rows(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('id,text,date\n'
                    'a,"Officials said 12 people died,2022-05-01\n'
                    'b,"Police said 4 people were hurt.",2022-05-02\n'
                    'c,Rescuers found 3 more.,2022-05-03\n', encoding="utf-8")
    arts, errs = split(read_articles([path]))
    assert [(a.id, a.text, a.date) for a in arts] == [("b", "Police said 4 people were hurt.", "2022-05-02"),
                                                        ("c", "Rescuers found 3 more.", "2022-05-03")]
    assert errs[0].where == f"{path}:line 2" and "unclosed quote" in errs[0].message
    to_the_end = tmp_path / "open.csv"
    to_the_end.write_text('id,text\na,"Officials said 12 died\nb,Police said 4 were hurt.\nc,Rescuers found 3.\n',
                          encoding="utf-8")
    arts, errs = split(read_articles([to_the_end]))
    assert [a.id for a in arts] == ["b", "c"] and "unclosed quote" in errs[0].message


def test_multi_line_csv_fields_and_a_stray_quote(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text('id,text\n'
                    'a,"Officials said 12 people died.\n\nPolice, on Monday, said 4 were hurt."\n'
                    'b,"The mayor said ""about 30"" were missing."\n'
                    'c,"Stray "quote" here."\n'
                    'd,Rescuers found 3 more.\n', encoding="utf-8")
    arts, errs = split(read_articles([path]))
    assert [a.id for a in arts] == ["a", "b", "d"]
    assert arts[0].text == "Officials said 12 people died.\n\nPolice, on Monday, said 4 were hurt."
    assert arts[1].text == 'The mayor said "about 30" were missing.'
    assert errs[0].where == f"{path}:line 6" and "row skipped" in errs[0].message
