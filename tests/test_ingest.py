from pathlib import Path

from newsledger.ingest import Article, ItemError, read_articles


def _all(*paths: Path) -> list[Article | ItemError]:
    return list(read_articles(list(paths)))


def test_crawl_header_gives_date_and_title(tmp_path: Path) -> None:
    f = tmp_path / "abc.txt"
    f.write_text(" date 2030-01-02 Floods hit the valley\n\nBody starts here.\nSecond line.", encoding="utf-8")
    [a] = _all(f)
    assert isinstance(a, Article)
    assert (a.id, a.date, a.title) == ("abc", "2030-01-02", "Floods hit the valley")
    assert a.text == "Body starts here.\nSecond line."


def test_text_without_header_is_all_body(tmp_path: Path) -> None:
    f = tmp_path / "plain.txt"
    f.write_text("Just a body.", encoding="utf-8")
    [a] = _all(f)
    assert isinstance(a, Article) and a.date is None and a.text == "Just a body."


def test_jsonl_fields_and_bad_lines_reported_with_line_numbers(tmp_path: Path) -> None:
    f = tmp_path / "feed.jsonl"
    f.write_text('{"id": "a1", "date": "2030-05-01", "outlet": "Wire", "text": "One."}\n'
                 "{not json\n"
                 '{"id": "a2", "text": ""}\n'
                 '["a list"]\n'
                 '{"text": "No id here.", "date": "garbage"}\n', encoding="utf-8")
    out = _all(f)
    arts = [x for x in out if isinstance(x, Article)]
    errs = [x for x in out if isinstance(x, ItemError)]
    assert [a.id for a in arts] == ["a1", "feed-5"]
    assert arts[0].outlet == "Wire" and arts[1].date is None
    assert [e.where for e in errs] == [f"{f}:2", f"{f}:3", f"{f}:4"]
    assert "malformed JSON" in errs[0].message


def test_bad_files_become_item_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "garbage.txt").write_bytes(bytes(range(128, 256)) * 4)
    (tmp_path / "good.txt").write_text("Fine text.", encoding="utf-8")
    out = _all(tmp_path, tmp_path / "missing.txt")
    msgs = {Path(e.where).name: e.message for e in out if isinstance(e, ItemError)}
    assert msgs["empty.txt"] == "empty input"
    assert "binary" in msgs["binary.txt"]
    assert "garbage.txt" in msgs or any(a.id == "garbage" for a in out if isinstance(a, Article))
    assert "no such file" in msgs["missing.txt"]
    assert "good" in [a.id for a in out if isinstance(a, Article)]


def test_duplicate_ids_are_reported_once(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text('{"id": "x", "text": "One."}\n{"id": "x", "text": "Two."}\n', encoding="utf-8")
    out = _all(f)
    assert isinstance(out[0], Article) and isinstance(out[1], ItemError)
    assert "duplicate" in out[1].message


def test_a_text_of_only_nul_characters_is_an_item_error(tmp_path: Path) -> None:
    """A UTF-8 BOM followed by NUL bytes decodes (the BOM names the encoding), and the NULs, which
    no store accepts, are removed: what is left is no article, said as an error (found by
    hypothesis in tests/test_fuzz.py)."""
    (tmp_path / "input.txt").write_bytes(b"\xef\xbb\xbf\x00\x00")
    (tmp_path / "rows.jsonl").write_text('{"id": "r1", "text": "\\u0000\\u0000 "}\n', encoding="utf-8")
    items = list(read_articles([tmp_path / "input.txt", tmp_path / "rows.jsonl"]))
    assert [type(i) for i in items] == [ItemError, ItemError], items
    assert all("only NUL characters" in i.message for i in items)
