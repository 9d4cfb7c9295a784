"""newsledger: who reported which figure, about what, for which day, and where sources disagree."""

from .config import Config
from .extract import ExtractResult, extract, process_articles
from .ingest import Article, ItemError, read_articles
from .records import Figure, Statement

__all__ = ["Article", "Config", "ExtractResult", "Figure", "ItemError", "Statement", "extract",
           "process_articles", "read_articles"]
__version__ = "0.1.0"
