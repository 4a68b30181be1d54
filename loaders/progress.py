"""Progress bars (rich) on stderr for big rosters; silent for small ones and for scripts."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator


class Meter:
    """`with meter: ... with meter.task("checking x.csv", total) as tick: tick()` — bars only when
    enabled and the task has at least `threshold` units of work."""

    def __init__(self, enabled: bool = False, threshold: int = 3_000):
        self.enabled, self.threshold = enabled, threshold
        self._progress = None

    def __enter__(self) -> Meter:
        return self

    def _start(self):
        """The live display, started with the first bar shown (small loads print nothing)."""
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self._progress.start()
        return self._progress

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    @contextlib.contextmanager
    def task(self, description: str, total: int, force: bool = False) -> Iterator[Callable[..., None]]:
        """A bar for `total` units of work (shown when enabled and the work is big, or `force`)."""
        if not self.enabled or (total < self.threshold and not force):
            yield _nothing
            return
        progress = self._start()
        task = progress.add_task(description, total=total)
        every, count = max(1, total // 200), 0

        def tick(n: int = 1) -> None:
            nonlocal count
            before, count = count, count + n
            if count // every != before // every or count >= total:
                progress.update(task, completed=count)

        try:
            yield tick
        finally:
            progress.update(task, completed=count, visible=False)


def _nothing(n: int = 1) -> None:
    pass
