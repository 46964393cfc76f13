"""Shared plumbing of the Python workload processes (CPython 3.13 asyncio, or CPython 3.11 + uvloop).

Mirrors src/common.ts: read the JSON spec from argv[1], check, print exactly one JSON line.
Runs on Python 3.11+ (asyncio.Runner with loop_factory exists since 3.11).
"""

import asyncio
import json
import os
import sys
import time


def read_spec():
    if len(sys.argv) < 2:
        fail("usage: <script> '<json spec>'")
    return json.loads(sys.argv[1])


def param(spec, name):
    value = spec.get(name)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        fail(f"spec parameter `{name}` must be a number, got {value!r}")
    return value


def loop_factory(spec):
    """None for the default asyncio loop; uvloop's factory for the uvloop implementation."""
    if spec["impl"] == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return None


def new_event_loop(spec):
    factory = loop_factory(spec)
    return factory() if factory is not None else asyncio.new_event_loop()


def run(spec, main):
    """asyncio.run(main()) on the implementation's loop; returns main's result."""
    with asyncio.Runner(loop_factory=loop_factory(spec)) as runner:
        return runner.run(main())


def now():
    """Monotonic seconds: the clock CPython's loop.time() uses."""
    return time.monotonic()


_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


def rss_mb():
    return rss_bytes() / (1024 * 1024)


def fail(message):
    """Exits at once with status 1; os._exit so that no event loop can swallow it."""
    sys.stdout.flush()
    sys.stderr.write(f"CHECK FAILED: {message}\n")
    sys.stderr.flush()
    os._exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def measure(spec, once):
    """Runs once(True) at a tenth of the size, untimed, when the spec asks for a warm-up (every
    implementation warms up alike; see src/common.ts), then once(False), whose result it prints.
    `once` returns a dict with n, seconds, rate, unit and optionally late_ms and rss."""
    if spec.get("warmup") is True:
        once(True)
    result = once(False)
    report(spec, **result)


def sized(size, warm, multiple=1):
    """`size`, or a tenth of it (kept a multiple of `multiple`) in the warm-up pass."""
    if not warm:
        return size
    return max(multiple, size // 10 // multiple * multiple)


def report(spec, n, seconds, rate, unit, rss=None, late_ms=None):
    line = {
        "impl": spec["impl"],
        "workload": spec["workload"],
        "n": n,
        "seconds": round(seconds, 6),
        "rate": round(rate, 3),
        "unit": unit,
        "rss_mb": round(rss_mb() if rss is None else rss, 1),
    }
    if late_ms is not None:
        line["late_ms"] = round(late_ms, 3)
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def w5_delay_ms(i):
    """Delay of task i in W5, in milliseconds: ((i * 2654435761) mod 2^32) / 2^32 * 20."""
    return ((i * 2654435761) % 4294967296) / 4294967296 * 20
