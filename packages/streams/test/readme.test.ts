import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readmeExample, runExample } from "@aio-tools/test-support";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

/** What the Example prints (the README shows the same). */
const EXPECTED = 'server got "hello\\n"\nclient got "HELLO\\n"\n';

describe("README", () => {
  it("has an Example of at most 20 lines", async () => {
    expect((await readmeExample(readme)).trimEnd().split("\n").length).toBeLessThanOrEqual(20);
  });

  it("runs the Example and prints what it says", async () => {
    const { stdout } = await runExample(await readmeExample(readme));
    expect(stdout).toBe(EXPECTED);
  });
});
