/** Shared plumbing of the Node-side workload processes: read the spec, check, print the one JSON line. Mirrors python/common.py. */

/** What the runner passes to a workload process as its only argument (a JSON object). */
export interface Spec {
  readonly impl: string;
  readonly workload: string;
  readonly n: number;
  readonly [param: string]: unknown;
}

/** The one line a workload process prints on success. */
export interface Result {
  readonly n: number;
  readonly seconds: number;
  readonly rate: number;
  readonly unit: string;
  readonly late_ms?: number;
  /** Resident MiB to report when not sampled at the end of the timed pass (W8). */
  readonly rss_mb?: number;
}

/** Parses the spec given as the first command-line argument. */
export function readSpec(): Spec {
  const raw = process.argv[2];
  if (raw === undefined) {
    fail("usage: <script> '<json spec>'");
  }
  return JSON.parse(raw) as Spec;
}

/** Reads a numeric parameter of the spec, failing loudly when it is missing. */
export function param(spec: Spec, name: string): number {
  const value = spec[name];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(`spec parameter \`${name}\` must be a number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Monotonic seconds (the clock every Node-side measurement uses). */
export function now(): number {
  return performance.now() / 1000;
}

/** Resident set size of this process in MiB. */
export function rssMb(): number {
  return process.memoryUsage.rss() / (1024 * 1024);
}

/** Resident set size of this process in bytes. */
export function rssBytes(): number {
  return process.memoryUsage.rss();
}

/** Runs a full garbage collection; the runner starts W8 with --expose-gc. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    fail("W8 needs node --expose-gc");
  }
  gc();
  gc();
}

/** Exits at once with status 1 and a CHECK FAILED line the runner shows as the reason. */
export function fail(message: string): never {
  process.stderr.write(`CHECK FAILED: ${message}\n`);
  process.exit(1);
}

/** Fails the run unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    fail(message);
  }
}

/**
 * Runs one workload: first once at a tenth of its size, untimed (V8 optimises hot code as it
 * runs, so a cold first pass measures the compiler more than the library; every implementation
 * warms up alike, and the runner turns it off with --no-warmup and for W8), then the timed pass,
 * whose result is printed. Checks apply to both passes.
 */
export async function measure(spec: Spec, once: (warm: boolean) => Promise<Result>): Promise<void> {
  if (spec["warmup"] === true) {
    await once(true);
  }
  const result = await once(false);
  report(spec, result, result.rss_mb ?? rssMb());
}

/** A size for this pass: `size`, or a tenth of it (kept a multiple of `multiple`) in the warm-up pass. */
export function sized(size: number, warm: boolean, multiple = 1): number {
  if (!warm) {
    return size;
  }
  return Math.max(multiple, Math.floor(size / 10 / multiple) * multiple);
}

/** Prints the result line; `rss_mb` defaults to now, the end of the timed section. */
export function report(spec: Spec, result: Result, rss: number = rssMb()): void {
  const line = {
    impl: spec.impl,
    workload: spec.workload,
    n: result.n,
    seconds: round(result.seconds, 6),
    rate: round(result.rate, 3),
    unit: result.unit,
    rss_mb: round(rss, 1),
    ...(result.late_ms === undefined ? {} : { late_ms: round(result.late_ms, 3) }),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

const ZEROS = new Uint8Array(1 << 16);

/** Whether every byte is 0, compared 64 KiB at a time with memcmp (W7b checks 200 MiB). */
export function allZero(bytes: Uint8Array): boolean {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 0; offset < view.length; offset += ZEROS.length) {
    const slice = view.subarray(offset, Math.min(offset + ZEROS.length, view.length));
    if (Buffer.compare(slice, ZEROS.subarray(0, slice.length)) !== 0) {
      return false;
    }
  }
  return true;
}

/** Delay of task i in W5, in milliseconds: ((i * 2654435761) mod 2^32) / 2^32 * 20. */
export function w5DelayMs(i: number): number {
  // i * 2654435761 stays below 2^53 for i < 3.3 million, so the product is exact.
  return ((i * 2654435761) % 4294967296) / 4294967296 * 20;
}
