import { describe, expect, it } from "vitest";
import { createSubprocessExec, PIPE } from "@aio/subprocess";
import { inLoop } from "./support/loop.js";

describe("smoke", () => {
  it("cat", async () => {
    await inLoop(async () => {
      const proc = await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE });
      const [out, err] = await proc.communicate(Buffer.from("some data"));
      expect(out?.toString()).toBe("some data");
      expect(err).toBe(null);
      expect(proc.returncode).toBe(0);
    });
  });
});
