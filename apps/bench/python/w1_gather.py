"""W1: spawn 100,000 tasks that each return their index; gather them."""

import asyncio

from common import check, measure, now, param, read_spec, run, sized

spec = read_spec()


async def work(i):
    return i


async def main(n):
    start = now()
    tasks = [asyncio.create_task(work(i)) for i in range(n)]
    results = await asyncio.gather(*tasks)
    seconds = now() - start
    total = sum(results)
    check(len(results) == n, f"{len(results)} results, expected {n}")
    check(total == n * (n - 1) // 2, f"sum {total}, expected {n * (n - 1) // 2}")
    return dict(n=n, seconds=seconds, rate=n / seconds, unit="tasks/s")


measure(spec, lambda warm: run(spec, lambda: main(sized(int(param(spec, "n")), warm))))
