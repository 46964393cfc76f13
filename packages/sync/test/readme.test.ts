import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readmeExample, runExample } from "@aio-tools/test-support";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

/** What the Example prints (the README shows the same). */
const EXPECTED = "a in, a out, b in, b out\n";

describe("README", () => {
  it("runs the Example and prints what it says", async () => {
    const { stdout } = await runExample(await readmeExample(readme));
    expect(stdout).toBe(EXPECTED);
  });
});
