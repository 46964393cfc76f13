/**
 * The code each ThreadPoolExecutor worker thread runs: rebuild the submitted function, call it, report the outcome.
 * Mirrors CPython 3.13 concurrent/futures/thread.py (_WorkItem.run).
 *
 * piscina loads this file in every worker thread and calls `runJob` once per job. The file is
 * self-contained on purpose: it imports only Node built-ins, so Node can load it as compiled
 * `dist/thread-pool-worker.js` or, when the tests run from source, as `src/thread-pool-worker.ts`
 * with its types stripped, without the rest of the package.
 *
 * `runJob` never rejects for an error of the submitted function. It returns `{ ok: false, error }`
 * with the error taken apart (name, message, stack, own primitive properties, cause), because
 * structured clone keeps only the built-in error names and would turn `RuntimeError` into `Error`.
 * A rejection of piscina's promise therefore always means the transport failed (an argument or
 * the result could not be cloned, the worker thread died, or the job was aborted).
 */

/** A job as it crosses to the worker: a function's source text, or a module export to import. */
export type JobPayload =
  | { kind: "source"; source: string; args: unknown[] }
  | { kind: "export"; moduleUrl: string; exportName: string; args: unknown[] };

/** An error taken apart so that it survives structured clone with its name. */
export interface SerializedError {
  /** False when the function threw something that is not an Error; `value` then holds it. */
  isError: boolean;
  name: string;
  message: string;
  stack: string | undefined;
  /** Own enumerable properties with primitive values (`code`, `errno`, …). */
  properties: Record<string, string | number | boolean | bigint | null | undefined>;
  cause: SerializedError | undefined;
  value: unknown;
}

/** What `runJob` resolves with. */
export type JobResult = { ok: true; value: unknown } | { ok: false; error: SerializedError };

type AnyFunction = (...args: unknown[]) => unknown;

/** Compiled functions by source text, so a function submitted many times is evaluated once per thread. */
const compiled = new Map<string, AnyFunction>();
const MAX_COMPILED = 256;
const MAX_CAUSE_DEPTH = 4;

// Indirect eval runs in the global scope, so the rebuilt function sees globals only, never this
// module's bindings; that is the "self-contained function" contract of submit().
const globalEval = eval;

// Transpilers rewrite function bodies to call helpers of the submitting module, which the source
// text does not carry; stand-ins let such functions run here. esbuild with `keepNames` (tsx)
// wraps named functions in `__name(fn, "n")`; vitest rewrites `import(x)` to
// `__vite_ssr_dynamic_import__(x)`.
const globals = globalThis as { __name?: unknown; __vite_ssr_dynamic_import__?: unknown };
globals.__name ??= (target: unknown, value: string): unknown =>
  Object.defineProperty(target, "name", { value, configurable: true });
globals.__vite_ssr_dynamic_import__ ??= (specifier: string): Promise<unknown> => import(specifier);

function evaluate(source: string): AnyFunction {
  let value: unknown;
  try {
    value = globalEval(`(${source}\n)`);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // A method (`name(a) { … }`, `async name() {}`) prints without the `function` keyword; inside
    // an object literal it is valid again, and is the literal's only property.
    const holder = globalEval(`({${source}\n})`) as object;
    value = Object.values(Object.getOwnPropertyDescriptors(holder))[0]?.value;
  }
  if (typeof value !== "function") throw new TypeError(`submitted source is not a function: ${source.slice(0, 80)}`);
  return value as AnyFunction;
}

function compile(source: string): AnyFunction {
  let fn = compiled.get(source);
  if (fn === undefined) {
    fn = evaluate(source);
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(source, fn);
  }
  return fn;
}

async function loadExport(moduleUrl: string, exportName: string): Promise<AnyFunction> {
  const namespace = (await import(moduleUrl)) as Record<string, unknown>;
  const target = namespace[exportName];
  if (typeof target !== "function") {
    throw new TypeError(`module '${moduleUrl}' has no function export '${exportName}'`);
  }
  return target as AnyFunction;
}

function isPrimitive(value: unknown): value is string | number | boolean | bigint | null | undefined {
  return value === null || (typeof value !== "object" && typeof value !== "function" && typeof value !== "symbol");
}

function serializeError(thrown: unknown, depth = 0): SerializedError {
  if (!(thrown instanceof Error)) {
    let value: unknown = thrown;
    try {
      if (!isPrimitive(thrown)) value = structuredClone(thrown);
    } catch {
      // Not cloneable (a function, a symbol, an object holding one): its text is the best we can send.
      value = String(thrown);
    }
    return { isError: false, name: "", message: "", stack: undefined, properties: {}, cause: undefined, value };
  }
  const properties: SerializedError["properties"] = {};
  for (const [key, value] of Object.entries(thrown)) {
    if (key !== "name" && key !== "message" && key !== "stack" && isPrimitive(value)) properties[key] = value;
  }
  const cause = "cause" in thrown && depth < MAX_CAUSE_DEPTH ? serializeError(thrown.cause, depth + 1) : undefined;
  return {
    isError: true,
    name: thrown.name,
    message: thrown.message,
    stack: thrown.stack,
    properties,
    cause,
    value: undefined,
  };
}

/**
 * Runs one job in this worker thread and reports its outcome; called by piscina.
 * Async functions are awaited here, so the job holds its thread until the promise settles.
 */
export async function runJob(job: JobPayload): Promise<JobResult> {
  try {
    const fn = job.kind === "source" ? compile(job.source) : await loadExport(job.moduleUrl, job.exportName);
    return { ok: true, value: await fn(...job.args) };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}
