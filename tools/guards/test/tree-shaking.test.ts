/**
 * Guard (b): tree-shaking. A bundle that takes one primitive must not drag in the network or process
 * layers (STYLE.md §2, API.md "@aio/loop on its own must not pull in node:net ..."). Bundles the built
 * dist/ of each package with esbuild, exactly as an application bundler would see it.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const guardsDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const NETWORK_AND_PROCESS_MODULES = ["node:net", "node:tls", "node:dgram", "node:child_process"];
// Names that only the streams and subprocess layers define.
const STREAMS_AND_SUBPROCESS_CODE = ["StreamReader", "StreamWriter", "createSubprocessExec", "createSubprocessShell"];

interface Bundle {
  code: string;
  bytes: number;
  /** Modules that contributed code to the output (esbuild also lists parsed modules it shook out). */
  inputs: string[];
  externals: string[];
}

async function bundle(entry: string): Promise<Bundle> {
  const result = await build({
    stdin: { contents: entry, resolveDir: guardsDir, loader: "js", sourcefile: "entry.js" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    treeShaking: true,
    minify: false,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error("esbuild produced no output");
  const meta = Object.values(result.metafile.outputs)[0];
  return {
    code: output.text,
    bytes: output.contents.byteLength,
    inputs: Object.entries(meta?.inputs ?? {})
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
    externals: (meta?.imports ?? []).filter((imported) => imported.external).map((imported) => imported.path),
  };
}

const cases = [
  { label: "Lock from @aio/sync", entry: `import { Lock } from "@aio/sync";\nconsole.log(Lock);\n`, from: "packages/sync/dist/" },
  { label: "the whole of @aio/loop", entry: `import * as loop from "@aio/loop";\nconsole.log(loop);\n`, from: "packages/loop/dist/" },
  { label: "Lock from the @aio/asyncio umbrella", entry: `import { Lock } from "@aio/asyncio";\nconsole.log(Lock);\n`, from: "packages/sync/dist/" },
];

describe.each(cases)("a bundle of $label", ({ label, entry, from }) => {
  it("is built from the packages' dist/ and carries no network, process, streams or subprocess code", async () => {
    const result = await bundle(entry);
    console.log(`tree-shaking: ${label}: ${result.bytes} bytes from ${result.inputs.length} modules`);
    expect(result.inputs.some((input) => input.includes(from)), `inputs: ${result.inputs.join(", ")}`).toBe(true);
    expect(result.inputs.filter((input) => /packages\/[^/]+\/src\//.test(input))).toEqual([]);
    expect(result.inputs.filter((input) => /packages\/(?:streams|subprocess)\//.test(input))).toEqual([]);
    expect(result.externals.filter((path) => NETWORK_AND_PROCESS_MODULES.includes(path))).toEqual([]);
    for (const name of [...NETWORK_AND_PROCESS_MODULES, ...STREAMS_AND_SUBPROCESS_CODE]) {
      expect(result.code.includes(name), `the bundle of ${label} contains "${name}"`).toBe(false);
    }
  });
});
