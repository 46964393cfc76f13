/**
 * The workloads of /shared/BENCH.md (W0-W10): sizes (full = BENCH.md exactly; quick = a smoke test of a
 * second or so per process), the script of each implementation, the @aio names each needs, and the
 * target ratios BENCH.md sets for @aio.
 */

/** The implementations, in the order the runner runs and shows them. */
export const IMPLS = ["aio", "cpython", "uvloop", "node"] as const;
export type ImplName = (typeof IMPLS)[number];

/** A target ratio of @aio to a reference: at least `min`, or at most `max` (lower is better). */
export interface Target {
  readonly min?: number;
  readonly max?: number;
}

/** The targets of one workload; a missing entry means BENCH.md sets none. */
export interface Targets {
  readonly cpython?: Target;
  readonly node?: Target;
  /** W5 only: @aio's mean lateness over CPython's. */
  readonly lateCpython?: Target;
}

export interface Workload {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  /** True for W8: the rate is bytes per task, and lower is better. */
  readonly lowerIsBetter: boolean;
  /** Node-side script under src/ ("aio/..." and "node/..." share the name), and the Python script under python/. */
  readonly script: string;
  readonly python: string;
  /** Spec parameters: BENCH.md's sizes, and the quick ones. */
  readonly full: Readonly<Record<string, number | string>>;
  readonly quick: Readonly<Record<string, number | string>>;
  /** For W6 / W6b: the server mode; the implementation runs the server and src/loadgen.ts drives it. */
  readonly server?: "lines" | "bulk";
  /** The @aio packages and names the aio implementation imports (a missing one makes it pending). */
  readonly needs: Readonly<Record<string, readonly string[]>>;
  /** Node flags for the aio and node implementations. */
  readonly nodeFlags: readonly string[];
  /** False for W8: a warm-up pass would leave memory behind for the measured pass to reuse. */
  readonly warmup: boolean;
  readonly targets: Targets;
}

const TASKS = ["run", "createTask", "gather"];
const MiB = 1024 * 1024;

