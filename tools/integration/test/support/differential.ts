/**
 * Random asyncio programs for differential testing against CPython 3.13: a seeded generator of
 * small programs (tasks that yield, cancel each other, await, shield, wait_for(0), gather,
 * timeout(0), TaskGroups, events, locks, semaphores, queues, uncancel), the same program as
 * Python source, and an interpreter that runs it on @aio. Only `sleep(0)` and synchronisation
 * decide the order, so CPython's trace is deterministic and @aio's must equal it line for line.
 *
 * scripts/record-differential.ts runs the Python side and stores the traces in
 * fixtures/differential.json; differential.test.ts replays every program on @aio.
 */
import { CancelledError, ContextVar, ExceptionGroup, QueueEmpty, QueueFull, QueueShutDown, RuntimeError, asyncWith, getRunningLoop } from "@aio/core";
import { Future } from "@aio/futures";
import { LifoQueue, PriorityQueue, Queue } from "@aio/queues";
import { Barrier, BoundedSemaphore, Condition, Event, Lock } from "@aio/sync";
import { FIRST_COMPLETED, TaskGroup, asCompleted, createTask, currentTask, gather, run, shield, sleep, timeout, wait, waitFor } from "@aio/tasks";
import type { Task } from "@aio/tasks";
import { seededRandom } from "@aio-tools/test-support";
import type { DifferentialSuite } from "./differential-suite.ts";
import { B, Boom } from "./parity.ts";

export type Op =
  | { k: "log" }
  | { k: "yield" }
  | { k: "cancel"; t: number; msg: boolean }
  | { k: "await"; t: number }
  | { k: "shield"; t: number }
  | { k: "waitfor0"; t: number }
  | { k: "gather"; ts: number[]; rex: boolean }
  | { k: "evwait"; e: number }
  | { k: "evset"; e: number }
  | { k: "evclear"; e: number }
  | { k: "lock"; l: number }
  | { k: "sem" }
  | { k: "put"; q: number; v: number }
  | { k: "get"; q: number }
  | { k: "uncancel" }
  | { k: "timeout0" }
  | { k: "tg"; modes: number[]; bodyYields: number; bodyFail: boolean }
  | { k: "raise" }
  | { k: "waitfirst"; ts: number[] }
  | { k: "condwait" }
  | { k: "condnotify"; n: number }
  | { k: "callsoon" }
  | { k: "fset"; f: number }
  | { k: "fawait"; f: number }
  | { k: "fcancel"; f: number }
  | { k: "spawn"; fail: boolean }
  | { k: "barrier" }
  | { k: "taskdone"; q: number }
  | { k: "join"; q: number }
  | { k: "later0" }
  | { k: "shieldcancel"; t: number }
  | { k: "waitfornone"; t: number }
  | { k: "resched" }
  | { k: "nestedtimeout" }
  | { k: "ascompleted"; ts: number[] }
  | { k: "semover" }
  | { k: "lockbad"; l: number }
  | { k: "getnowait"; q: number }
  | { k: "putnowait"; q: number; v: number }
  | { k: "qshutdown"; q: number; immediate: boolean }
  | { k: "cvset"; v: number }
  | { k: "cvget" }
  | { k: "repr"; what: number }
  | { k: "fgather"; rex: boolean }
  | { k: "fshield"; f: number }
  | { k: "fwaitfor0"; f: number };

export interface Program {
  readonly seed: number;
  readonly tasks: readonly (readonly Op[])[];
  /** sleep(0) rounds main gives the tasks before it starts cancelling what is left. */
  readonly rounds: number;
}

