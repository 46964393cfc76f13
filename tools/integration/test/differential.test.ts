/**
 * Differential parity with CPython 3.13: random programs (support/differential.ts: tasks,
 * cancellation and synchronisation; support/reader-differential.ts: StreamReader reads against
 * random feeds; support/loop-differential.ts: loop callbacks, timers, cancels and stops), each
 * run on @aio and compared line for line with the trace python3.13 printed for the same program
 * (test/fixtures/*.json, recorded by scripts/record-differential.ts).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SUITES } from "./support/differential-suites.js";

for (const [name, suite] of Object.entries(SUITES)) {
  const fixture = JSON.parse(readFileSync(new URL(`./fixtures/${suite.fixture}`, import.meta.url), "utf8")) as {
    python: string;
    traces: Record<string, string[]>;
  };
  const seeds = Object.keys(fixture.traces).map(Number);

  describe(`random ${name} programs trace as CPython ${fixture.python} does`, () => {
    it("has recorded traces to compare with", () => {
      expect(seeds.length).toBeGreaterThanOrEqual(100);
    });

    for (const seed of seeds) {
      it(`program ${seed}`, async () => {
        const trace = await suite.runOnAio(suite.generate(seed));
        expect(trace).toEqual(fixture.traces[String(seed)]);
      });
    }
  });
}
