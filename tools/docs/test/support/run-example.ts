/**
 * Runs a code example of docs/ and returns what it printed.
 * Mirrors nothing in CPython: the guides in docs/ promise that every snippet runs as shown.
 *
 * A TypeScript example imports packages by name (`@aio/<name>`), as a user would. It is copied to
 * a temporary .mts file with each `@aio/<name>` specifier pointing at that package's built
 * `dist/index.js` in this repository, and run with Node 24 (type stripping runs the TypeScript).
 * A Python example is run as is with python3.13 (CPython's asyncio, for the comparison).
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root (tools/docs/test/support -> ../../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
/** The docs/ folder. */
export const docsDir = join(repoRoot, "docs");

/** What a run printed. */
export interface ExampleOutput {
  stdout: string;
  stderr: string;
}

function runFile(program: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ExampleOutput> {
  return new Promise((resolvePromise, reject) => {
    execFile(program, args, { timeout: 8_000, env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${args.at(-1) ?? program} failed: ${error.message}\n${stderr}`));
      else resolvePromise({ stdout, stderr });
    });
  });
}

/** Runs docs/`relativePath` (a .ts file) with Node, with `@aio/*` resolved to this repository's builds. */
export async function runTypeScriptExample(relativePath: string): Promise<ExampleOutput> {
  const code = await readFile(join(docsDir, relativePath), "utf8");
  const rewritten = code.replace(/(["'])@aio\/([a-z-]+)\1/g, (_match, _quote, name: string) =>
    JSON.stringify(pathToFileURL(join(repoRoot, "packages", name, "dist", "index.js")).href),
  );
  const directory = await mkdtemp(join(tmpdir(), "aio-docs-"));
  const file = join(directory, "example.mts");
  try {
    await writeFile(file, rewritten);
    return await runFile(process.execPath, ["--experimental-strip-types", "--no-warnings", file]);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** The python3.13 command to run, or null when the machine has none. */
export function findPython(): string | null {
  for (const candidate of ["python3.13", "python3"]) {
    try {
      const version = execFileSync(candidate, ["-c", "import sys; print(sys.version_info[:2] == (3, 13))"], {
        env: { ...process.env, PYENV_VERSION: process.env["PYENV_VERSION"] ?? "3.13.0" },
        stdio: ["ignore", "pipe", "ignore"],
      });
      if (version.toString().trim() === "True") return candidate;
    } catch {
      // Not installed (or a pyenv shim without 3.13): try the next name.
    }
  }
  return null;
}

/** Runs docs/`relativePath` (a .py file) with `python`. */
export async function runPythonExample(python: string, relativePath: string): Promise<ExampleOutput> {
  const env = { ...process.env, PYENV_VERSION: process.env["PYENV_VERSION"] ?? "3.13.0", PYTHONDONTWRITEBYTECODE: "1" };
  return runFile(python, [join(docsDir, relativePath)], env);
}

/** One example as a guide shows it: the file, the code block, and the output block after it. */
export interface GuideExample {
  /** Path under docs/, e.g. `examples/coroutines.ts`. */
  file: string;
  /** The fenced block right after the `<!-- example: … -->` marker. */
  code: string;
  /** The ```text block after the code ("It prints:"), if the guide shows one. */
  output: string | null;
}

/**
 * The examples a guide embeds. Each is marked in the Markdown as
 * `<!-- example: examples/x.ts -->` directly above its fenced code block; the first ```text block
 * after it, before the next marker or heading, is what it prints.
 */
export async function guideExamples(guide: string): Promise<GuideExample[]> {
  const text = await readFile(join(docsDir, guide), "utf8");
  const parts = text.split(/^<!-- example: (\S+) -->\n/m);
  const examples: GuideExample[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const file = parts[i] as string;
    const body = parts[i + 1] as string;
    const code = /^```[a-z]+\n([\s\S]*?)^```$/m.exec(body)?.[1];
    if (code === undefined) throw new Error(`${guide}: no code block after the marker for ${file}`);
    const rest = body.slice(body.indexOf(code) + code.length).split(/^#{1,6} /m)[0] ?? "";
    const output = /^```text\n([\s\S]*?)^```$/m.exec(rest)?.[1] ?? null;
    examples.push({ file, code, output });
  }
  return examples;
}