function generate(seed: number): Program {
  const random = seededRandom(seed);
  const int = (n: number): number => Math.floor(random() * n);
  // Every fifth program is larger: up to 9 tasks of up to 14 operations.
  const big = seed % 5 === 0;
  const count = big ? 4 + int(6) : 2 + int(4);
  const tasks: Op[][] = [];
  for (let i = 0; i < count; i++) {
    const ops: Op[] = [];
    const length = 1 + int(big ? 14 : 7);
    for (let j = 0; j < length; j++) {
      const roll = i === 0 ? int(13) : int(50);
      // Awaiting is only of earlier tasks (no cycles); everything else may target any task.
      const earlier = i === 0 ? 0 : int(i);
      switch (roll) {
        case 0:
          ops.push({ k: "log" });
          break;
        case 1:
        case 2:
          ops.push({ k: "yield" });
          break;
        case 3:
          ops.push({ k: "cancel", t: int(count), msg: random() < 0.3 });
          break;
        case 4:
          ops.push({ k: "evwait", e: int(2) });
          break;
        case 5:
          ops.push({ k: "evset", e: int(2) });
          break;
        case 6:
          ops.push(random() < 0.5 ? { k: "evclear", e: int(2) } : { k: "uncancel" });
          break;
        case 7:
          ops.push({ k: "lock", l: int(2) });
          break;
        case 8:
          ops.push(random() < 0.5 ? { k: "sem" } : { k: "timeout0" });
          break;
        case 9:
          ops.push({ k: "put", q: int(3), v: int(100) });
          break;
        case 10:
          ops.push({ k: "get", q: int(3) });
          break;
        case 11:
          // Child modes: 0 plain, 1 fails after a yield, 2 fails at once, 3 long, 4 cancels the
          // task running the group, 5 runs a nested group with a failing child, 6 swallows a cancel.
          ops.push({
            k: "tg",
            modes: Array.from({ length: 1 + int(3) }, () => (random() < 0.4 ? 0 : int(7))),
            bodyYields: int(3),
            bodyFail: random() < 0.15,
          });
          break;
        case 12:
          ops.push(random() < 0.3 ? { k: "raise" } : { k: "log" });
          break;
        case 13:
        case 14:
          ops.push({ k: "await", t: earlier });
          break;
        case 15:
          ops.push({ k: "shield", t: earlier });
          break;
        case 16:
          ops.push({ k: "waitfor0", t: earlier });
          break;
        case 17: {
          const ts = [earlier];
          if (random() < 0.5) ts.push(int(i));
          ops.push({ k: "gather", ts, rex: random() < 0.5 });
          break;
        }
        case 18:
          ops.push({ k: "waitfirst", ts: random() < 0.5 ? [earlier] : [earlier, int(i)] });
          break;
        case 19:
          ops.push({ k: "condwait" });
          break;
        case 20:
          ops.push({ k: "condnotify", n: 1 + int(2) });
          break;
        case 21:
          ops.push({ k: "callsoon" });
          break;
        case 22:
          ops.push({ k: "fset", f: int(2) });
          break;
        case 23:
          ops.push({ k: "fawait", f: int(2) });
          break;
        case 24:
          ops.push(random() < 0.5 ? { k: "fcancel", f: int(2) } : { k: "spawn", fail: random() < 0.3 });
          break;
        case 25:
          ops.push({ k: "barrier" });
          break;
        case 26:
          ops.push({ k: "taskdone", q: int(3) });
          break;
        case 27:
          ops.push({ k: "join", q: int(3) });
          break;
        case 28:
          ops.push({ k: "spawn", fail: random() < 0.3 });
          break;
        case 29:
          ops.push({ k: "later0" });
          break;
        case 30:
          ops.push({ k: "shieldcancel", t: earlier });
          break;
        case 31:
          ops.push({ k: "waitfornone", t: earlier });
          break;
        case 32:
          ops.push({ k: "resched" });
          break;
        case 33:
          ops.push({ k: "nestedtimeout" });
          break;
        case 34:
          ops.push({ k: "ascompleted", ts: random() < 0.5 ? [earlier] : [earlier, int(i)] });
          break;
        case 35:
          ops.push({ k: "semover" });
          break;
        case 36:
          ops.push({ k: "lockbad", l: int(2) });
          break;
        case 37:
          ops.push({ k: "getnowait", q: int(3) });
          break;
        case 38:
          ops.push({ k: "putnowait", q: int(3), v: int(100) });
          break;
        case 39:
          ops.push({ k: "qshutdown", q: int(3), immediate: random() < 0.5 });
          break;
        case 40:
        case 41:
          ops.push({ k: "cvset", v: int(100) });
          break;
        case 42:
          ops.push({ k: "cvget" });
          break;
        case 43:
        case 44:
        case 45:
          ops.push({ k: "repr", what: int(REPRS.length) });
          break;
        case 46:
          ops.push({ k: "fgather", rex: random() < 0.5 });
          break;
        case 47:
          ops.push({ k: "fshield", f: int(2) });
          break;
        default:
          ops.push({ k: "fwaitfor0", f: int(2) });
          break;
      }
    }
    tasks.push(ops);
  }
  return { seed, tasks, rounds: 2 + int(8) };
}

// ------------------------------------------------------------------------------------ Python

/** What the `repr` operation shows (the same names on both sides). */
const REPRS = ["locks[0]", "locks[1]", "events[0]", "sem", "cond", "barrier", "queues[0]", "queues[1]", "futures[0]", "futures[1]", "queues[2]"];

const INDENT = "    ";

