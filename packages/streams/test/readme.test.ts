import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** What the Example prints (the README says the same in prose). */
const EXPECTED = 'server got "hello\\n"\nclient got "HELLO\\n"\n';

/** The first ```ts block of the README's "## Example" section. */
function readmeExample(): string {
  const readme = readFileSync(join(packageDir, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Example"));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error("README.md has no ```ts block under ## Example");
  return match[1]!;
}

/** Runs the example with Node 24's type stripping, from inside the package so imports resolve. */
function runExample(source: string): string {
  const file = join(packageDir, "test", `.readme-example-${process.pid}.ts`);
  writeFileSync(file, source);
  try {
    return execFileSync(process.execPath, ["--experimental-strip-types", "--no-warnings", file], {
      cwd: packageDir,
      encoding: "utf8",
      timeout: 8_000,
    });
  } finally {
    rmSync(file, { force: true });
  }
}

describe("README", () => {
  it("has an Example of at most 20 lines", () => {
    expect(readmeExample().trimEnd().split("\n").length).toBeLessThanOrEqual(20);
  });

  it("runs the Example and prints what it says", () => {
    expect(runExample(readmeExample())).toBe(EXPECTED);
  });
});
