"""Command line: thin wrappers over library calls."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import DEFAULT_MODEL, Config
from .extract import ExtractResult, extract
from .failures import explain, mask_url, replaced_atomically
from .ingest import ItemError
from .pipeline import ModelNotFound
from .records import Figure, Statement

T = TypeVar("T")
DB_HELP = "Store: a SQLite file (default newsledger.db) or a postgresql:// URL."
INPUTS_HELP = ("Files, directories, http(s) URLs (pages or feeds) or - for stdin: crawl text, HTML, WARC(.gz), "
               "RSS/Atom, JSONL(.gz), JSON, CSV/TSV.")


def input_options(f: Any) -> Any:
    """Options shared by commands that read articles."""
    f = click.option("--field", "fields", multiple=True, metavar="OURS=THEIRS",
                     help="Map an article field (id, text, date, title, outlet, url) to a column name in "
                          "CSV/JSONL input, e.g. --field text=body.")(f)
    f = click.option("--fetch-linked", is_flag=True, help="Feeds: fetch each entry's linked page for its full text.")(f)
    f = click.option("--keep-non-english", is_flag=True, help="Process articles that do not look English.")(f)
    f = click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write a JSON run report (counts and every per-item error) to this file.")(f)
    return f


def build_config(model: str, batch_size: int, n_process: int | None, fields: tuple[str, ...], fetch_linked: bool,
                 keep_non_english: bool) -> Config:
    pairs = []
    for item in fields:
        ours, sep, theirs = item.partition("=")
        if not sep or ours not in ("id", "text", "date", "title", "outlet", "url") or not theirs:
            raise click.BadParameter(f"{item!r}: expected OURS=THEIRS with OURS one of id, text, date, title, "
                                     "outlet, url", param_hint="--field")
        pairs.append((ours, theirs))
    return Config(model=model, batch_size=batch_size, n_process=n_process, fields=tuple(pairs),
                  fetch_linked=fetch_linked, skip_non_english=not keep_non_english)


def write_report(path: Path | None, counts: dict[str, Any], errors: list[ItemError],
                 warnings: list[ItemError] | None = None) -> None:
    if path is None:
        return
    payload = {**counts, "errors": [{"where": e.where, "message": e.message} for e in errors],
               "warnings": [{"where": w.where, "message": w.message} for w in warnings or []]}
    with replaced_atomically(path) as tmp:
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


class _Commands(click.Group):
    """The command group with one error handler: any failure escaping a command becomes one line
    saying what failed and what to do (exit 1); ``--debug`` keeps the traceback instead."""

    def invoke(self, ctx: click.Context) -> Any:
        args = [*ctx._protected_args, *ctx.args]  # the command's own arguments (consumed by invoke)
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(explain(exc, _db_arg(args))) from exc


def _db_arg(args: list[str]) -> str:
    """The --db a command was given (the default store otherwise), to name it in a message."""
    for i, a in enumerate(args):
        if a == "--db" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--db="):
            return a[len("--db="):]
    return "newsledger.db"


@click.group(cls=_Commands)
@click.version_option(package_name="newsledger")
@click.option("--debug", is_flag=True, help="Show the full traceback when a command fails.")
def main(debug: bool) -> None:
    """newsledger: who reported which figure, about what, for which day."""


def write_jsonl(records: list[Figure | Statement], out: TextIO) -> None:
    for r in records:
        out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")


def render_table(result: ExtractResult, console: Console) -> None:
    from .words import human

    figs = Table(title="Figures", show_lines=False, expand=True)
    for col in ("doc", "figure", "value", "hedge", "counted", "category", "source", "date", "qty"):
        figs.add_column(col, overflow="fold")
    for f in result.figures:
        value = f"{f.value:,}" + (f"–{f.value_high:,}" if f.value_high is not None else "")
        if f.unit:
            value += f" {f.unit}"
        figs.add_row(f.doc, f.text, value, human(f.qualifier), f.counted or "", f.category, f.source or "(article)",
                     f.event_date or "", f.quantity or "")
    console.print(figs)
    st = Table(title="Statements", expand=True)
    for col in ("doc", "speaker", "cue", "direct", "words"):
        st.add_column(col, overflow="fold")
    for s in result.statements:
        words = s.text if len(s.text) <= 120 else s.text[:117] + "..."
        st.add_row(s.doc, s.speaker or "?", s.cue or "(continues)", "yes" if s.direct else "", words)
    console.print(st)


@main.command("extract")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write records here instead of standard output.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="Installed spaCy English pipeline.")
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(min=1))
@click.option("--n-process", type=click.IntRange(min=1),
              help="Processes that parse [default: one per core, once more than 100 articles wait].")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@input_options
def extract_cmd(inputs: tuple[str, ...], output: Path | None, fmt: str, model: str, batch_size: int,
                n_process: int | None, quiet: bool, fields: tuple[str, ...], fetch_linked: bool, keep_non_english: bool,
                report_path: Path | None) -> None:
    """Extract figures and statements from articles (crawl text files, JSONL, directories).

    Exit status is 0 when every item was read, 1 when some items failed (their
    errors are printed; the rest is still written).

    Example:

        newsledger extract articles.jsonl -o records.jsonl
    """
    err = Console(stderr=True)
    config = build_config(model, batch_size, n_process, fields, fetch_linked, keep_non_english)
    result = with_progress(err, quiet, "extracting", lambda tick: extract(list(inputs), config, on_item=tick))
    for e in result.errors:
        err.print(f"[red]error[/red] {e}", highlight=False, markup=True, soft_wrap=True)
    for w in result.warnings:
        err.print(f"[yellow]warning[/yellow] {w}", highlight=False, soft_wrap=True)
    if fmt == "table" and output:
        with replaced_atomically(output) as tmp, tmp.open("w", encoding="utf-8") as fh:
            render_table(result, Console(file=fh, width=160))
    elif fmt == "table":
        render_table(result, Console(file=sys.stdout, width=160))
    elif output:
        with replaced_atomically(output) as tmp, tmp.open("w", encoding="utf-8") as fh:
            write_jsonl(result.records, fh)
    else:
        write_jsonl(result.records, sys.stdout)
    if not quiet:
        err.print(f"{result.articles} articles, {len(result.figures)} figures, "
                  f"{len(result.statements)} statements, {len(result.errors)} errors", highlight=False)
    write_report(report_path, {"articles": result.articles, "figures": len(result.figures),
                               "statements": len(result.statements)}, result.errors, result.warnings)
    if result.errors:
        sys.exit(1)


def with_progress(err: Console, quiet: bool, label: str, work: Callable[[Callable[[Any], None]], T]) -> T:
    """Run ``work(tick)`` under a progress bar showing items, articles/s and errors so far
    (only on a terminal, never with --quiet); model errors become clean CLI errors."""
    progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]} art/s, {task.fields[errors]} errors"), TimeElapsedColumn(),
                        console=err, disable=quiet or not err.is_terminal, transient=True)
    started = time.perf_counter()
    with progress:
        task = progress.add_task(label, total=None, errors=0, rate="0.0")
        counts = {"errors": 0, "n": 0}

        def tick(item: Any) -> None:
            counts["n"] += 1
            counts["errors"] += isinstance(item, ItemError)
            rate = counts["n"] / max(1e-6, time.perf_counter() - started)
            progress.update(task, advance=1, errors=counts["errors"], rate=f"{rate:.1f}")

        from .store import StoreError

        try:
            return work(tick)
        except (ModelNotFound, StoreError) as exc:
            raise click.ClickException(str(exc)) from exc


@main.command("analyze")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--db", "db", default="newsledger.db", show_default=True, help=DB_HELP)
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="Installed spaCy English pipeline.")
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(min=1))
@click.option("--n-process", type=click.IntRange(min=1),
              help="Processes that parse [default: one per core, once more than 100 articles wait].")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Run extraction on a local Dask cluster of this many worker processes.")
@click.option("--cluster", "scheduler", metavar="tcp://HOST:8786",
              help="Run extraction on an existing Dask cluster (use a postgresql:// store).")
@input_options
def analyze_cmd(inputs: tuple[str, ...], db: str, model: str, batch_size: int, n_process: int | None, quiet: bool,
                workers: int | None, scheduler: str | None, fields: tuple[str, ...], fetch_linked: bool,
                keep_non_english: bool, report_path: Path | None) -> None:
    """Add articles to the ledger store: extract, deduplicate, group figures into quantities
    across articles and flag conflicts. Unchanged articles are skipped, so reruns are cheap.

    Example:

        newsledger analyze examples/articles --db ledger.db
    """
    from .store import analyze

    err = Console(stderr=True)
    config = build_config(model, batch_size, n_process, fields, fetch_linked, keep_non_english)
    if workers or scheduler:
        from .distributed import analyze_distributed

        if scheduler and not db.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            err.print("warning: a SQLite store only works when every worker runs on this machine", highlight=False)

        def work(tick: Callable[[Any], None]) -> Any:
            def part(res: dict[str, Any]) -> None:
                for _ in range(res["staged"] + res["unchanged"] + len(res["errors"])):
                    tick(None)

            try:
                return analyze_distributed(list(inputs), db, config, workers=workers or 2, scheduler=scheduler,
                                           on_partition=part)
            except ValueError as exc:
                raise click.ClickException(mask_url(str(exc))) from exc

        report = with_progress(err, quiet, "analyzing (dask)", work)
    else:
        report = with_progress(err, quiet, "analyzing", lambda tick: analyze(list(inputs), db, config, on_item=tick))
    for e in report.errors:
        err.print(f"[red]error[/red] {e}", highlight=False, soft_wrap=True)
    for w in report.warnings:
        err.print(f"[yellow]warning[/yellow] {w}", highlight=False, soft_wrap=True)
    if not quiet:
        err.print(f"{report.added} added, {report.replaced} replaced, {report.unchanged} unchanged, "
                  f"{report.duplicates} near-duplicates, {len(report.errors)} errors; "
                  f"{report.quantities_updated} quantities updated in {mask_url(db)}", highlight=False)
    write_report(report_path, {"added": report.added, "replaced": report.replaced, "unchanged": report.unchanged,
                               "duplicates": report.duplicates, "quantities_updated": report.quantities_updated},
                 report.errors, report.warnings)
    if report.errors:
        sys.exit(1)


def _store(db: str) -> Any:
    """The store for a read command: it must exist (a mistyped path is an error, not a new empty
    store) and is opened read-only."""
    from .store import Store, StoreError

    try:
        return Store(db, create=False)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command("quantities")
@click.option("--db", "db", default="newsledger.db", show_default=True, help=DB_HELP)
@click.option("--contested", is_flag=True, help="Only quantities whose figures disagree.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def quantities_cmd(db: str, contested: bool, limit: int, fmt: str) -> None:
    """The ledger: each quantity with every figure reported for it, by source and date, with the quote.
    Each table starts with the quantity's id, for `timeline --quantity ID` and `conflicts --quantity ID`.

    Example:

        newsledger quantities --db ledger.db --contested
    """
    from .report import as_dict, citation_text, ledger
    from .words import human, plural

    with _store(db) as store:
        views = ledger(store, contested_only=contested, limit=limit, min_figures=1)
    if fmt == "json":
        click.echo(json.dumps(as_dict(views), ensure_ascii=False, indent=1))
        return
    console = Console(width=160)
    for q in views:
        story = f"  ({q.story_label})" if q.story_label else ""
        t = Table(title=f"{q.id}  {q.label}{story}\n{plural(q.n_figures, 'figure')}, {plural(q.n_sources, 'source')}"
                        f", {plural(q.n_outlets, 'outlet')}, {plural(q.n_disputes, 'same-day dispute')}, "
                        f"{plural(q.n_revisions, 'revision')}", expand=True, title_justify="left")
        for col in ("date", "figure", "source", "outlet", "quote"):
            t.add_column(col, overflow="fold")
        for f in q.figures:
            kind = f" ({human(f.source_kind)})" if f.source_kind else ""
            t.add_row(f.event_date or "undated", f.display + (f"\n{f.value_note}" if f.value_note else ""),
                      (f.source or "(the article itself)") + kind, citation_text(f.citation), f.citation.quote.strip())
        console.print(t)


@main.command("conflicts")
@click.option("--db", "db", default="newsledger.db", show_default=True, help=DB_HELP)
@click.option("--kind", type=click.Choice(["dispute", "revision", "across_days", "undated"]),
              help="Only one kind of disagreement.")
@click.option("--quantity", "quantity_id", help="Only this quantity id.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1),
              help="Groups (source pairs) to show.")
@click.option("--per-quantity", default=5, show_default=True, type=click.IntRange(min=1),
              help="Groups (source pairs) to show per quantity; the rest are counted (see --quantity).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def conflicts_cmd(db: str, kind: str | None, quantity_id: str | None, limit: int, per_quantity: int,
                  fmt: str) -> None:
    """Figures of one quantity that cannot both be true (the spec's interval rule), one row per
    quantity and source pair with how many such pairs there are, newest first, at most
    --per-quantity rows per quantity: a revision when one source changed its figure (earlier ->
    later), a dispute when two sources differ about the same day, across_days when they speak of
    different days, undated when a day is unknown.

    Example:

        newsledger conflicts --db ledger.db --kind dispute
    """
    from .report import as_dict, disagreements
    from .words import human, plural

    with _store(db) as store:
        shown, more = disagreements(store, kind=kind, quantity_id=quantity_id, limit=limit, pairs_per_group=1,
                                    per_quantity=None if quantity_id else per_quantity)
    if fmt == "json":
        click.echo(json.dumps(as_dict(shown), ensure_ascii=False, indent=1))
        return
    t = Table(title="Conflicts", expand=True)
    for col in ("quantity", "kind", "newest: one side", "other side", "pairs"):
        t.add_column(col, overflow="fold")

    def side(f: Any) -> str:
        return (f"“{f.text}” — {f.source or '(the article itself)'}, {f.event_date or 'undated'} "
                f"({f.citation.outlet or f.citation.article_id}, #{f.id})")

    for g in shown:
        c = g.pairs[0]
        label = f"{g.quantity_label} ({g.quantity_id})" + (f"\n{g.story_label}" if g.story_label else "")
        t.add_row(label, human(g.kind), side(c.a), side(c.b), str(g.n_pairs))
        if g.more_in_quantity:
            t.add_row("", "", f"… and {plural(g.more_in_quantity, 'more source pair')} for this quantity "
                              f"(conflicts --quantity {g.quantity_id})", "", "")
    Console(width=160).print(t)
    if more:
        click.echo(f"(more groups: raise --limit above {limit})")


@main.command("timeline")
@click.option("--db", "db", default="newsledger.db", show_default=True, help=DB_HELP)
@click.option("--quantity", "quantity_id", help="Only this quantity id (ids are in `quantities`).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def timeline_cmd(db: str, quantity_id: str | None, fmt: str) -> None:
    """Day by day: which figures were reported for that day, by whom; figures whose day is unknown
    are listed last, under "undated".

    Example:

        newsledger timeline --db ledger.db
    """
    from .report import as_dict, timeline
    from .words import human

    with _store(db) as store:
        days = timeline(store, quantity_id=quantity_id)
    if fmt == "json":
        click.echo(json.dumps(as_dict(days), ensure_ascii=False, indent=1))
        return
    t = Table(title="Timeline", expand=True)
    for col in ("day", "figure", "what", "source", "outlet", "quantity"):
        t.add_column(col, overflow="fold")
    for d in days:
        for i, f in enumerate(d.figures):
            t.add_row(d.date if i == 0 else "", f.display, f"{f.counted or ''} ({human(f.category)})".strip(),
                      f.source or "(the article itself)", f.citation.outlet or f.citation.article_id,
                      f.quantity_id or "")
    Console(width=160).print(t)


@main.command("brief")
@click.option("--db", "db", default="newsledger.db", show_default=True, help=DB_HELP)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("briefing"),
              show_default=True, help="Directory for brief.md and brief.html.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1),
              help="How many stories, newest first.")
@click.option("--title", default="newsledger briefing", show_default=True)
def brief_cmd(db: str, output: Path, top: int, title: str) -> None:
    """A briefing in Markdown and HTML, as of the newest publication day: one section per story
    with, for each count of people, the latest figure of every source, the reconciled estimate and
    the same-day disputes; every figure cited to outlet, date, exact words and URL (footnotes in
    brief.md, links in brief.html).

    Example:

        newsledger brief --db ledger.db -o briefing/
    """
    from .report import brief

    with _store(db) as store:
        b = brief(store, top=top, title=title)
    output.mkdir(parents=True, exist_ok=True)
    for name, text in (("brief.md", b.markdown), ("brief.html", b.html)):
        with replaced_atomically(output / name) as tmp:  # a full disk never leaves half a brief
            tmp.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output / 'brief.md'} and {output / 'brief.html'}")


@main.command("export")
@click.option("--db", "db", default="newsledger.db", show_default=True, help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet", "corrections"]), required=True,
              help="corrections: the analyst's corrections as JSONL (see `newsledger correct`).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Output file (default stdout).")
@click.option("--raw-csv", is_flag=True, help="CSV: keep cells starting with = + - @ as they are (by default they "
                                              "get a leading ' so a spreadsheet cannot run them as formulas).")
def export_cmd(db: str, fmt: str, output: Path | None, raw_csv: bool) -> None:
    """Export the ledger: jsonl is exactly the spec's records (figures with cross-article quantity
    ids, and statements); csv and parquet are one row per figure with its quote. CSV cells that a
    spreadsheet would run as formulas are neutralised (see --raw-csv).

    Example:

        newsledger export --db ledger.db --format jsonl -o ledger.jsonl
    """
    from .report import export

    if fmt == "parquet" and output is None:
        raise click.UsageError("parquet needs -o FILE")
    with _store(db) as store:
        if output is None:
            n = export(store, fmt, sys.stdout, raw_csv=raw_csv)
        else:
            with replaced_atomically(output) as tmp:
                n = export(store, fmt, tmp, raw_csv=raw_csv)
    if output:
        click.echo(f"wrote {n} rows to {output}", err=True)


@main.command("serve")
@click.option("--db", "db", default="newsledger.db", show_default=True, help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--write-token", "--ingest-token", "write_token",
              envvar=["NEWSLEDGER_WRITE_TOKEN", "NEWSLEDGER_INGEST_TOKEN"],
              help="Enable writing for callers presenting this token: POST /api/ingest and /api/corrections "
                   "(bearer token), and correction forms after signing in at /signin (off by default; "
                   "--ingest-token is the old name).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header names NAME (default: the bound address and localhost).")
def serve_cmd(db: str, host: str, port: int, write_token: str | None, allow_hosts: tuple[str, ...]) -> None:
    """Browse the ledger in a web browser: quantities with charts, articles with highlighted
    figures and statements, sources, search. Read-only unless an ingest token is given.

    Example:

        newsledger serve --db ledger.db --port 8000
    """
    from .web import serve

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}, reachable from other machines", err=True)
    # read-only unless writing is on: a mistyped --db is an error, not a new empty store
    serve(db, host=host, port=port, write_token=write_token, allow_hosts=allow_hosts,
          store=None if write_token else _store(db))


# ---------------------------------------------------------------- corrections


def _correction_options(f: Any) -> Any:
    f = click.option("--by", "who", help="Who makes it (default: the OS user).")(f)
    f = click.option("--why", default="", help="Why: shown next to the correction on every page.")(f)
    return click.option("--db", "db", default="newsledger.db", show_default=True, help=DB_HELP)(f)


def _apply(db: str, kind: str, target: str, value: str | None, why: str, who: str | None) -> None:
    from .corrections import CorrectionError, correct
    from .store import Store

    with Store(_existing(db)) as store:
        try:
            c = correct(store, kind, target, value, who=who, why=why)
        except CorrectionError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"#{c.id} {c.what}: {c.status or 'recorded'}")


def _existing(db: str) -> str:
    """A store to correct must exist (a mistyped --db is an error, not a new empty store)."""
    _store(db).close()
    return db


@main.group("correct")
def correct_group() -> None:
    """Correct the ledger by hand; corrections survive `analyze` reruns and can be undone.

    Figures are named by the id the web app and `quantities --format json` show (or
    ARTICLE@START-END); sources and stories by their ids.

    Example:

        newsledger correct category 42 injured --why "the quote says wounded" --db ledger.db
    """


@correct_group.command("merge-sources")
@click.argument("keep")
@click.argument("other")
@_correction_options
def correct_merge_sources(keep: str, other: str, db: str, why: str, who: str | None) -> None:
    """OTHER becomes an alias of KEEP: its figures and statements are KEEP's."""
    _apply(db, "merge-sources", other, keep, why, who)