/** An await that may fail, as Python: CancelledError re-raised while the task is being cancelled. */
function pyGuarded(tag: string, body: string[], ok: string, indent: string): string[] {
  return [
    `${indent}try:`,
    ...body.map((line) => `${indent}${INDENT}${line}`),
    `${indent}${INDENT}log(f"${tag} ok ${ok}")`,
    `${indent}except asyncio.CancelledError as e:`,
    `${indent}${INDENT}log(f"${tag} CancelledError msg={e.args[0] if e.args else ''} c={asyncio.current_task().cancelling()}")`,
    `${indent}${INDENT}if asyncio.current_task().cancelling() > 0:`,
    `${indent}${INDENT}${INDENT}raise`,
    `${indent}except Exception as e:`,
    `${indent}${INDENT}log(f"${tag} {describe(e)}")`,
  ];
}

function pyOp(op: Op, i: number, j: number, indent: string): string[] {
  const tag = `T${i}.${j}`;
  switch (op.k) {
    case "log":
      return [`${indent}log("${tag}")`];
    case "yield":
      return [`${indent}await asyncio.sleep(0)`];
    case "cancel":
      return [`${indent}log(f"${tag} cancel T${op.t} {tasks[${op.t}].cancel(${op.msg ? `"m${i}"` : ""})}")`];
    case "await":
      return pyGuarded(tag, [`r = await tasks[${op.t}]`], "{r}", indent);
    case "shield":
      return pyGuarded(tag, [`r = await asyncio.shield(tasks[${op.t}])`], "{r}", indent);
    case "waitfor0":
      return pyGuarded(tag, [`r = await asyncio.wait_for(tasks[${op.t}], 0)`], "{r}", indent);
    case "gather":
      return pyGuarded(
        tag,
        [`r = await asyncio.gather(${op.ts.map((t) => `tasks[${t}]`).join(", ")}, return_exceptions=${B(op.rex)})`],
        "{' '.join(describe(x) for x in r)}",
        indent,
      );
    case "evwait":
      return pyGuarded(tag, [`r = await events[${op.e}].wait()`], "{r}", indent);
    case "evset":
      return [`${indent}events[${op.e}].set()`];
    case "evclear":
      return [`${indent}events[${op.e}].clear()`];
    case "lock":
      return pyGuarded(tag, [`async with locks[${op.l}]:`, `${INDENT}log("${tag} in")`, `${INDENT}await asyncio.sleep(0)`], "", indent);
    case "sem":
      return pyGuarded(tag, [`async with sem:`, `${INDENT}log("${tag} in")`, `${INDENT}await asyncio.sleep(0)`], "", indent);
    case "put":
      return pyGuarded(tag, [`await queues[${op.q}].put(${op.v})`], "", indent);
    case "get":
      return pyGuarded(tag, [`r = await queues[${op.q}].get()`], "{r}", indent);
    case "uncancel":
      return [`${indent}log(f"${tag} uncancel {asyncio.current_task().uncancel()}")`];
    case "timeout0":
      return pyGuarded(tag, [`async with asyncio.timeout(0):`, `${INDENT}await asyncio.sleep(0)`, `${INDENT}log("${tag} inside")`], "", indent);
    case "tg":
      return pyGuarded(
        tag,
        [
          `async with asyncio.TaskGroup() as tg:`,
          ...op.modes.map((mode, k) => `${INDENT}tg.create_task(child("${tag}.${k}", ${mode}, ${i}))`),
          ...Array.from({ length: op.bodyYields }, () => `${INDENT}await asyncio.sleep(0)`),
          ...(op.bodyFail ? [`${INDENT}raise Boom()`] : []),
        ],
        "",
        indent,
      );
    case "raise":
      return [`${indent}raise Boom()`];
    case "waitfirst":
      return pyGuarded(
        tag,
        [`done, pending = await asyncio.wait([${op.ts.map((t) => `tasks[${t}]`).join(", ")}], return_when=asyncio.FIRST_COMPLETED)`, "r = f'{len(done)} {len(pending)}'"],
        "{r}",
        indent,
      );
    case "condwait":
      return pyGuarded(tag, [`async with cond:`, `${INDENT}r = await cond.wait()`], "{r}", indent);
    case "condnotify":
      return pyGuarded(tag, [`async with cond:`, `${INDENT}cond.notify(${op.n})`], "", indent);
    case "callsoon":
      return [`${indent}asyncio.get_running_loop().call_soon(log, "${tag} cb")`];
    case "fset":
      return [`${indent}if not futures[${op.f}].done():`, `${indent}${INDENT}futures[${op.f}].set_result(${i})`];
    case "fawait":
      return pyGuarded(tag, [`r = await futures[${op.f}]`], "{r}", indent);
    case "fcancel":
      return [`${indent}log(f"${tag} fcancel {futures[${op.f}].cancel()}")`];
    case "spawn":
      return [`${indent}spawned.append(asyncio.create_task(child("${tag}.s", ${op.fail ? 1 : 0}, ${i})))`];
    case "barrier":
      return pyGuarded(tag, [`r = await barrier.wait()`], "{r}", indent);
    case "taskdone":
      return [
        `${indent}try:`,
        `${indent}${INDENT}queues[${op.q}].task_done()`,
        `${indent}except ValueError as e:`,
        `${indent}${INDENT}log(f"${tag} {describe(e)}")`,
      ];
    case "join":
      return pyGuarded(tag, [`await queues[${op.q}].join()`], "", indent);
    case "later0":
      return [`${indent}asyncio.get_running_loop().call_later(0, log, "${tag} later")`];
    case "shieldcancel":
      return pyGuarded(tag, [`s = asyncio.shield(tasks[${op.t}])`, `log(f"${tag} shield cancel {s.cancel()}")`, `r = await s`], "{r}", indent);
    case "waitfornone":
      return pyGuarded(tag, [`r = await asyncio.wait_for(tasks[${op.t}], None)`], "{r}", indent);
    case "resched":
      return pyGuarded(
        tag,
        [`async with asyncio.timeout(None) as cm:`, `${INDENT}cm.reschedule(asyncio.get_running_loop().time())`, `${INDENT}await asyncio.sleep(0)`, `${INDENT}log(f"${tag} inside {cm.expired()}")`],
        "",
        indent,
      );
    case "nestedtimeout":
      return pyGuarded(
        tag,
        [`async with asyncio.timeout(0):`, `${INDENT}async with asyncio.timeout(None):`, `${INDENT}${INDENT}await asyncio.sleep(0)`, `${INDENT}${INDENT}await asyncio.sleep(0)`, `${INDENT}log("${tag} inside")`],
        "",
        indent,
      );
    case "ascompleted":
      return pyGuarded(
        tag,
        [
          `rs = []`,
          `for f in asyncio.as_completed([${op.ts.map((t) => `tasks[${t}]`).join(", ")}]):`,
          `${INDENT}try:`,
          `${INDENT}${INDENT}rs.append(describe(await f))`,
          `${INDENT}except asyncio.CancelledError as e:`,
          `${INDENT}${INDENT}if asyncio.current_task().cancelling() > 0:`,
          `${INDENT}${INDENT}${INDENT}raise`,
          `${INDENT}${INDENT}rs.append(describe(e))`,
          `${INDENT}except Exception as e:`,
          `${INDENT}${INDENT}rs.append(describe(e))`,
          `r = ' '.join(sorted(rs))`,
        ],
        "{r}",
        indent,
      );
    case "semover":
      return [`${indent}try:`, `${indent}${INDENT}sem.release()`, `${indent}except ValueError as e:`, `${indent}${INDENT}log(f"${tag} {describe(e)}")`];
    case "lockbad":
      return [`${indent}try:`, `${indent}${INDENT}locks[${op.l}].release()`, `${indent}except RuntimeError as e:`, `${indent}${INDENT}log(f"${tag} {describe(e)}")`];
    case "getnowait":
      return [
        `${indent}try:`,
        `${indent}${INDENT}log(f"${tag} got {queues[${op.q}].get_nowait()}")`,
        `${indent}except (asyncio.QueueEmpty, asyncio.QueueShutDown) as e:`,
        `${indent}${INDENT}log(f"${tag} {describe(e)}")`,
      ];
    case "putnowait":
      return [
        `${indent}try:`,
        `${indent}${INDENT}queues[${op.q}].put_nowait(${op.v})`,
        `${indent}except (asyncio.QueueFull, asyncio.QueueShutDown) as e:`,
        `${indent}${INDENT}log(f"${tag} {describe(e)}")`,
      ];
    case "qshutdown":
      return [`${indent}queues[${op.q}].shutdown(${B(op.immediate)})`];
    case "cvset":
      return [`${indent}cv.set(${op.v})`];
    case "cvget":
      return [`${indent}log(f"${tag} cv={cv.get()}")`];
    case "repr":
      return [`${indent}log(f"${tag} {norm(repr(${REPRS[op.what] as string}))}")`];
    case "fgather":
      return pyGuarded(tag, [`r = await asyncio.gather(futures[0], futures[1], return_exceptions=${B(op.rex)})`], "{' '.join(describe(x) for x in r)}", indent);
    case "fshield":
      return pyGuarded(tag, [`r = await asyncio.shield(futures[${op.f}])`], "{r}", indent);
    case "fwaitfor0":
      return pyGuarded(tag, [`r = await asyncio.wait_for(futures[${op.f}], 0)`], "{r}", indent);
  }
}

