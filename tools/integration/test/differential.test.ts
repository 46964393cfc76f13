/**
 * Differential parity: random programs of tasks that yield, cancel, await, shield, wait_for(0),
 * gather, timeout(0), TaskGroups, events, locks, a semaphore and queues (support/differential.ts),
 * each run on @aio and compared line for line with the trace CPython 3.13 printed for the same
 * program (fixtures/differential.json, recorded by scripts/record-differential.ts).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generate, runOnAio } from "./support/differential.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/differential.json", import.meta.url), "utf8")) as {
  python: string;
  traces: Record<string, string[]>;
};
const seeds = Object.keys(fixture.traces).map(Number);

describe(`random programs trace as CPython ${fixture.python} does`, () => {
  it("has recorded traces to compare with", () => {
    expect(seeds.length).toBeGreaterThanOrEqual(100);
  });

  for (const seed of seeds) {
    it(`program ${seed}`, async () => {
      const trace = await runOnAio(generate(seed));
      expect(trace).toEqual(fixture.traces[String(seed)]);
    });
  }
});
