"""Worker processes for the parse: each loads the pipeline once and turns chunks of articles
into picklable results, so that ``--n-process 2`` really uses two cores.

spaCy's own ``nlp.pipe(n_process=...)`` sends whole Docs back with msgpack, which cannot carry
our Doc extensions (sets, dataclasses): every chunk failed and ran in the parent. Here a worker
returns only what the parent needs (``extract.ArticleResult``s, the chunk's item errors), far
less than Docs. Results come back in input order; at most ``IN_FLIGHT_PER_WORKER`` chunks per
worker are submitted ahead, so a feed of millions of articles is never read into memory. A
worker that dies (killed, out of memory) loses nothing: the chunks it and its pool had in flight
are processed again in the parent, with a warning, and a fresh pool takes the rest.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from .config import Config

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

IN_FLIGHT_PER_WORKER = 2  # one chunk being parsed, one waiting: a worker never idles on the parent
MAX_RESTARTS = 2  # pools started again after workers died; after that the parent does the rest

_config: Config | None = None


def _init(config: Config) -> None:
    """Runs once in each worker: load the pipeline before the first chunk arrives."""
    global _config
    from . import pipeline

    _config = config
    pipeline.load(config)


def worker_config() -> Config:
    """The run's config inside a worker process."""
    if _config is None:
        raise RuntimeError("not in a newsledger worker process")
    return _config


def _ping() -> int:
    return os.getpid()


class Workers:
    """A pool of ``config.processes()`` worker processes, started on first use (``spawn``, not
    ``fork``: the parent may hold threads, such as the progress bar's or a database pool's), and
    shared by the passes of one run (the parse, then the re-dating of year-less articles), so
    the workers' start-up is paid once. Use as a context manager; closing stops the workers."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.n = config.processes()
        self.pids: set[int] = set()  # the workers that returned a chunk (tests check it is not us)
        self.restarts = 0
        self._pool: ProcessPoolExecutor | None = None

    @property
    def enabled(self) -> bool:
        return self.n > 1 and self.restarts <= MAX_RESTARTS

    @property
    def started(self) -> bool:
        return self._pool is not None

    @property
    def running(self) -> bool:
        """A pool is up and takes work (the passes after the parse use it only then)."""
        return self.started and self.enabled

    def start(self) -> None:
        """Start the workers and wait until each has loaded the pipeline (a failure to start
        shows on the first chunk, which then runs in the parent)."""
        if self._pool is not None:
            return
        self._pool = ProcessPoolExecutor(self.n, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_init, initargs=(self.config,))
        pings = [self._pool.submit(_ping) for _ in range(self.n)]  # one submit spawns one worker
        for p in pings:
            try:
                p.result()
            except Exception:  # reported when a chunk meets the broken pool
                break

    def worker_pids(self) -> list[int]:
        """The pids of the live worker processes."""
        procs: dict[int, Any] = getattr(self._pool, "_processes", None) or {}
        return sorted(procs)

    def map(self, fn: Callable[[T], R], chunks: Iterable[T], fallback: Callable[[T], R]) -> Iterator[R]:
        """``fn(chunk)`` in the workers for each chunk, results in input order; a chunk whose
        worker failed is ``fallback(chunk)`` in this process. ``fn`` must be a module-level
        function (it is pickled by name)."""
        flight: deque[tuple[T, Future[Any] | None, ProcessPoolExecutor | None]] = deque()
        try:
            for chunk in chunks:
                flight.append((chunk, self._submit(fn, chunk), self._pool))
                yield from self._drain(flight, fallback, keep=IN_FLIGHT_PER_WORKER * self.n - 1)
            yield from self._drain(flight, fallback)
        finally:
            _cancel(flight)  # the consumer stopped early: drop what is queued

    def submit_all(self, fn: Callable[[T], R], chunks: Iterable[T], fallback: Callable[[T], R]) -> Iterator[R]:
        """:meth:`map` with every chunk submitted now, before any result is asked for: for a
        few chunks whose results this process wants only after some work of its own (the
        re-dating's parse, while the stories are linked)."""
        flight = deque((chunk, self._submit(fn, chunk), self._pool) for chunk in chunks)

        def results() -> Iterator[R]:
            try:
                yield from self._drain(flight, fallback)
            finally:
                _cancel(flight)
        return results()

    def _drain(self, flight: deque[tuple[T, Future[Any] | None, ProcessPoolExecutor | None]],
               fallback: Callable[[T], R], keep: int = 0) -> Iterator[R]:
        """The results of the oldest chunks in flight, in order, until ``keep`` are left."""
        while len(flight) > keep:
            yield self._resolve(*flight.popleft(), fallback)

    def _submit(self, fn: Callable[[T], R], chunk: T) -> Future[Any] | None:
        if not self.enabled:
            return None
        self.start()
        assert self._pool is not None
        try:
            return self._pool.submit(_call, fn, chunk)
        except (BrokenProcessPool, RuntimeError) as exc:
            self._broken(self._pool, exc)
            return None

    def _resolve(self, chunk: T, fut: Future[Any] | None, pool: ProcessPoolExecutor | None,
                 fallback: Callable[[T], R]) -> R:
        if fut is not None:
            try:
                result, pid = fut.result()
            except Exception as exc:  # a dead worker or a result that would not pickle
                self._broken(pool, exc)
            else:
                self.pids.add(pid)
                return result  # type: ignore[no-any-return]
        return fallback(chunk)

    def _broken(self, pool: ProcessPoolExecutor | None, exc: BaseException) -> None:
        """Say once per pool that its chunks now run here, and let a fresh pool take the rest
        (the other chunks of a pool already given up on just run here)."""
        if pool is None or pool is not self._pool:
            return
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None
        self.restarts += 1
        more = "a new pool takes the rest" if self.enabled else "so does the rest of the run"
        log.warning("a newsledger worker process failed (%s: %s); the chunks it and the other workers had in "
                    "hand are processed again in this process, and %s", type(exc).__name__,
                    str(exc).strip().splitlines()[-1] if str(exc).strip() else "", more)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _cancel(flight: Iterable[tuple[Any, Future[Any] | None, Any]]) -> None:
    for _, fut, _pool in flight:
        if fut is not None:
            fut.cancel()


def _call(fn: Callable[[Any], Any], chunk: Any) -> tuple[Any, int]:
    return fn(chunk), os.getpid()