/** The program as a Python coroutine function `prog_<seed>(log)`. */
function toPython(program: Program): string {
  const lines = [
    `async def prog_${program.seed}(log):`,
    `${INDENT}events = [asyncio.Event(), asyncio.Event()]`,
    `${INDENT}locks = [asyncio.Lock(), asyncio.Lock()]`,
    `${INDENT}sem = asyncio.BoundedSemaphore(2)`,
    `${INDENT}queues = [asyncio.Queue(1), asyncio.LifoQueue(2), asyncio.PriorityQueue(3)]`,
    `${INDENT}cond = asyncio.Condition()`,
    `${INDENT}barrier = asyncio.Barrier(2)`,
    `${INDENT}futures = [asyncio.get_running_loop().create_future(), asyncio.get_running_loop().create_future()]`,
    `${INDENT}tasks = []`,
    `${INDENT}spawned = []`,
    `${INDENT}cv = contextvars.ContextVar("cv", default=-1)`,
    `${INDENT}async def child(name, mode, owner):`,
    `${INDENT}${INDENT}log(f"{name} cv={cv.get()}")`,
    `${INDENT}${INDENT}if mode == 2:`,
    `${INDENT}${INDENT}${INDENT}raise Boom()`,
    `${INDENT}${INDENT}if mode == 4:`,
    `${INDENT}${INDENT}${INDENT}log(f"{name} cancels T{owner} {tasks[owner].cancel()}")`,
    `${INDENT}${INDENT}if mode == 5:`,
    `${INDENT}${INDENT}${INDENT}async with asyncio.TaskGroup() as inner:`,
    `${INDENT}${INDENT}${INDENT}${INDENT}inner.create_task(child(name + ".n0", 0, owner))`,
    `${INDENT}${INDENT}${INDENT}${INDENT}inner.create_task(child(name + ".n1", 1, owner))`,
    `${INDENT}${INDENT}if mode == 6:`,
    `${INDENT}${INDENT}${INDENT}try:`,
    `${INDENT}${INDENT}${INDENT}${INDENT}for _ in range(3):`,
    `${INDENT}${INDENT}${INDENT}${INDENT}${INDENT}await asyncio.sleep(0)`,
    `${INDENT}${INDENT}${INDENT}except asyncio.CancelledError:`,
    `${INDENT}${INDENT}${INDENT}${INDENT}log(f"{name} swallowed")`,
    `${INDENT}${INDENT}await asyncio.sleep(0)`,
    `${INDENT}${INDENT}if mode == 1:`,
    `${INDENT}${INDENT}${INDENT}raise Boom()`,
    `${INDENT}${INDENT}for _ in range(4 if mode == 3 else 1):`,
    `${INDENT}${INDENT}${INDENT}await asyncio.sleep(0)`,
    `${INDENT}${INDENT}log(name + " end")`,
  ];
  program.tasks.forEach((ops, i) => {
    const body = `${INDENT}${INDENT}${INDENT}`;
    lines.push(
      `${INDENT}async def t${i}():`,
      `${INDENT}${INDENT}try:`,
      ...ops.flatMap((op, j) => pyOp(op, i, j, body)),
      `${body}log("T${i} end")`,
      `${body}return "r${i}"`,
      `${INDENT}${INDENT}except asyncio.CancelledError:`,
      `${body}log("T${i} cancelled")`,
      `${body}raise`,
      `${INDENT}${INDENT}except Exception as e:`,
      `${body}log(f"T${i} {describe(e)}")`,
      `${body}raise`,
    );
  });
  lines.push(
    `${INDENT}for i, t in enumerate([${program.tasks.map((_, i) => `t${i}`).join(", ")}]):`,
    `${INDENT}${INDENT}tasks.append(asyncio.create_task(t(), name=f"T{i}"))`,
    `${INDENT}for _ in range(${program.rounds}):`,
    `${INDENT}${INDENT}await asyncio.sleep(0)`,
    `${INDENT}for _ in range(3):`,
    `${INDENT}${INDENT}pending = [t for t in tasks + spawned if not t.done()]`,
    `${INDENT}${INDENT}if not pending:`,
    `${INDENT}${INDENT}${INDENT}break`,
    `${INDENT}${INDENT}for t in pending:`,
    `${INDENT}${INDENT}${INDENT}log(f"main cancel {t.get_name()} {t.cancel()}")`,
    `${INDENT}${INDENT}for _ in range(4):`,
    `${INDENT}${INDENT}${INDENT}await asyncio.sleep(0)`,
    `${INDENT}res = await asyncio.gather(*tasks, *spawned, return_exceptions=True)`,
    `${INDENT}log("results " + " ".join(describe(r) for r in res))`,
    `${INDENT}log(f"futures {' '.join(describe(f) for f in futures)}")`,
    "",
  );
  return lines.join("\n");
}

