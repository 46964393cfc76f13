import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { quote } from "@aio/subprocess";

describe("quote", () => {
  // mirrors test_shlex.py::testQuote
  it("leaves safe strings alone and single-quotes the rest", () => {
    const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const safeunquoted = `${letters}0123456789@%_-+=:,./`;
    const unicodeSample = "\u00e9\u00e0\u00df";
    const unsafe = `"\`$\\!${unicodeSample}`;
    expect(quote("")).toBe("''");
    expect(quote(safeunquoted)).toBe(safeunquoted);
    expect(quote("test file name")).toBe("'test file name'");
    for (const u of unsafe) expect(quote(`test${u}name`)).toBe(`'test${u}name'`);
    for (const u of unsafe) expect(quote(`test${u}'name'`)).toBe(`'test${u}'"'"'name'"'"''`);
  });

  it("rejects non-strings with Python's message", () => {
    expect(() => quote(1 as unknown as string)).toThrow(new TypeError("expected string or bytes-like object, got 'number'"));
  });

  it("round-trips any string through /bin/sh as one word", () => {
    const samples = ["plain", "with space", "it's", `"double"`, "$HOME `id` \\ ! * ?", "new\nline", "", "-n", "\u00e9t\u00e9"];
    for (const sample of samples) {
      const out = execFileSync("/bin/sh", ["-c", `printf '%s' ${quote(sample)}`], { encoding: "utf8" });
      expect(out).toBe(sample);
    }
  });
});
