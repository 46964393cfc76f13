import * as asyncio from "@aio/asyncio";

const { asyncWith } = asyncio;

// Python: asyncio.run(main(), debug=False)
console.log(await asyncio.run(async () => "run() returns main's result", { debug: false }));

// Python: with asyncio.Runner() as runner: runner.run(a()); runner.run(b())   -- one loop, two runs
await asyncWith(new asyncio.Runner(), async (runner) => {
  const counter = new asyncio.ContextVar<number>("counter", { default: 0 });
  await runner.run(async () => { counter.set(counter.get() + 1); });
  await runner.run(async () => { console.log("Runner keeps one context: counter =", counter.get()); });
});

// Python: loop = asyncio.new_event_loop(); loop.run_until_complete(main()); loop.close()
const loop = asyncio.newEventLoop();
try {
  console.log(await loop.runUntilComplete(() => asyncio.sleep(0.01, "runUntilComplete result")));
} finally {
  loop.close();
}

// For tests: a loop whose clock jumps to the next timer, so an hour of sleep takes no time.
// Times are in seconds, as in Python.
const virtual = new asyncio.VirtualTimeEventLoop();
try {
  await virtual.runUntilComplete(async () => {
    virtual.callLater(60, () => console.log("callLater(60) fired at", virtual.time()));
    await asyncWith(asyncio.timeout(3600), () => asyncio.sleep(1800));
    console.log("virtual time now:", virtual.time());
  });
} finally {
  virtual.close();
}
