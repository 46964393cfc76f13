/**
 * Differential parity of the event loop: callbacks from call_soon and from call_at at distinct
 * past deadlines, which schedule more callbacks, cancel handles, raise or stop the loop, over
 * eight one-iteration run_forever() calls (support/loop-differential.ts), each run on @aio and
 * compared line for line with the trace CPython 3.13 printed (fixtures/loop-differential.json,
 * recorded by `node scripts/record-differential.ts loop`).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateLoop, runLoopOnAio } from "./support/loop-differential.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/loop-differential.json", import.meta.url), "utf8")) as {
  python: string;
  traces: Record<string, string[]>;
};
const seeds = Object.keys(fixture.traces).map(Number);

describe(`random event-loop programs trace as CPython ${fixture.python} does`, () => {
  it("has recorded traces to compare with", () => {
    expect(seeds.length).toBeGreaterThanOrEqual(100);
  });

  for (const seed of seeds) {
    it(`program ${seed}`, async () => {
      const trace = await runLoopOnAio(generateLoop(seed));
      expect(trace).toEqual(fixture.traces[String(seed)]);
    });
  }
});
