/**
 * Property test: random interleavings of callSoon / callAt / cancel, including scheduling from
 * inside callbacks, run in the order of a reference model of CPython 3.13 `_run_once`:
 * per iteration, the callbacks that were ready (FIFO), then the timers that are due, by
 * (when, scheduling order); anything scheduled meanwhile waits for the next iteration; a
 * cancelled handle never runs.
 *
 * Every timer is given a deadline in the past, so all are due at the first iteration that sees
 * them and the order never depends on wall-clock time. Set FC_SEED to replay a reported failure.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { newEventLoop } from "../src/index.js";
import type { BaseEventLoop, Handle } from "../src/index.js";
import { runOnce } from "./support/loop-helpers.js";

interface SoonOp {
  kind: "soon";
  children: Op[];
}
interface AtOp {
  kind: "at";
  offset: number;
  children: Op[];
}
interface CancelOp {
  kind: "cancel";
  target: number;
}
type Op = SoonOp | AtOp | CancelOp;

const { op: opArbitrary } = fc.letrec<{ op: Op; ops: Op[] }>((tie) => {
  const children: fc.Arbitrary<Op[]> = tie("ops");
  const child: fc.Arbitrary<Op> = tie("op");
  const cancel: fc.Arbitrary<Op> = fc.record({ kind: fc.constant("cancel" as const), target: fc.nat(40) });
  const soon: fc.Arbitrary<Op> = fc.record({ kind: fc.constant("soon" as const), children });
  const at: fc.Arbitrary<Op> = fc.record({
    kind: fc.constant("at" as const),
    offset: fc.integer({ min: 0, max: 4 }),
    children,
  });
  return {
    op: fc.oneof({ depthSize: "small", withCrossShrink: true }, cancel, soon, at),
    ops: fc.array(child, { maxLength: 3 }),
  };
});
const programArbitrary = fc.array(opArbitrary, { minLength: 1, maxLength: 8 });

/** What both interpreters share: ops are labelled by their position in the program tree. */
interface Scheduler {
  soon(label: string, run: () => void): void;
  at(label: string, offset: number, run: () => void): void;
  cancel(target: number): void;
}

function execute(ops: Op[], prefix: string, scheduler: Scheduler, ran: string[]): void {
  ops.forEach((op, index) => {
    const label = `${prefix}${index}`;
    if (op.kind === "cancel") {
      scheduler.cancel(op.target);
      return;
    }
    const run = (): void => {
      ran.push(label);
      execute(op.children, `${label}.`, scheduler, ran);
    };
    if (op.kind === "soon") scheduler.soon(label, run);
    else scheduler.at(label, op.offset, run);
  });
}

/** The reference model of `_run_once`. */
function model(program: Op[]): string[] {
  interface Entry {
    run: () => void;
    cancelled: boolean;
    when: number;
    seq: number;
  }
  const ran: string[] = [];
  let ready: Entry[] = [];
  let heap: Entry[] = [];
  const created: Entry[] = [];
  let seq = 0;
  const scheduler: Scheduler = {
    soon(_label, run) {
      const entry = { run, cancelled: false, when: -1, seq: seq++ };
      created.push(entry);
      ready.push(entry);
    },
    at(_label, offset, run) {
      const entry = { run, cancelled: false, when: offset, seq: seq++ };
      created.push(entry);
      heap.push(entry);
    },
    cancel(target) {
      if (created.length > 0) (created[target % created.length] as Entry).cancelled = true;
    },
  };
  execute(program, "", scheduler, ran);
  while (ready.length > 0 || heap.length > 0) {
    const due = heap.filter((entry) => !entry.cancelled).sort((x, y) => x.when - y.when || x.seq - y.seq);
    heap = [];
    const batch = [...ready, ...due];
    ready = [];
    for (const entry of batch) {
      if (!entry.cancelled) entry.run();
    }
  }
  return ran;
}

async function real(loop: BaseEventLoop, program: Op[]): Promise<string[]> {
  const ran: string[] = [];
  const created: Handle[] = [];
  const base = loop.time() - 1000;
  const scheduler: Scheduler = {
    soon(_label, run) {
      created.push(loop.callSoon(run));
    },
    at(_label, offset, run) {
      created.push(loop.callAt(base + offset, run));
    },
    cancel(target) {
      if (created.length > 0) (created[target % created.length] as Handle).cancel();
    },
  };
  execute(program, "", scheduler, ran);
  for (let iteration = 0; loop._ready.length > 0 || loop._scheduled.length > 0; iteration++) {
    if (iteration > 200) throw new Error("the loop did not drain in 200 iterations");
    await runOnce(loop);
  }
  return ran;
}

const loops: BaseEventLoop[] = [];
afterEach(() => {
  for (const loop of loops.splice(0)) loop.close();
});

describe("BaseEventLoop scheduling (property)", () => {
  it("runs callbacks and timers in the order of the _run_once model", async () => {
    const seed = process.env.FC_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.FC_SEED);
    await fc.assert(
      fc.asyncProperty(programArbitrary, async (program) => {
        const loop = newEventLoop();
        loops.push(loop);
        const expected = model(program);
        const actual = await real(loop, program);
        expect(actual).toEqual(expected);
        loop.close();
      }),
      // fast-check prints the seed and the shrunk counterexample on failure.
      { numRuns: 150, seed },
    );
  });
});