@correct_group.command("split-source")
@click.argument("source", required=False)
@click.argument("name", required=False)
@click.option("--figure", "fig", help="Split this figure's source off instead (NAME optional).")
@_correction_options
def correct_split_source(source: str | None, name: str | None, fig: str | None, db: str, why: str,
                         who: str | None) -> None:
    """The alias NAME of SOURCE is a separate source (or, with --figure FIG [NAME], that figure's)."""
    if fig is not None:
        _apply(db, "split-source", fig, name or source, why, who)
        return
    if not source or not name:
        raise click.UsageError("give SOURCE and NAME, or --figure FIG")
    _apply(db, "split-source", source, name, why, who)


@correct_group.command("move-figure")
@click.argument("fig")
@click.argument("quantity")
@_correction_options
def correct_move_figure(fig: str, quantity: str, db: str, why: str, who: str | None) -> None:
    """Move figure FIG to QUANTITY (a quantity id of the same story)."""
    _apply(db, "move-figure", fig, quantity, why, who)


@correct_group.command("not-a-figure")
@click.argument("fig")
@_correction_options
def correct_not_a_figure(fig: str, db: str, why: str, who: str | None) -> None:
    """FIG is not a figure: it leaves its quantity and the exports."""
    _apply(db, "not-a-figure", fig, None, why, who)


