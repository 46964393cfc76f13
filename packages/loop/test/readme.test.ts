/** Runs the README Example (STYLE.md §7): the code block must print exactly what the README shows. */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readmeExample, runExample } from "@aio-tools/test-support";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

describe("README", () => {
  it("runs the Example and prints what it shows", async () => {
    // The example runs against the built dist of @aio/loop (build it first, as `pnpm test` does).
    const { stdout } = await runExample(await readmeExample(readme));
    expect(stdout).toBe(
      [
        "result: 42",
        "soon a -> soon b -> next iteration -> timer",
        "handler: Exception in callback <anonymous>()",
        "",
      ].join("\n"),
    );
  });
});
