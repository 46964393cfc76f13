"""W8: 100,000 tasks parked on one asyncio.Event: resident memory per parked task (after gc.collect, before and after)."""

import asyncio
import gc

from common import check, measure, now, param, read_spec, rss_bytes, run

spec = read_spec()


async def main(n):
    parked = 0
    woke = 0

    async def waiter(event):
        nonlocal parked, woke
        parked += 1
        await event.wait()
        woke += 1

    event = asyncio.Event()
    tasks = [None] * n
    gc.collect()
    before = rss_bytes()
    start = now()
    for i in range(n):
        tasks[i] = asyncio.create_task(waiter(event))
    await asyncio.sleep(0)  # one iteration: every task runs up to event.wait()
    seconds = now() - start
    gc.collect()
    after = rss_bytes()
    check(parked == n, f"{parked} tasks parked, expected {n}")
    check(not any(t.done() for t in tasks), "a task finished before the event was set")
    event.set()
    await asyncio.gather(*tasks)
    check(woke == n, f"{woke} tasks woke, expected {n}")
    return dict(n=n, seconds=seconds, rate=(after - before) / n, unit="B/task", rss=after / 1048576)


# No warm-up for W8 (the runner never asks for one): it would leave memory behind for the measured pass to reuse.
measure(spec, lambda warm: run(spec, lambda: main(int(param(spec, "n")))))
