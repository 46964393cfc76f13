/**
 * Guard (a): the @aio dependency graph. Runtime `dependencies` between packages form no cycle, and each
 * package declares exactly the @aio packages its src/ imports (STYLE.md §2 and §9).
 */
import { builtinModules } from "node:module";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import {
  aioDependencies,
  importsOf,
  libraries,
  packageOf,
  readTsconfig,
  sourceFiles,
  workspacePackages,
} from "./support/workspace.js";

const apps = workspacePackages("apps");
const tools = workspacePackages("tools");
const everyPackage = [...libraries, ...apps, ...tools];
const libraryNames = new Set(libraries.map((pkg) => pkg.manifest.name));

/** A cycle in `edges`, as a path that starts and ends at the same node, or null. */
function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === "done") return null;
    if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "visiting");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle !== null) return cycle;
  }
  return null;
}

describe("workspace dependency graph", () => {
  it("finds the ten @aio packages", () => {
    expect(libraries.map((pkg) => pkg.manifest.name)).toEqual(
      expect.arrayContaining(["@aio/core", "@aio/asyncio", "@aio/sync", "@aio/tasks"]),
    );
  });

  // Only runtime `dependencies` count here: a test-only devDependency pointing up the graph is fine for the
  // package graph (turbo itself rejects a cycle that goes through devDependencies, with its own message).
  it("has no cycle through runtime dependencies", () => {
    const edges = new Map(
      everyPackage.map((pkg) => [pkg.manifest.name, aioDependencies(pkg.manifest.dependencies)] as const),
    );
    const cycle = findCycle(edges);
    expect(cycle, cycle === null ? "" : `dependency cycle: ${cycle.join(" -> ")}`).toBeNull();
  });

  it("declares @aio packages only with the workspace protocol", () => {
    const wrong = everyPackage.flatMap((pkg) =>
      Object.entries({ ...pkg.manifest.dependencies, ...pkg.manifest.devDependencies })
        .filter(([name, range]) => name.startsWith("@aio") && range !== "workspace:*")
        .map(([name, range]) => `${pkg.manifest.name}: ${name}@${range}`),
    );
    expect(wrong).toEqual([]);
  });

  it("never lets a package depend on the @aio/asyncio umbrella", () => {
    const dependents = libraries
      .filter((pkg) => aioDependencies(pkg.manifest.dependencies).includes("@aio/asyncio"))
      .map((pkg) => pkg.manifest.name);
    expect(dependents).toEqual([]);
  });

  it("makes the guards depend on every package, so turbo builds them all before the guards run", () => {
    const guards = tools.find((pkg) => pkg.manifest.name === "@aio-tools/guards");
    expect(aioDependencies(guards?.manifest.devDependencies)).toEqual([...libraryNames].sort());
  });

  it("lists every package's tsconfig.test.json in the root solution tsconfig.json (ESLint finds tests through it)", () => {
    const referenced = (readTsconfig("tsconfig.json").references ?? []).map((ref) => normalize(ref.path));
    const expected = libraries.map((pkg) => normalize(`${pkg.dir}/tsconfig.test.json`));
    expect(referenced).toEqual(expect.arrayContaining(expected));
  });
});

describe.each(libraries)("$manifest.name", ({ dir, manifest }) => {
  const srcImports = sourceFiles(`${dir}/src`).flatMap(importsOf);
  const bare = srcImports.filter((site) => !site.specifier.startsWith("."));

  it("declares exactly the @aio packages that src/ imports, as dependencies", () => {
    const imported = [...new Set(bare.map((site) => packageOf(site.specifier)).filter((name) => name.startsWith("@aio/")))].sort();
    const declared = aioDependencies(manifest.dependencies);
    const missing = imported.filter((name) => !declared.includes(name));
    const unused = declared.filter((name) => !imported.includes(name));
    expect(
      { missing, unused },
      `${dir}/package.json: imported but not in "dependencies": [${missing.join(", ")}]; ` +
        `in "dependencies" but never imported by src/: [${unused.join(", ")}]`,
    ).toEqual({ missing: [], unused: [] });
  });

  it("imports other packages by name only, never a deep path or itself", () => {
    const bad = bare
      .filter((site) => site.specifier.startsWith("@aio/"))
      .filter((site) => site.specifier !== packageOf(site.specifier) || packageOf(site.specifier) === manifest.name)
      .map((site) => `${site.file}: "${site.specifier}"`);
    expect(bad).toEqual([]);
  });

  it("never reaches another package through a relative path", () => {
    const escaping = srcImports
      .filter((site) => site.specifier.startsWith("."))
      .filter((site) => !normalize(join(dirname(site.file), site.specifier)).startsWith(`${dir}/src`))
      .map((site) => `${site.file}: "${site.specifier}"`);
    expect(escaping).toEqual([]);
  });

  it("writes Node built-ins with the node: prefix", () => {
    const builtins = new Set(builtinModules);
    const unprefixed = bare
      .filter((site) => builtins.has(site.specifier) || builtins.has(packageOf(site.specifier)))
      .filter((site) => !site.specifier.startsWith("node:"))
      .map((site) => `${site.file}: "${site.specifier}" (write "node:${site.specifier}")`);
    expect(unprefixed).toEqual([]);
  });

  it("imports only declared third-party packages", () => {
    const declared = new Set(Object.keys(manifest.dependencies ?? {}).concat(Object.keys(manifest.peerDependencies ?? {})));
    const undeclared = bare
      .filter((site) => !site.specifier.startsWith("node:") && !site.specifier.startsWith("@aio/"))
      .filter((site) => !declared.has(packageOf(site.specifier)))
      .map((site) => `${site.file}: "${site.specifier}"`);
    expect(undeclared).toEqual([]);
  });

  it("lets its tests import only itself and declared packages", () => {
    const allowed = new Set([
      manifest.name,
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.devDependencies ?? {}),
    ]);
    const undeclared = sourceFiles(`${dir}/test`)
      .flatMap(importsOf)
      .filter((site) => site.specifier.startsWith("@aio/") && !allowed.has(packageOf(site.specifier)))
      .map((site) => `${site.file}: "${site.specifier}"`);
    expect(undeclared).toEqual([]);
  });

  it("references the tsconfig of each @aio dependency", () => {
    const references = (readTsconfig(`${dir}/tsconfig.json`).references ?? [])
      .map((ref) => normalize(join(dir, ref.path)))
      .sort();
    const expected = aioDependencies(manifest.dependencies)
      .map((name) => libraries.find((pkg) => pkg.manifest.name === name)?.dir ?? `<${name} is not in packages/>`)
      .sort();
    expect(references).toEqual(expected);
  });
});

describe("@aio/loop", () => {
  // STYLE.md §2 and API.md: the loop on its own pulls in no networking or process modules.
  it("never imports node:net, node:tls, node:dgram or node:child_process", () => {
    const forbidden = new Set(["node:net", "node:tls", "node:dgram", "node:child_process"]);
    const loop = libraries.find((pkg) => pkg.manifest.name === "@aio/loop");
    const hits = sourceFiles(`${loop?.dir ?? "packages/loop"}/src`)
      .flatMap(importsOf)
      .filter((site) => forbidden.has(site.specifier))
      .map((site) => `${site.file}: "${site.specifier}"`);
    expect(hits).toEqual([]);
  });
});
