/**
 * Finding the implementations: Node (this process's own, the reference Node 24), CPython 3.13, CPython
 * 3.11 with uvloop (optional), and which @aio packages import (a probe process).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { runChild } from "./processes.ts";

export interface PythonFound {
  readonly executable: string;
  readonly version: string;
  /** How it was found, e.g. "PYENV_VERSION=3.13.0 python3.13". */
  readonly via: string;
  readonly uvloop?: string;
}

/** Either found, or absent with the reason. */
export type Found<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const PROBE_PYTHON = [
  "import json, sys",
  "info = {'version_info': list(sys.version_info[:3]), 'version': sys.version.split()[0], 'executable': sys.executable}",
  "try:",
  "    import uvloop",
  "    info['uvloop'] = uvloop.__version__",
  "except Exception:",
  "    pass",
  "print(json.dumps(info))",
].join("\n");

interface PythonInfo {
  version_info: number[];
  version: string;
  executable: string;
  uvloop?: string;
}

function askPython(command: string, env: NodeJS.ProcessEnv): PythonInfo | null {
  const result = spawnSync(command, ["-c", PROBE_PYTHON], { env, encoding: "utf8", timeout: 20_000 });
  if (result.status !== 0 || typeof result.stdout !== "string") {
    return null;
  }
  try {
    return JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as PythonInfo;
  } catch {
    // Not the JSON we printed: not a usable Python.
    return null;
  }
}

/** CPython 3.13: `PYENV_VERSION=3.13.0 python3.13`, then `python3.13`, then `python3`. */
export function findCpython(): Found<PythonFound> {
  const tried: string[] = [];
  const candidates: [string, NodeJS.ProcessEnv, string][] = [
    ["python3.13", { ...process.env, PYENV_VERSION: "3.13.0" }, "PYENV_VERSION=3.13.0 python3.13"],
    ["python3.13", process.env, "python3.13"],
    ["python3", process.env, "python3"],
  ];
  for (const [command, env, via] of candidates) {
    const info = askPython(command, env);
    if (info === null) {
      tried.push(`${via}: not found`);
      continue;
    }
    if (info.version_info[0] === 3 && info.version_info[1] === 13) {
      return { ok: true, value: { executable: info.executable, version: info.version, via } };
    }
    tried.push(`${via}: ${info.version}`);
  }
  return { ok: false, reason: `no CPython 3.13 (${tried.join("; ")})` };
}

/** CPython 3.11 with uvloop importable (Debian: apt-get install python3-uvloop), optional. */
export function findUvloop(): Found<PythonFound> {
  const tried: string[] = [];
  const seen = new Set<string>();
  for (const command of ["python3", "python3.11", "/usr/bin/python3.11", "/usr/bin/python3"]) {
    const info = askPython(command, process.env);
    if (info === null) {
      tried.push(`${command}: not found`);
      continue;
    }
    if (seen.has(info.executable)) {
      continue;
    }
    seen.add(info.executable);
    if (info.version_info[0] !== 3 || info.version_info[1] !== 11) {
      tried.push(`${command}: ${info.version}`);
      continue;
    }
    if (info.uvloop === undefined) {
      tried.push(`${command}: ${info.version} without uvloop`);
      continue;
    }
    return { ok: true, value: { executable: info.executable, version: info.version, via: command, uvloop: info.uvloop } };
  }
  return { ok: false, reason: `no CPython 3.11 with uvloop (${tried.join("; ")})` };
}

/** What the probe found for each @aio package: its export names, or the import error. */
export type AioProbe = Readonly<Record<string, { names: string[] } | { error: string }>>;

/** Imports the @aio packages in a child process (the runner never loads them itself). */
export async function probeAio(node: string, nodeFlags: readonly string[], benchDir: string, packages: readonly string[]): Promise<AioProbe> {
  const outcome = await runChild(node, [...nodeFlags, join(benchDir, "src", "aio", "probe.ts"), JSON.stringify(packages)], { cwd: benchDir }, 60);
  const line = outcome.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as AioProbe;
  } catch {
    // The probe itself broke: every package counts as not importable, with the probe's own words.
    const reason = `the import probe failed: ${outcome.stderr.trim().split("\n").slice(-1)[0] ?? `exit ${outcome.code}`}`;
    return Object.fromEntries(packages.map((name) => [name, { error: reason }]));
  }
}

/** Why the aio implementation of a workload is pending (a missing package or name), or null if it can run. */
export function pendingReason(probe: AioProbe, needs: Readonly<Record<string, readonly string[]>>): string | null {
  const reasons: string[] = [];
  for (const [name, wanted] of Object.entries(needs)) {
    const found = probe[name];
    if (found === undefined) {
      reasons.push(`${name}: not probed`);
    } else if ("error" in found) {
      reasons.push(`${name}: ${found.error}`);
    } else {
      const missing = wanted.filter((item) => !found.names.includes(item));
      if (missing.length > 0) {
        reasons.push(`${name} does not export ${missing.join(", ")} yet`);
      }
    }
  }
  return reasons.length === 0 ? null : reasons.join("; ");
}
