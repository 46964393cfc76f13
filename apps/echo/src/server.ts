/**
 * `pnpm --filter @aio-apps/echo server [port]`: runs the echo server until SIGINT or SIGTERM, then
 * shuts down gracefully and exits with code 0. Mirrors a Python server that calls
 * `loop.add_signal_handler(signal.SIGTERM, stop.set)`.
 */
import { getRunningLoop } from "@aio/core";
import { Event } from "@aio/sync";
import { run } from "@aio/tasks";
import { serveEcho } from "./echo-server.js";

const port = Number(process.argv[2] ?? 8888);

// Workaround for an @aio/tasks bug (Runner.run in packages/tasks/src/runners.ts): in Python,
// `loop.add_signal_handler(SIGINT, ...)` replaces the handler `asyncio.run` installed, so our
// handler alone runs; here run()'s own SIGINT listener stays and also cancels the main task
// (KeyboardInterrupt, exit code 1). run() installs its listener only when SIGINT has no listener,
// so hold a placeholder until our loop handler is in place. A SIGINT in that short window is ignored.
const placeholder = (): void => undefined;
process.on("SIGINT", placeholder);

await run(async () => {
  const loop = getRunningLoop();
  const stop = new Event();
  for (const signal of ["SIGINT", "SIGTERM"]) {
    loop.addSignalHandler(signal, () => {
      console.log(`received ${signal}`);
      stop.set();
    });
  }
  process.removeListener("SIGINT", placeholder);
  const stats = await serveEcho(stop, { port });
  console.log(`echo server stopped: ${stats.served} connection(s) served, ${stats.bytes} bytes echoed`);
});
