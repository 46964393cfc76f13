/**
 * Random event-loop programs for differential testing against CPython 3.13: callbacks scheduled
 * with call_soon and with call_at at distinct past deadlines, which schedule more callbacks,
 * cancel handles, raise (seen by the exception handler) or stop the loop, over eight
 * run_forever() calls, each started with a call_soon(loop.stop) so that it runs one iteration
 * unless a callback stops it first. Deadlines are distinct (CPython's heap gives no order among equal ones;
 * @aio keeps them FIFO), and all in the past, so every timer is due at the next iteration and
 * the order is deterministic.
 */
import { newEventLoop } from "@aio/loop";
import type { Handle } from "@aio/loop";
import { seededRandom } from "@aio-tools/test-support";
import type { DifferentialSuite } from "./differential-suite.ts";
import { B, Boom } from "./parity.ts";

export type Action =
  | { k: "soon"; id: number }
  | { k: "at"; id: number; offset: number }
  | { k: "cancel"; id: number }
  | { k: "stop" }
  | { k: "raise" };

export interface LoopProgram {
  readonly seed: number;
  /** What runs before the first run_forever (scheduling only). */
  readonly initial: readonly Action[];
  /** What callback `id` does when it runs. */
  readonly callbacks: readonly (readonly Action[])[];
}

function generateLoop(seed: number): LoopProgram {
  const random = seededRandom(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const count = 4 + int(20);
  // Distinct offsets into the past (in milliseconds), one per scheduling action.
  let nextOffset = 1;
  const schedule = (id: number): Action => (random() < 0.5 ? { k: "soon", id } : { k: "at", id, offset: nextOffset++ + int(3) * 100 });
  const callbacks: Action[][] = Array.from({ length: count }, () => []);
  const initial: Action[] = [];
  // Callback 0..initialCount-1 are scheduled up front; the rest by other callbacks (each once).
  const initialCount = 1 + int(Math.min(count, 6));
  for (let id = 0; id < initialCount; id++) initial.push(schedule(id));
  for (let id = initialCount; id < count; id++) (callbacks[int(id)] as Action[]).push(schedule(id));
  for (const actions of callbacks) {
    for (let a = 0, extra = int(3); a < extra; a++) {
      const roll = int(10);
      if (roll < 5) actions.push({ k: "cancel", id: int(count) });
      else if (roll < 8) actions.push({ k: "stop" });
      else actions.push({ k: "raise" });
    }
  }
  return { seed, initial, callbacks };
}

// ------------------------------------------------------------------------------------ Python

function pyAction(action: Action, indent: string): string[] {
  switch (action.k) {
    case "soon":
      return [`${indent}handles[${action.id}] = loop.call_soon(cb, ${action.id})`];
    case "at":
      return [`${indent}handles[${action.id}] = loop.call_at(base - ${action.offset / 1000}, cb, ${action.id})`];
    case "cancel":
      return [`${indent}if ${action.id} in handles:`, `${indent}    log(f"cancel ${action.id} {handles[${action.id}].cancelled()}")`, `${indent}    handles[${action.id}].cancel()`];
    case "stop":
      return [`${indent}log("stop")`, `${indent}loop.stop()`];
    case "raise":
      return [`${indent}raise Boom()`];
  }
}

function loopToPython(program: LoopProgram): string {
  const lines = [
    `def loop_${program.seed}(log):`,
    `    loop = asyncio.new_event_loop()`,
    `    loop.set_exception_handler(lambda l, c: log(f"handler {type(c.get('exception')).__name__} {type(c.get('handle')).__name__}"))`,
    `    base = loop.time()`,
    `    handles = {}`,
    `    def cb(i):`,
    `        log(f"run {i}")`,
  ];
  program.callbacks.forEach((actions, id) => {
    if (actions.length === 0) return;
    lines.push(`        if i == ${id}:`, ...actions.flatMap((action) => pyAction(action, "            ")));
  });
  lines.push(
    ...program.initial.flatMap((action) => pyAction(action, "    ")),
    `    for run in range(8):`,
    `        loop.call_soon(loop.stop)`,
    `        loop.run_forever()`,
    `        log(f"stopped {run}")`,
    `    loop.close()`,
    "",
  );
  return lines.join("\n");
}

// ------------------------------------------------------------------------------------ @aio

async function runLoopOnAio(program: LoopProgram): Promise<string[]> {
  const trace: string[] = [];
  const log = (line: string): void => {
    trace.push(line);
  };
  const loop = newEventLoop();
  loop.setExceptionHandler((_loop, context) => {
    const error = context.exception;
    const handle = context.handle as object | undefined;
    log(`handler ${error instanceof Error ? error.name : "NoneType"} ${handle === undefined ? "NoneType" : handle.constructor.name}`);
  });
  const base = loop.time();
  const handles = new Map<number, Handle>();
  const act = (action: Action): void => {
    switch (action.k) {
      case "soon":
        handles.set(action.id, loop.callSoon(cb, action.id));
        return;
      case "at":
        handles.set(action.id, loop.callAt(base - action.offset / 1000, cb, action.id));
        return;
      case "cancel": {
        const handle = handles.get(action.id);
        if (handle !== undefined) {
          log(`cancel ${action.id} ${B(handle.cancelled())}`);
          handle.cancel();
        }
        return;
      }
      case "stop":
        log("stop");
        loop.stop();
        return;
      case "raise":
        throw new Boom();
    }
  };
  function cb(id: number): void {
    log(`run ${id}`);
    for (const action of program.callbacks[id] ?? []) act(action);
  }
  for (const action of program.initial) act(action);
  for (let run = 0; run < 8; run++) {
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    log(`stopped ${run}`);
  }
  loop.close();
  return trace;
}

/** Event-loop callbacks, timers, cancels and stops (fixtures/loop-differential.json). */
export const loopSuite: DifferentialSuite<LoopProgram> = {
  fixture: "loop-differential.json",
  generate: generateLoop,
  pythonHelpers: [],
  toPython: loopToPython,
  pythonCall: (seed) => `loop_${seed}(log.append)`,
  runOnAio: runLoopOnAio,
};