/** Python helpers of the task programs: reprs without address, and results as short text. */
const PYTHON_HELPERS = [
  "def norm(r):",
  "    # @aio's reprs show no module path and no address (a documented difference).",
  "    r = re.sub(r'^<(?:asyncio\\.[a-z_]+\\.)?(\\w+)(?: object)? at 0x[0-9a-f]+', r'<\\1', r)",
  "    # ... and callbacks without their source position (a JavaScript function has none).",
  "    return re.sub(r' at /[^\\],>]*:\\d+', '', r)",
  "",
  "def describe(x):",
  "    if isinstance(x, asyncio.Future):",
  "        return 'cancelled' if x.cancelled() else ('pending' if not x.done() else 'done ' + str(x.result()))",
  "    if isinstance(x, BaseExceptionGroup):",
  "        return type(x).__name__ + '(' + ','.join(sorted(describe(e) for e in x.exceptions)) + ')'",
  "    if isinstance(x, BaseException):",
  "        return type(x).__name__",
  "    return str(x)",
];

// ------------------------------------------------------------------------------------ @aio

function describe(x: unknown): string {
  if (x instanceof Future) {
    return x.cancelled() ? "cancelled" : !x.done() ? "pending" : `done ${describe(x.result())}`;
  }
  if (x === undefined || x === null) return "None";
  if (x instanceof RangeError) return "ValueError";
  if (x instanceof ExceptionGroup) {
    return `${x.name}(${(x.exceptions as unknown[]).map(describe).sort().join(",")})`;
  }
  if (x instanceof Error) return x.name;
  if (typeof x === "boolean") return B(x);
  return typeof x === "string" || typeof x === "number" ? String(x) : JSON.stringify(x);
}

