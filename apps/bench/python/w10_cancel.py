"""W10: 100,000 tasks parked in sleep(3600), all cancelled, all awaited (timed from creation)."""

import asyncio

from common import check, measure, now, param, read_spec, run, sized

spec = read_spec()


async def main(n):
    parked = 0

    async def sleeper():
        nonlocal parked
        parked += 1
        await asyncio.sleep(3600)

    start = now()
    tasks = [asyncio.create_task(sleeper()) for _ in range(n)]
    await asyncio.sleep(0)  # one iteration: every task parks in its sleep
    check(parked == n, f"{parked} tasks parked, expected {n}")
    for task in tasks:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    seconds = now() - start
    cancelled = sum(1 for r in results if isinstance(r, asyncio.CancelledError))
    check(cancelled == n, f"{cancelled} tasks ended in CancelledError, expected {n}")
    check(all(t.cancelled() for t in tasks), "a task is not cancelled()")
    return dict(n=n, seconds=seconds, rate=n / seconds, unit="tasks/s")


measure(spec, lambda warm: run(spec, lambda: main(sized(int(param(spec, "n")), warm))))
