/**
 * Runs the ```ts block under "## Example" in the package README and returns its stdout.
 * Mirrors nothing in CPython: STYLE.md §7 asks every package to test its README example.
 *
 * The example imports packages by name (`@aio/<name>`), as a user would. The block is written to
 * a temporary .mts file with each `@aio/<name>` specifier pointing at that package's built
 * `dist/index.js` in this repository, and run with Node (type stripping runs the TypeScript).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** packages/ of this repository (this file is tools/test-support/{src,dist}/readme-example.*). */
const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../packages");

/** The code of the first ```ts block after the "## Example" heading of `readmePath`. */
export async function readmeExample(readmePath: string): Promise<string> {
  const text = await readFile(readmePath, "utf8");
  const section = text.split(/^## Example\s*$/m)[1];
  const code = section?.split(/^## /m)[0]?.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (code === undefined) throw new Error(`${readmePath} has no \`\`\`ts block under "## Example"`);
  return code;
}

/** Runs `code` as an ES module with Node and returns what it printed. */
export async function runExample(code: string): Promise<{ stdout: string; stderr: string }> {
  const rewritten = code.replace(/(["'])@aio\/([a-z-]+)\1/g, (_match, _quote, name: string) =>
    JSON.stringify(pathToFileURL(join(packagesDir, name, "dist", "index.js")).href),
  );
  const directory = await mkdtemp(join(tmpdir(), "aio-readme-"));
  const file = join(directory, "example.mts");
  try {
    await writeFile(file, rewritten);
    return await new Promise((resolvePromise, reject) => {
      execFile(
        process.execPath,
        ["--experimental-strip-types", "--no-warnings", file],
        { timeout: 8_000 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`example failed: ${error.message}\n${stderr}`));
          else resolvePromise({ stdout, stderr });
        },
      );
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
