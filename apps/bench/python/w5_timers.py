"""W5: 100,000 tasks each sleep a pseudo-random 0-20 ms; timers/s and mean lateness (actual minus requested)."""

import asyncio
import time

from common import check, measure, now, param, read_spec, run, sized, w5_delay_ms

spec = read_spec()
# How early a timer may fire and still count as on time: CPython compares deadlines against
# time.monotonic() (resolution 1 ns; 1 us covers float rounding). uvloop uses libuv's timers, whose
# clock is whole milliseconds (truncated) and whose delays are rounded to whole milliseconds, so a
# timer can fire up to 1.5 ms before the real-time deadline: that is uvloop's resolution, not a bug.
tolerance = 2e-3 if spec["impl"] == "uvloop" else 1e-6


async def main(n):
    fired = 0
    late_total = 0.0
    earliest = 0.0

    async def sleeper(delay):
        nonlocal fired, late_total, earliest
        begin = time.monotonic()
        await asyncio.sleep(delay)
        late = time.monotonic() - begin - delay
        fired += 1
        late_total += late
        if late < earliest:
            earliest = late

    start = now()
    tasks = [asyncio.create_task(sleeper(w5_delay_ms(i) / 1000)) for i in range(n)]
    await asyncio.gather(*tasks)
    seconds = now() - start
    check(fired == n, f"{fired} timers fired, expected {n}")
    check(earliest >= -tolerance, f"a timer fired {-earliest * 1000:.3f} ms early")
    return dict(n=n, seconds=seconds, rate=n / seconds, unit="timers/s", late_ms=late_total / n * 1000)


measure(spec, lambda warm: run(spec, lambda: main(sized(int(param(spec, "n")), warm))))
