"""W2: 1,000 tasks, each doing 1,000 `await asyncio.sleep(0)`."""

import asyncio

from common import check, measure, now, param, read_spec, run, sized

spec = read_spec()


async def main(tasks_n, switches):
    n = tasks_n * switches
    count = 0

    async def worker():
        nonlocal count
        for _ in range(switches):
            await asyncio.sleep(0)
            count += 1

    start = now()
    await asyncio.gather(*[asyncio.create_task(worker()) for _ in range(tasks_n)])
    seconds = now() - start
    check(count == n, f"{count} switches, expected {n}")
    return dict(n=n, seconds=seconds, rate=n / seconds, unit="switches/s")


measure(
    spec,
    lambda warm: run(
        spec, lambda: main(int(param(spec, "tasks")), sized(int(param(spec, "switches")), warm))
    ),
)