@correct_group.command("category")
@click.argument("fig")
@click.argument("category")
@_correction_options
def correct_category(fig: str, category: str, db: str, why: str, who: str | None) -> None:
    """Set the category of FIG (killed, injured, …); it moves to that category's quantity."""
    _apply(db, "category", fig, category, why, who)


@correct_group.command("date")
@click.argument("fig")
@click.argument("day", metavar="YYYY-MM-DD")
@_correction_options
def correct_date(fig: str, day: str, db: str, why: str, who: str | None) -> None:
    """Set the event date of FIG."""
    _apply(db, "date", fig, day, why, who)


@correct_group.command("rename-story")
@click.argument("story")
@click.argument("label")
@_correction_options
def correct_rename_story(story: str, label: str, db: str, why: str, who: str | None) -> None:
    """Give STORY the label LABEL."""
    _apply(db, "rename-story", story, label, why, who)


@correct_group.command("merge-stories")
@click.argument("keep")
@click.argument("other")
@_correction_options
def correct_merge_stories(keep: str, other: str, db: str, why: str, who: str | None) -> None:
    """The articles of story OTHER join story KEEP."""
    _apply(db, "merge-stories", other, keep, why, who)


@correct_group.command("list")
@click.option("--db", "db", default="newsledger.db", show_default=True, help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def correct_list(db: str, fmt: str) -> None:
    """Every correction, newest first: who, when, why, applied or not, undone."""
    from .corrections import list_corrections

    with _store(db) as store:
        rows = list_corrections(store)
    if fmt == "json":
        click.echo(json.dumps([c.as_dict() for c in rows], ensure_ascii=False, indent=1))
        return
    t = Table(title="Corrections", expand=True)
    for col in ("id", "correction", "who", "when", "why", "status"):
        t.add_column(col, overflow="fold")
    for c in rows:
        status = f"undone by {c.undone_by} on {c.undone_at[:10]}" if c.undone_at else (c.status or "")
        t.add_row(str(c.id), c.what, c.who, c.made_at[:16].replace("T", " "), c.why, status)
    Console(width=160).print(t)


@correct_group.command("undo")
@click.argument("cid", metavar="ID", type=int)
@click.option("--db", "db", default="newsledger.db", show_default=True, help=DB_HELP)
@click.option("--by", "who", help="Who undoes it (default: the OS user).")
def correct_undo(cid: int, db: str, who: str | None) -> None:
    """Undo correction ID: it stays listed, marked undone, and the automatic result is back."""
    from .corrections import CorrectionError, undo
    from .store import Store

    with Store(_existing(db)) as store:
        try:
            c = undo(store, cid, who=who)
        except CorrectionError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"#{c.id} undone: {c.what}")


if __name__ == "__main__":
    main()