/** Runs the program on @aio; resolves with its trace. */
async function runOnAio(program: Program): Promise<string[]> {
  const trace: string[] = [];
  const log = (line: string): void => {
    trace.push(line);
  };
  await run(async () => {
    const events = [new Event(), new Event()];
    const locks = [new Lock(), new Lock()];
    const sem = new BoundedSemaphore(2);
    const queues: Queue<number>[] = [new Queue<number>(1), new LifoQueue<number>(2), new PriorityQueue<number>(3)];
    const cond = new Condition();
    const barrier = new Barrier(2);
    const loop = getRunningLoop();
    const futures = [loop.createFuture() as Future<number>, loop.createFuture() as Future<number>];
    const tasks: Task<string>[] = [];
    const spawned: Task<void>[] = [];
    const me = (): Task<unknown> => currentTask() as Task<unknown>;

    const cv = new ContextVar<number>("cv", { default: -1 });
    const child = async (name: string, mode: number, owner: number): Promise<void> => {
      log(`${name} cv=${cv.get()}`);
      if (mode === 2) throw new Boom();
      if (mode === 4) log(`${name} cancels T${owner} ${B((tasks[owner] as Task<string>).cancel())}`);
      if (mode === 5) {
        await asyncWith(new TaskGroup(), (inner) => {
          inner.createTask(() => child(`${name}.n0`, 0, owner));
          inner.createTask(() => child(`${name}.n1`, 1, owner));
        });
      }
      if (mode === 6) {
        try {
          for (let r = 0; r < 3; r++) await sleep(0);
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
          log(`${name} swallowed`);
        }
      }
      await sleep(0);
      if (mode === 1) throw new Boom();
      for (let r = 0; r < (mode === 3 ? 4 : 1); r++) await sleep(0);
      log(`${name} end`);
    };

    /** Python's guarded await: CancelledError re-raised while the task is being cancelled. */
    const guarded = async (tag: string, body: () => Promise<string>): Promise<void> => {
      let ok: string;
      try {
        ok = await body();
      } catch (error) {
        if (error instanceof CancelledError) {
          log(`${tag} CancelledError msg=${error.message} c=${me().cancelling()}`);
          if (me().cancelling() > 0) throw error;
          return;
        }
        if (error instanceof Error) {
          log(`${tag} ${describe(error)}`);
          return;
        }
        throw error;
      }
      log(`${tag} ok ${ok}`);
    };

    const runOp = async (op: Op, i: number, j: number): Promise<void> => {
      const tag = `T${i}.${j}`;
      switch (op.k) {
        case "log":
          log(tag);
          return;
        case "yield":
          await sleep(0);
          return;
        case "cancel":
          log(`${tag} cancel T${op.t} ${B(op.msg ? (tasks[op.t] as Task<string>).cancel(`m${i}`) : (tasks[op.t] as Task<string>).cancel())}`);
          return;
        case "await":
          return guarded(tag, async () => describe(await (tasks[op.t])));
        case "shield":
          return guarded(tag, async () => describe(await shield(tasks[op.t] as Task<string>)));
        case "waitfor0":
          return guarded(tag, async () => describe(await waitFor(tasks[op.t] as Task<string>, 0)));
        case "gather":
          return guarded(tag, async () => {
            const results: unknown[] = await gather(op.ts.map((t) => tasks[t] as Task<string>), { returnExceptions: op.rex });
            return results.map(describe).join(" ");
          });
        case "evwait":
          return guarded(tag, async () => describe(await (events[op.e] as Event).wait()));
        case "evset":
          (events[op.e] as Event).set();
          return;
        case "evclear":
          (events[op.e] as Event).clear();
          return;
        case "lock":
          return guarded(tag, () =>
            asyncWith(locks[op.l] as Lock, async () => {
              log(`${tag} in`);
              await sleep(0);
              return "";
            }),
          );
        case "sem":
          return guarded(tag, () =>
            asyncWith(sem, async () => {
              log(`${tag} in`);
              await sleep(0);
              return "";
            }),
          );
        case "put":
          return guarded(tag, async () => {
            await (queues[op.q] as Queue<number>).put(op.v);
            return "";
          });
        case "get":
          return guarded(tag, async () => describe(await (queues[op.q] as Queue<number>).get()));
        case "uncancel":
          log(`${tag} uncancel ${me().uncancel()}`);
          return;
        case "timeout0":
          return guarded(tag, () =>
            asyncWith(timeout(0), async () => {
              await sleep(0);
              log(`${tag} inside`);
              return "";
            }),
          );
        case "tg":
          return guarded(tag, () =>
            asyncWith(new TaskGroup(), async (tg) => {
              for (const [k, mode] of op.modes.entries()) tg.createTask(() => child(`${tag}.${k}`, mode, i));
              for (let r = 0; r < op.bodyYields; r++) await sleep(0);
              if (op.bodyFail) throw new Boom();
              return "";
            }),
          );
        case "raise":
          throw new Boom();
        case "waitfirst":
          return guarded(tag, async () => {
            const [done, pending] = await wait(op.ts.map((t) => tasks[t] as Task<string>), { returnWhen: FIRST_COMPLETED });
            return `${done.size} ${pending.size}`;
          });
        case "condwait":
          return guarded(tag, () => asyncWith(cond, async () => describe(await cond.wait())));
        case "condnotify":
          return guarded(tag, () =>
            asyncWith(cond, () => {
              cond.notify(op.n);
              return "";
            }),
          );
        case "callsoon":
          loop.callSoon(log, `${tag} cb`);
          return;
        case "fset":
          if (!(futures[op.f] as Future<number>).done()) (futures[op.f] as Future<number>).setResult(i);
          return;
        case "fawait":
          return guarded(tag, async () => describe(await (futures[op.f])));
        case "fcancel":
          log(`${tag} fcancel ${B((futures[op.f] as Future<number>).cancel())}`);
          return;
        case "spawn":
          spawned.push(createTask(() => child(`${tag}.s`, op.fail ? 1 : 0, i)));
          return;
        case "barrier":
          return guarded(tag, async () => describe(await barrier.wait()));
        case "taskdone":
          try {
            (queues[op.q] as Queue<number>).taskDone();
          } catch (error) {
            if (!(error instanceof RangeError)) throw error;
            log(`${tag} ${describe(error)}`);
          }
          return;
        case "join":
          return guarded(tag, async () => {
            await (queues[op.q] as Queue<number>).join();
            return "";
          });
        case "later0":
          loop.callLater(0, log, `${tag} later`);
          return;
        case "shieldcancel":
          return guarded(tag, async () => {
            const shielded = shield(tasks[op.t] as Task<string>);
            log(`${tag} shield cancel ${B(shielded.cancel())}`);
            return describe(await shielded);
          });
        case "waitfornone":
          return guarded(tag, async () => describe(await waitFor(tasks[op.t] as Task<string>, null)));
        case "resched":
          return guarded(tag, () =>
            asyncWith(timeout(null), async (cm) => {
              cm.reschedule(loop.time());
              await sleep(0);
              log(`${tag} inside ${B(cm.expired())}`);
              return "";
            }),
          );
        case "nestedtimeout":
          return guarded(tag, () =>
            asyncWith(timeout(0), async () => {
              await asyncWith(timeout(null), async () => {
                await sleep(0);
                await sleep(0);
              });
              log(`${tag} inside`);
              return "";
            }),
          );
        case "ascompleted":
          return guarded(tag, async () => {
            const results: string[] = [];
            for (const next of asCompleted(op.ts.map((t) => tasks[t] as Task<string>))) {
              try {
                results.push(describe(await next));
              } catch (error) {
                if (error instanceof CancelledError && me().cancelling() > 0) throw error;
                results.push(describe(error));
              }
            }
            // Sorted: CPython iterates a set of the futures, so those already done come in hash order.
            return results.sort().join(" ");
          });
        case "semover":
          try {
            sem.release();
          } catch (error) {
            if (!(error instanceof RangeError)) throw error;
            log(`${tag} ${describe(error)}`);
          }
          return;
        case "lockbad":
          try {
            (locks[op.l] as Lock).release();
          } catch (error) {
            if (!(error instanceof RuntimeError)) throw error;
            log(`${tag} ${describe(error)}`);
          }
          return;
        case "getnowait":
          try {
            log(`${tag} got ${describe((queues[op.q] as Queue<number>).getNowait())}`);
          } catch (error) {
            if (!(error instanceof QueueEmpty || error instanceof QueueShutDown)) throw error;
            log(`${tag} ${describe(error)}`);
          }
          return;
        case "putnowait":
          try {
            (queues[op.q] as Queue<number>).putNowait(op.v);
          } catch (error) {
            if (!(error instanceof QueueFull || error instanceof QueueShutDown)) throw error;
            log(`${tag} ${describe(error)}`);
          }
          return;
        case "qshutdown":
          (queues[op.q] as Queue<number>).shutdown(op.immediate);
          return;
        case "cvset":
          cv.set(op.v);
          return;
        case "cvget":
          log(`${tag} cv=${cv.get()}`);
          return;
        case "fgather":
          return guarded(tag, async () => {
            const results: unknown[] = await gather([futures[0] as Future<number>, futures[1] as Future<number>], { returnExceptions: op.rex });
            return results.map(describe).join(" ");
          });
        case "fshield":
          return guarded(tag, async () => describe(await shield(futures[op.f] as Future<number>)));
        case "fwaitfor0":
          return guarded(tag, async () => describe(await waitFor(futures[op.f] as Future<number>, 0)));
        case "repr": {
          const shown = [locks[0], locks[1], events[0], sem, cond, barrier, queues[0], queues[1], futures[0], futures[1], queues[2]][op.what];
          log(`${tag} ${String(shown)}`);
          return;
        }
      }
    };

    const body = (ops: readonly Op[], i: number) => async (): Promise<string> => {
      try {
        for (const [j, op] of ops.entries()) await runOp(op, i, j);
        log(`T${i} end`);
        return `r${i}`;
      } catch (error) {
        if (error instanceof CancelledError) log(`T${i} cancelled`);
        else log(`T${i} ${describe(error)}`);
        throw error;
      }
    };

    program.tasks.forEach((ops, i) => tasks.push(createTask(body(ops, i), { name: `T${i}` })));
    for (let r = 0; r < program.rounds; r++) await sleep(0);
    for (let round = 0; round < 3; round++) {
      const pending = [...tasks, ...spawned].filter((task) => !task.done());
      if (pending.length === 0) break;
      for (const task of pending) log(`main cancel ${task.getName()} ${B(task.cancel())}`);
      for (let r = 0; r < 4; r++) await sleep(0);
    }
    const results: unknown[] = await gather([...tasks, ...spawned] as Task<unknown>[], { returnExceptions: true });
    log(`results ${results.map(describe).join(" ")}`);
    log(`futures ${futures.map(describe).join(" ")}`);
  });
  return trace;
}

/** Tasks, cancellation and synchronisation (fixtures/differential.json). */
export const tasksSuite: DifferentialSuite<Program> = {
  fixture: "differential.json",
  generate,
  pythonHelpers: PYTHON_HELPERS,
  toPython,
  pythonCall: (seed) => `asyncio.run(prog_${seed}(log.append))`,
  runOnAio,
};
