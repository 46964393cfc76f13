/**
 * Every name API.md promises is reachable from @aio/asyncio: as an export, or as a member of an
 * exported class, of a loop, or of an instance the API hands out.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as asyncio from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "..", "..", "..");
const apiPath = join(repoRoot, "docs", "API.md");
const sharedPath = join(repoRoot, "..", "shared", "API.md");
const api = readFileSync(apiPath, "utf8");

/** The "Packages and what each exports" part of API.md, split by package heading. */
function packageSections(): Map<string, string> {
  const part = api.slice(api.indexOf("## Packages and what each exports"));
  const sections = new Map<string, string>();
  for (const chunk of part.split(/^### /m).slice(1)) {
    const [title, ...body] = chunk.split("\n");
    sections.set((title as string).trim(), body.join("\n"));
  }
  return sections;
}

/** Identifiers named in backticks: `name(...)`, `Name<T>`, `new X(...)`, `a.b`, `x` / `y` lists. */
function namesIn(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/`([^`]+)`/g)) {
    let token = (match[1] as string).trim();
    if (/[*:"]|^node:|^@aio|\s=|^\.\//.test(token)) continue;
    token = token.replace(/^new\s+/, "").replace(/^await\s+/, "");
    token = token.replace(/\(.*$/s, "").replace(/<.*$/s, "");
    for (const piece of token.split(/\s*[,/]\s*/)) {
      const name = piece.replace(/^\.+/, "").split(".").at(-1)?.trim() ?? "";
      if (/^[A-Za-z_$][\w$]*$/.test(name)) names.add(name);
    }
  }
  return [...names];
}

/** Members reachable through classes and instances the API hands out. */
function memberNames(): Set<string> {
  const members = new Set<string>();
  const addChain = (object: object | null): void => {
    for (let proto = object; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
      for (const key of Object.getOwnPropertyNames(proto)) members.add(key);
    }
  };
  for (const value of Object.values(asyncio)) {
    if (typeof value === "function" && value.prototype !== undefined) addChain(value.prototype as object);
  }
  const loop = asyncio.newEventLoop();
  addChain(loop);
  loop.close();
  return members;
}

// Instance fields (set in constructors, so not on a prototype) that API.md names.
const INSTANCE_FIELDS = new Set(["pid", "stdin", "stdout", "stderr", "slowCallbackDuration", "exceptions", "partial", "expected", "consumed", "message", "code", "errno", "cause"]);

// Interfaces have no runtime value; the type-checker (`npm run typecheck`) verifies these instead.
const TYPE_ONLY = new Set(["AsyncContextManager", "AbstractEventLoop"]);
export type TypeOnlyExportsExist = [asyncio.AsyncContextManager<number>, asyncio.AbstractEventLoop];

// Words in backticks that are not API names (Python spellings in examples, JS keywords and values).
const NOT_NAMES = new Set(["true", "false", "null", "undefined", "then", "Promise", "PromiseLike", "AbortSignal", "AggregateError", "AsyncLocalStorage", "Set", "Set", "Uint8Array", "Buffer", "string", "T", "R", "x", "cm", "body", "value", "fut", "task", "tasks", "lock", "reader", "writer", "aws", "aw", "proc", "queue", "barrier", "loop", "asyncio", "main", "cb", "e", "fn", "work", "url", "h", "p", "f", "ssl", "limit", "sig", "timeout", "delay", "returnWhen", "returnExceptions", "maxsize", "context", "name", "eagerStart", "loopFactory", "debug", "immediate", "msg", "separator", "separators", "n", "when", "result", "args", "coro", "fetchPage", "sleep", "SIGTERM", "ECONNRESET", "TypeError", "RangeError", "Error", "ValueError", "RuntimeError", "contextvars", "cancelled", "BaseException", "tls"]);

describe("@aio/asyncio", () => {
  it("keeps docs/API.md identical to the shared contract", () => {
    if (!existsSync(sharedPath)) return; // A clone without the workspace's shared/ folder.
    expect(api).toBe(readFileSync(sharedPath, "utf8"));
  });

  it("exports or exposes every name API.md lists for each package", () => {
    const exported = new Set(Object.keys(asyncio));
    const members = memberNames();
    const missing: string[] = [];
    const sections = packageSections();
    expect(sections.size).toBeGreaterThanOrEqual(9);
    for (const [section, text] of sections) {
      for (const name of namesIn(text)) {
        if (NOT_NAMES.has(name) || TYPE_ONLY.has(name) || exported.has(name) || members.has(name) || INSTANCE_FIELDS.has(name)) continue;
        missing.push(`${section}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("re-exports every public name of every package", async () => {
    const packages = ["core", "futures", "loop", "tasks", "sync", "queues", "streams", "subprocess", "policy"];
    const exported = new Set(Object.keys(asyncio));
    for (const name of packages) {
      const module = (await import(`@aio/${name}`)) as Record<string, unknown>;
      for (const key of Object.keys(module)) expect(exported.has(key), `@aio/${name}.${key}`).toBe(true);
    }
  });

  it("reads like Python's asyncio", async () => {
    const result = await asyncio.run(async () => {
      const task = asyncio.createTask(() => asyncio.sleep(0.001, "done"));
      const [first] = await asyncio.gather(task, asyncio.sleep(0, 2));
      return first;
    });
    expect(result).toBe("done");
  });
});
