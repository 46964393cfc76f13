"""W7a: runs of `true` through create_subprocess_exec + wait, at most 8 at a time.
W7b: communicate() reading N bytes from `head -c N /dev/zero`."""

import asyncio

from common import check, measure, now, param, read_spec, run, sized

spec = read_spec()


async def many_true(n):
    parallel = int(param(spec, "parallel"))
    started = 0
    codes = []

    async def worker():
        nonlocal started
        while started < n:
            started += 1
            proc = await asyncio.create_subprocess_exec("true")
            codes.append(await proc.wait())

    start = now()
    await asyncio.gather(*[asyncio.create_task(worker()) for _ in range(parallel)])
    seconds = now() - start
    check(len(codes) == n, f"{len(codes)} processes ran, expected {n}")
    bad = [code for code in codes if code != 0]
    check(not bad, f"{len(bad)} exit codes were not 0, e.g. {bad[:3]}")
    return dict(n=n, seconds=seconds, rate=n / seconds, unit="processes/s")


async def read_zeros(n):
    start = now()
    proc = await asyncio.create_subprocess_exec(
        "head", "-c", str(n), "/dev/zero", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    seconds = now() - start
    check(proc.returncode == 0, f"head exited with {proc.returncode}")
    check(len(out) == n, f"read {len(out)} bytes, expected {n}")
    check(out.count(0) == n, "the output is not all zero bytes")
    return dict(n=n, seconds=seconds, rate=n / 1048576 / seconds, unit="MiB/s")


main = many_true if spec["workload"] == "W7a" else read_zeros
measure(spec, lambda warm: run(spec, lambda: main(sized(int(param(spec, "n")), warm))))
