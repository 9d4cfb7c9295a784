"""Command line: thin wrappers over library calls."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import DEFAULT_MODEL, Config
from .extract import ExtractResult, extract
from .ingest import Article, ItemError
from .pipeline import ModelNotFound
from .records import Figure, Statement


@click.group()
@click.version_option(package_name="newsledger")
def main() -> None:
    """newsledger: who reported which figure, about what, for which day."""


def write_jsonl(records: list[Figure | Statement], out: TextIO) -> None:
    for r in records:
        out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")


def render_table(result: ExtractResult, console: Console) -> None:
    figs = Table(title="Figures", show_lines=False, expand=True)
    for col in ("doc", "figure", "value", "hedge", "counted", "category", "source", "date", "qty"):
        figs.add_column(col, overflow="fold")
    for f in result.figures:
        value = f"{f.value:,}" + (f"–{f.value_high:,}" if f.value_high is not None else "")
        if f.unit:
            value += f" {f.unit}"
        figs.add_row(f.doc, f.text, value, f.qualifier, f.counted or "", f.category, f.source or "(article)",
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
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write records here instead of standard output.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="Installed spaCy English pipeline.")
@click.option("--batch-size", default=32, show_default=True, type=int)
@click.option("--n-process", default=1, show_default=True, type=int)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def extract_cmd(inputs: tuple[Path, ...], output: Path | None, fmt: str, model: str, batch_size: int,
                n_process: int, quiet: bool) -> None:
    """Extract figures and statements from articles (crawl text files, JSONL, directories).

    Exit status is 0 when every item was read, 1 when some items failed (their
    errors are printed; the rest is still written).

    Example:

        newsledger extract articles.jsonl -o records.jsonl
    """
    err = Console(stderr=True)
    config = Config(model=model, batch_size=batch_size, n_process=n_process)
    show = not quiet and err.is_terminal
    progress = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[errors]} errors"), TimeElapsedColumn(),
                        console=err, disable=not show, transient=True)
    with progress:
        task = progress.add_task("extract", total=None, errors=0)
        counts = {"errors": 0}

        def tick(item: Article | ItemError) -> None:
            if isinstance(item, ItemError):
                counts["errors"] += 1
            progress.update(task, advance=1, errors=counts["errors"])

        try:
            result = extract(list(inputs), config, on_item=tick)
        except ModelNotFound as exc:
            raise click.ClickException(str(exc)) from exc
    for e in result.errors:
        err.print(f"[red]error[/red] {e}", highlight=False, markup=True, soft_wrap=True)
    if fmt == "table":
        console = Console(file=output.open("w", encoding="utf-8") if output else sys.stdout, width=160)
        render_table(result, console)
    elif output:
        with output.open("w", encoding="utf-8") as fh:
            write_jsonl(result.records, fh)
    else:
        write_jsonl(result.records, sys.stdout)
    if not quiet:
        err.print(f"{result.articles} articles, {len(result.figures)} figures, "
                  f"{len(result.statements)} statements, {len(result.errors)} errors", highlight=False)
    if result.errors:
        sys.exit(1)
