/**
 * `pnpm --filter @aio-apps/chat server [--port 8888] [--queue-size 100] [--idle-timeout 300]`: runs
 * the chat server until Ctrl-C (run() turns it into a cancel of the main task) or SIGTERM (which
 * cancels the main task the same way), then closes every connection. Try it with `nc 127.0.0.1 8888`:
 * the first line you type is your name.
 */
import { parseArgs } from "node:util";
import { KeyboardInterrupt, getRunningLoop, isCancelledError } from "@aio/core";
import { currentTask, run } from "@aio/tasks";
import { startChatServer } from "./chat-server.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8888" },
    "queue-size": { type: "string", default: "100" },
    "idle-timeout": { type: "string", default: "300" },
  },
});

async function main(): Promise<void> {
  const chat = await startChatServer({
    port: Number(values.port),
    queueSize: Number(values["queue-size"]),
    idleTimeout: Number(values["idle-timeout"]),
  });
  const task = currentTask();
  getRunningLoop().addSignalHandler("SIGTERM", () => task?.cancel());
  try {
    await getRunningLoop().createFuture(); // serve until cancelled (Python: `await asyncio.Future()`)
  } finally {
    // Not serveForever(): on cancel it waits for the clients to leave on their own (Python too).
    await chat.close();
  }
}

try {
  await run(main);
} catch (error) {
  // Ctrl-C (KeyboardInterrupt) and SIGTERM (a cancel) are how this server is meant to stop.
  if (!(error instanceof KeyboardInterrupt) && !isCancelledError(error)) throw error;
}
console.log("chat server stopped");
