"""W0: 1,000,000 loop.call_soon callbacks that do nothing, scheduled in batches of 1,000 from a driver callback."""

from common import check, measure, new_event_loop, now, param, read_spec, sized

spec = read_spec()
batch = int(param(spec, "batch"))
count = 0


def noop():
    global count
    count += 1


def once(warm):
    global count
    n = sized(int(param(spec, "n")), warm, batch)
    batches = n // batch
    count = 0
    driven = 0
    loop = new_event_loop(spec)
    call_soon = loop.call_soon

    def driver():
        nonlocal driven
        for _ in range(batch):
            call_soon(noop)
        driven += 1
        # FIFO: the driver (or the final stop) runs after the batch it just scheduled.
        call_soon(driver if driven < batches else loop.stop)

    loop.call_soon(driver)
    start = now()
    loop.run_forever()
    seconds = now() - start
    loop.close()
    check(count == n, f"{count} callbacks ran, expected {n}")
    return dict(n=n, seconds=seconds, rate=n / seconds, unit="callbacks/s")


measure(spec, once)
