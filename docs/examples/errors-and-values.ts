import * as asyncio from "@aio/asyncio";

// Python ValueError is RangeError, with Python's message.
try {
  new asyncio.Semaphore(-1);
} catch (error) {
  console.log(`${(error as Error).name}: ${(error as Error).message}`);
}

// Python RuntimeError is the RuntimeError class of @aio/core (an Error subclass).
try {
  asyncio.getRunningLoop();
} catch (error) {
  console.log(error instanceof asyncio.RuntimeError, String(error));
}

// asyncio's own exceptions keep their names and hierarchy.
const queue = new asyncio.Queue<number>({ maxsize: 1 }); // Queue(maxsize=1)
queue.putNowait(1);
try {
  queue.putNowait(2);
} catch (error) {
  console.log("QueueFull:", error instanceof asyncio.QueueFull);
}
const partial = new asyncio.IncompleteReadError(new Uint8Array([104, 105]), 5);
console.log(String(partial), "| is an EOFError:", partial instanceof asyncio.EOFError);

await asyncio.run(async () => {
  // None is null; bytes are Uint8Array (a Buffer is one).
  const reader = new asyncio.StreamReader();
  reader.feedData(Buffer.from("hi!"));
  reader.feedEof();
  const data = await reader.read();
  console.log(data instanceof Uint8Array, Buffer.from(data).toString(), reader.exception());
});
