"""Real concurrency for tests against a real database server."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_in_threads(target: Callable[[int], object], count: int) -> list[BaseException]:
    """Starts ``count`` threads that call ``target(n)`` at the same moment (a barrier),
    each on its own database connection; returns what they raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(n: int) -> None:
        try:
            barrier.wait()
            target(n)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors
