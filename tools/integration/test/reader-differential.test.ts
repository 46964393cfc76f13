/**
 * Differential parity of StreamReader: random feeds (chunks, EOF or an exception) against random
 * read / readline / readexactly / readuntil / at_eof calls under random limits
 * (support/reader-differential.ts), each run on @aio and compared line for line with the trace
 * CPython 3.13 printed for the same program (fixtures/reader-differential.json, recorded by
 * `node scripts/record-differential.ts reader`).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateReader, runReaderOnAio } from "./support/reader-differential.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/reader-differential.json", import.meta.url), "utf8")) as {
  python: string;
  traces: Record<string, string[]>;
};
const seeds = Object.keys(fixture.traces).map(Number);

describe(`random StreamReader programs trace as CPython ${fixture.python} does`, () => {
  it("has recorded traces to compare with", () => {
    expect(seeds.length).toBeGreaterThanOrEqual(100);
  });

  for (const seed of seeds) {
    it(`program ${seed}`, async () => {
      const trace = await runReaderOnAio(generateReader(seed));
      expect(trace).toEqual(fixture.traces[String(seed)]);
    });
  }
});
