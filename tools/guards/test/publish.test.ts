/**
 * Guard (c): every package publishes cleanly. Packs each package with pnpm (so `workspace:*` becomes a
 * real version, as on publish), then runs publint and @arethetypeswrong/cli (profile esm-only: the
 * packages are ESM-only by design, so CommonJS `require` resolution is not a goal) on the tarball.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { libraries, repoRoot } from "./support/workspace.js";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const attwBin = join(require.resolve("@arethetypeswrong/cli/package.json"), "..", "dist", "index.js");

let packDir = "";
beforeAll(() => {
  packDir = mkdtempSync(join(tmpdir(), "aio-pack-"));
});
afterAll(() => {
  if (packDir !== "") rmSync(packDir, { recursive: true, force: true });
});

async function pack(dir: string): Promise<string> {
  const destination = mkdtempSync(join(packDir, "pkg-"));
  await run("pnpm", ["pack", "--pack-destination", destination], { cwd: join(repoRoot, dir) });
  const tarball = readdirSync(destination).find((name) => name.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball for ${dir}`);
  return join(destination, tarball);
}

describe.each(libraries)("$manifest.name", ({ dir, manifest }) => {
  let tarball = "";
  beforeAll(async () => {
    tarball = await pack(dir);
  }, 60_000);

  it("passes publint (warnings count as errors)", async () => {
    const data = readFileSync(tarball);
    const arrayBuffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    const { messages, pkg } = await publint({ pack: { tarball: arrayBuffer }, strict: true });
    const report = messages.map((message) => `${message.type}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`);
    if (report.length > 0) console.log(`publint ${manifest.name}:\n  ${report.join("\n  ")}`);
    expect(messages.filter((message) => message.type !== "suggestion").map((message) => message.code)).toEqual([]);
  }, 60_000);

  it("passes @arethetypeswrong/cli with the esm-only profile", async () => {
    const args = [attwBin, tarball, "--profile", "esm-only", "--no-definitely-typed", "--format", "ascii", "--no-color", "--no-emoji"];
    try {
      await run(process.execPath, args, { cwd: repoRoot });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      // The report is the useful part; the exec error around it only repeats the command line.
      throw new Error(`attw found problems in ${manifest.name}:\n${stdout ?? ""}${stderr ?? ""}`);
    }
  }, 60_000);
});
