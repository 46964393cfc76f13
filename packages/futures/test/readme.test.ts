import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { readmeExample, runExample } from "@aio-tools/test-support";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

describe("README", () => {
  it("runs the Example and prints what it shows", async () => {
    // The example uses @aio/loop, which depends on this package: it runs against the built
    // dist of the repository's @aio/loop (build it first, as `pnpm test` does).
    const { stdout } = await runExample(await readmeExample(readme));
    expect(stdout).toBe(
      [
        "callback saw: hello",
        "awaited: hello",
        "wrapped promise: 42",
        "CancelledError: no longer needed",
        "<Future finished result='hello'> <Future cancelled>",
        "",
      ].join("\n"),
    );
  });
});
