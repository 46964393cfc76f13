import asyncio


async def producer(queue: asyncio.Queue[int], count: int) -> None:
    for n in range(1, count + 1):
        await queue.put(n)  # waits while the queue is full
    print(f"producer: put {count} items")


async def consumer(name: str, queue: asyncio.Queue[int], results: list[int]) -> None:
    while True:
        try:
            async with asyncio.timeout(0.2):  # idle for 0.2 s: nothing more is coming
                n = await queue.get()
        except TimeoutError:
            print(f"consumer {name}: idle, stopping")
            return
        await asyncio.sleep(0.01)  # the work
        results.append(n * n)
        queue.task_done()


async def main() -> None:
    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=3)
    results: list[int] = []
    async with asyncio.TaskGroup() as tg:
        tg.create_task(producer(queue, 6))
        tg.create_task(consumer("a", queue, results))
        tg.create_task(consumer("b", queue, results))
    print("squares:", ", ".join(str(n) for n in sorted(results)))
    print("total:", sum(results))


asyncio.run(main())
