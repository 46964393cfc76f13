/** Reads the workspace: every package's manifest, its source files and the @aio modules they import. */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** The repository root (tools/guards/test/support -> ../../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

export interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** Folder relative to the repository root, e.g. `packages/sync`. */
  dir: string;
  manifest: Manifest;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(repoRoot, dir, "package.json"), "utf8")) as Manifest;
}

/** Workspace packages in one group folder (`packages`, `apps`, `tools`), sorted by folder. */
export function workspacePackages(group: "packages" | "apps" | "tools"): WorkspacePackage[] {
  const groupDir = join(repoRoot, group);
  if (!existsSync(groupDir)) return [];
  return readdirSync(groupDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(groupDir, entry.name, "package.json")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ dir: `${group}/${name}`, manifest: readManifest(`${group}/${name}`) }));
}

/** Published packages: everything under packages/. */
export const libraries = workspacePackages("packages");

/** `@aio/*` names among a manifest's dependencies of one kind. */
export function aioDependencies(deps: Record<string, string> | undefined): string[] {
  return Object.keys(deps ?? {})
    .filter((name) => name.startsWith("@aio/"))
    .sort();
}

/** Every .ts/.mts/.cts/.tsx file under `dir` (relative to the repository root), recursively. */
export function sourceFiles(dir: string): string[] {
  const absolute = join(repoRoot, dir);
  if (!existsSync(absolute)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(absolute, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(?:m|c)?tsx?$/.test(entry.name)) {
      files.push(relative(repoRoot, join(entry.parentPath, entry.name)));
    }
  }
  return files.sort();
}

export interface ImportSite {
  /** File relative to the repository root. */
  file: string;
  /** The module specifier as written. */
  specifier: string;
}

/** Module specifiers a file imports: static, type-only, re-exports, `import()` and `require()`. */
export function importsOf(file: string): ImportSite[] {
  const text = readFileSync(join(repoRoot, file), "utf8");
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((imported) => ({ file, specifier: imported.fileName }));
}

/** The package name part of a bare specifier: `@aio/sync/x` -> `@aio/sync`, `node:net` -> `node:net`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/** A tsconfig file, comments allowed, as TypeScript reads it. */
export function readTsconfig(file: string): { references?: { path: string }[] } {
  const result = ts.readConfigFile(join(repoRoot, file), (path) => ts.sys.readFile(path));
  if (result.error !== undefined) {
    throw new Error(`cannot read ${file}: ${ts.flattenDiagnosticMessageText(result.error.messageText, "\n")}`);
  }
  return result.config as { references?: { path: string }[] };
}
