"""W4: 100 tasks take one asyncio.Lock 200,000 times in all, each holding it across one sleep(0)."""

import asyncio

from common import check, fail, measure, now, param, read_spec, run, sized

spec = read_spec()
tasks_n = int(param(spec, "tasks"))


async def main(n):
    check(n % tasks_n == 0, f"n={n} must be a multiple of tasks={tasks_n}")
    share = n // tasks_n
    holders = 0
    count = 0

    async def worker(lock):
        nonlocal holders, count
        for _ in range(share):
            async with lock:
                holders += 1
                if holders != 1:
                    fail(f"{holders} holders of the lock at once")
                await asyncio.sleep(0)
                holders -= 1
                count += 1

    lock = asyncio.Lock()
    start = now()
    await asyncio.gather(*[asyncio.create_task(worker(lock)) for _ in range(tasks_n)])
    seconds = now() - start
    check(count == n, f"{count} acquisitions, expected {n}")
    check(not lock.locked(), "the lock is still held")
    return dict(n=n, seconds=seconds, rate=n / seconds, unit="acquisitions/s")


measure(spec, lambda warm: run(spec, lambda: main(sized(int(param(spec, "n")), warm, tasks_n))))
