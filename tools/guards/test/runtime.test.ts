/** The test runtime every package gets from the root vitest.config.ts: Node 24 and a callable gc. */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("test runtime", () => {
  it("runs the tests on Node 24 from .tools", () => {
    expect(process.version).toMatch(/^v24\./);
  });

  it("puts Node 24 first on PATH for child processes", () => {
    const version = execFileSync("node", ["--version"], { encoding: "utf8" }).trim();
    expect(version).toMatch(/^v24\./);
  });

  it("exposes globalThis.gc in the test worker (--expose-gc)", () => {
    expect(typeof globalThis.gc).toBe("function");
  });

  it("lets a FinalizationRegistry callback run after globalThis.gc()", async () => {
    const collected: string[] = [];
    const registry = new FinalizationRegistry<string>((label) => collected.push(label));
    (() => {
      registry.register({}, "dropped");
    })();
    for (let attempt = 0; attempt < 20 && collected.length === 0; attempt += 1) {
      globalThis.gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(collected).toEqual(["dropped"]);
  });
});
