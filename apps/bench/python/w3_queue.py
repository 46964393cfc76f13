"""W3 / W3b: producers and consumers pass n items through asyncio.Queue(100) with awaited put / get."""

import asyncio

from common import check, measure, now, param, read_spec, run, sized

spec = read_spec()
producers = int(param(spec, "producers"))
maxsize = int(param(spec, "maxsize"))


async def producer(queue, first, share):
    put = queue.put
    for k in range(share):
        await put(first + k * producers)


async def consumer(queue, share):
    get = queue.get
    total = 0
    for _ in range(share):
        total += await get()
    return total


async def main(n):
    check(n % producers == 0, f"n={n} must be a multiple of producers={producers}")
    share = n // producers
    queue = asyncio.Queue(maxsize)
    start = now()
    consumers = [asyncio.create_task(consumer(queue, share)) for _ in range(producers)]
    makers = [asyncio.create_task(producer(queue, p, share)) for p in range(producers)]
    sums = await asyncio.gather(*consumers)
    await asyncio.gather(*makers)
    seconds = now() - start
    total = sum(sums)
    check(queue.qsize() == 0, f"{queue.qsize()} items left in the queue")
    check(total == n * (n - 1) // 2, f"sum {total}, expected {n * (n - 1) // 2}")
    return dict(n=n, seconds=seconds, rate=n / seconds, unit="items/s")


measure(spec, lambda warm: run(spec, lambda: main(sized(int(param(spec, "n")), warm, producers))))
