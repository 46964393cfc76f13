#!/usr/bin/env node
/**
 * aio-repl: a Node REPL whose input runs inside a running @aio event loop, with `asyncio`
 * pre-imported. Mirrors CPython 3.13 asyncio/__main__.py (`python -m asyncio`).
 *
 * Python runs the REPL in a thread and each input as a coroutine on the loop through
 * `run_coroutine_threadsafe`. Here the loop runs in the background of Node's own loop, and each
 * input is evaluated by Node's REPL evaluator (which handles top-level `await` and keeps
 * declarations) from inside a new Task, so `currentTask()`, `sleep`, `timeout` and cancellation
 * behave as in a task. Ctrl-C cancels the input that is running, as Python's REPL does; at an
 * idle prompt it behaves as Node's REPL does.
 */
import repl from "node:repl";
import type { REPLEval } from "node:repl";
import * as asyncio from "./index.js";

const loop = asyncio.newEventLoop();
// The loop runs until the REPL exits; it idles (no CPU) between inputs.
const looping = loop.runForever();

console.log(`aio REPL (Node ${process.version}). Use "await" directly; asyncio is imported.`);
const server = repl.start({ prompt: "aio> ", useGlobal: true });
(server.context as Record<string, unknown>).asyncio = asyncio;
const nodeEval = server.eval;
let running: asyncio.Task<unknown> | null = null;
let pending = 0;
let exiting = false;

function finishIfExiting(): void {
  if (!exiting || pending > 0) return;
  loop.stop();
  void looping.then(() => {
    loop.close();
    process.exit(0);
  });
}

// Inputs run one after another, as Python's REPL runs them (piped input arrives all at once).
let previous: Promise<void> = Promise.resolve();

const taskEval: REPLEval = function (this: repl.REPLServer, code, context, file, callback) {
  pending += 1;
  let finished: () => void = () => undefined;
  const turn = previous;
  previous = new Promise<void>((resolve) => {
    finished = resolve;
  });
  void turn.then(() => loop.callSoonThreadsafe(() => {
    // A promise cannot resolve to a future (it would adopt it), so the value travels boxed.
    const task = loop.createTask(
      () =>
        new Promise<[unknown]>((resolve, reject) => {
          nodeEval.call(this, code, context, file, (error, value) => {
            if (error) reject(error);
            else resolve([value]);
          });
        }),
    ) as asyncio.Task<[unknown]>;
    running = task;
    task.addDoneCallback(() => {
      running = null;
      pending -= 1;
      if (task.cancelled()) {
        callback(new asyncio.CancelledError("the input was cancelled"), undefined);
      } else {
        const error = task.exception();
        if (error !== null) callback(error as Error, undefined);
        else callback(null, task.result()[0]);
      }
      finished();
      finishIfExiting();
    });
  }));
};
(server as { eval: REPLEval }).eval = taskEval;

server.on("SIGINT", () => {
  if (running !== null && !running.done()) running.cancel();
});
server.on("exit", () => {
  // Piped input can end while inputs still run: finish them first.
  exiting = true;
  finishIfExiting();
});
