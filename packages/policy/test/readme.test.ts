import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { readmeExample, runExample } from "@aio-tools/test-support";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));

describe("README", () => {
  it("runs the Example and prints what it shows", async () => {
    const { stdout } = await runExample(await readmeExample(readme));
    expect(stdout).toBe("true\nTracingLoop\n");
  });
});