export const WORKLOADS: readonly Workload[] = [
  {
    id: "W0",
    title: "1,000,000 loop.callSoon no-op callbacks, in batches of 1,000 from a driver callback",
    unit: "callbacks/s",
    lowerIsBetter: false,
    script: "w0-call-soon.ts",
    python: "w0_call_soon.py",
    full: { n: 1_000_000, batch: 1000 },
    quick: { n: 200_000, batch: 1000 },
    needs: { "@aio/loop": ["newEventLoop"] },
    nodeFlags: [],
    warmup: true,
    targets: { cpython: { min: 10 } },
  },
  {
    id: "W1",
    title: "spawn 100,000 tasks that each return their index; gather them",
    unit: "tasks/s",
    lowerIsBetter: false,
    script: "w1-gather.ts",
    python: "w1_gather.py",
    full: { n: 100_000 },
    quick: { n: 20_000 },
    needs: { "@aio/tasks": TASKS },
    nodeFlags: [],
    warmup: true,
    targets: { cpython: { min: 10 } },
  },
  {
    id: "W2",
    title: "1,000 tasks, each doing 1,000 `await sleep(0)`",
    unit: "switches/s",
    lowerIsBetter: false,
    script: "w2-sleep-zero.ts",
    python: "w2_sleep_zero.py",
    full: { tasks: 1000, switches: 1000 },
    quick: { tasks: 1000, switches: 100 },
    needs: { "@aio/tasks": [...TASKS, "sleep"] },
    nodeFlags: [],
    warmup: true,
    targets: { cpython: { min: 4 }, node: { min: 0.6 } },
  },
  {
    id: "W3",
    title: "1 producer, 1 consumer, 1,000,000 items through Queue(100), awaited put / get",
    unit: "items/s",
    lowerIsBetter: false,
    script: "w3-queue.ts",
    python: "w3_queue.py",
    full: { n: 1_000_000, producers: 1, maxsize: 100 },
    quick: { n: 100_000, producers: 1, maxsize: 100 },
    needs: { "@aio/tasks": TASKS, "@aio/queues": ["Queue"] },
    nodeFlags: [],
    warmup: true,
    targets: { cpython: { min: 3 }, node: { min: 0.6 } },
  },
  {
    id: "W3b",
    title: "the same with 4 producers and 4 consumers",
    unit: "items/s",
    lowerIsBetter: false,
    script: "w3-queue.ts",
    python: "w3_queue.py",
    full: { n: 1_000_000, producers: 4, maxsize: 100 },
    quick: { n: 100_000, producers: 4, maxsize: 100 },
    needs: { "@aio/tasks": TASKS, "@aio/queues": ["Queue"] },
    nodeFlags: [],
    warmup: true,
    targets: { cpython: { min: 3 }, node: { min: 0.6 } },
  },
  {
    id: "W4",
    title: "100 tasks take one Lock 200,000 times in all, each holding it across one sleep(0)",
    unit: "acquisitions/s",
    lowerIsBetter: false,
    script: "w4-lock.ts",
    python: "w4_lock.py",
    full: { n: 200_000, tasks: 100 },
    quick: { n: 20_000, tasks: 100 },
    needs: { "@aio/tasks": [...TASKS, "sleep"], "@aio/sync": ["Lock"] },
    nodeFlags: [],
    warmup: true,
    targets: { cpython: { min: 3 }, node: { min: 0.6 } },
  },
  {
    id: "W5",
    title: "100,000 tasks each sleep a pseudo-random 0-20 ms; timers/s and mean lateness",
    unit: "timers/s",
    lowerIsBetter: false,
    script: "w5-timers.ts",
    python: "w5_timers.py",
    full: { n: 100_000 },
    quick: { n: 10_000 },
    needs: { "@aio/tasks": [...TASKS, "sleep"], "@aio/core": ["getRunningLoop"] },
    nodeFlags: [],
    warmup: true,
    targets: { cpython: { min: 4 }, lateCpython: { max: 0.2 } },
  },
  {
    id: "W6",
    title: "TCP echo: 32 connections x 2,000 round trips of 1 KiB lines, one fixed load generator",
    unit: "requests/s",
    lowerIsBetter: false,
    script: "w6-echo-server.ts",
    python: "w6_echo_server.py",
    full: { conns: 32, rounds: 2000, size: 1024 },
    quick: { conns: 32, rounds: 200, size: 1024 },
    server: "lines",
    needs: { "@aio/tasks": ["run"], "@aio/streams": ["startServer"], "@aio/core": ["isCancelledError"] },
    nodeFlags: [],
    warmup: true,
    targets: { cpython: { min: 3 }, node: { min: 0.8 } },
  },
  {
    id: "W6b",
    title: "TCP bulk echo: one connection sends 256 MiB in 64 KiB chunks; read(65536) / write / drain",
    unit: "MiB/s",
    lowerIsBetter: false,
    script: "w6-echo-server.ts",
    python: "w6_echo_server.py",
    full: { bytes: 256 * MiB, chunk: 65536 },
    quick: { bytes: 32 * MiB, chunk: 65536 },
    server: "bulk",
    needs: { "@aio/tasks": ["run"], "@aio/streams": ["startServer"], "@aio/core": ["isCancelledError"] },
    nodeFlags: [],
    warmup: true,
    targets: { cpython: { min: 1.4 }, node: { min: 0.85 } },
  },
  {
    id: "W7a",
    title: "600 runs of `true` through createSubprocessExec + wait, at most 8 at a time",
    unit: "processes/s",
    lowerIsBetter: false,
    script: "w7-subprocess.ts",
    python: "w7_subprocess.py",
    full: { n: 600, parallel: 8 },
    quick: { n: 80, parallel: 8 },
    needs: { "@aio/tasks": TASKS, "@aio/subprocess": ["createSubprocessExec", "PIPE"] },
    nodeFlags: [],
    warmup: true,
    targets: { node: { min: 0.9 } },
  },
  {
    id: "W7b",
    title: "communicate() reading 200 MiB from `head -c 209715200 /dev/zero`",
    unit: "MiB/s",
    lowerIsBetter: false,
    script: "w7-subprocess.ts",
    python: "w7_subprocess.py",
    full: { n: 200 * MiB },
    quick: { n: 16 * MiB },
    needs: { "@aio/tasks": TASKS, "@aio/subprocess": ["createSubprocessExec", "PIPE"] },
    nodeFlags: [],
    warmup: true,
    targets: { cpython: { min: 1.4 }, node: { min: 0.85 } },
  },
  {
    id: "W8",
    title: "100,000 tasks parked on one Event: resident bytes per parked task (after a GC)",
    unit: "B/task",
    lowerIsBetter: true,
    script: "w8-event-memory.ts",
    python: "w8_event_memory.py",
    full: { n: 100_000 },
    quick: { n: 20_000 },
    needs: { "@aio/tasks": [...TASKS, "sleep"], "@aio/sync": ["Event"] },
    nodeFlags: ["--expose-gc"],
    warmup: false,
    targets: { cpython: { max: 1 } },
  },
  {
    id: "W10",
    title: "100,000 tasks parked in sleep(3600), all cancelled, all awaited (timed from creation)",
    unit: "tasks/s",
    lowerIsBetter: false,
    script: "w10-cancel.ts",
    python: "w10_cancel.py",
    full: { n: 100_000 },
    quick: { n: 10_000 },
    needs: { "@aio/tasks": [...TASKS, "sleep"], "@aio/core": ["CancelledError"] },
    nodeFlags: [],
    warmup: true,
    targets: { cpython: { min: 3 }, node: { min: 0.6 } },
  },
];

/** The @aio packages any workload imports, for the probe. */
export function aioPackages(): string[] {
  return [...new Set(WORKLOADS.flatMap((workload) => Object.keys(workload.needs)))].sort();
}
