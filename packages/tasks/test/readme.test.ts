/** Runs the README's Example (STYLE §7) and checks what it prints. */
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { readmeExample, runExample } from "@aio-tools/test-support";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

describe("README", () => {
  it("runs the Example and prints what it shows", async () => {
    const { stdout } = await runExample(await readmeExample(readme));
    expect(stdout).toBe(
      [
        "b finished",
        "a finished",
        "results: [ 'a', 'b' ]",
        "signal aborted: CancelledError: shutting down",
        "cleanup ran",
        "cancelled: true true",
        "",
      ].join("\n"),
    );
  });
});
