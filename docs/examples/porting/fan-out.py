import asyncio
from asyncio.subprocess import PIPE

running = 0
most_running = 0


async def word_count(limit: asyncio.Semaphore, text: str) -> int:
    global running, most_running
    async with limit:  # at most two children at a time
        running += 1
        most_running = max(most_running, running)
        proc = await asyncio.create_subprocess_exec("wc", "-w", stdin=PIPE, stdout=PIPE)
        stdout, _ = await proc.communicate(text.encode())
        running -= 1
        return int(stdout.decode().strip())


async def main() -> None:
    texts = ["one", "two words", "now three words", "and then four words", "five words to end with"]
    limit = asyncio.Semaphore(2)
    counts = await asyncio.gather(*(word_count(limit, text) for text in texts))
    print("counts:", ", ".join(str(n) for n in counts))
    print("most children at once:", most_running)

    proc = await asyncio.create_subprocess_shell("echo oops >&2; exit 3", stderr=PIPE)
    _, stderr = await proc.communicate()
    print(f"shell exited with {proc.returncode}, stderr {stderr.decode().strip()!r}")


asyncio.run(main())
