/**
 * StepTask: the smallest task that honours the loop's step contract, for this package's tests.
 * Mirrors the stepping half of CPython 3.13 asyncio/tasks.py (Task.__step, __wakeup) as @aio/tasks does.
 *
 * Why not @aio/tasks: it depends on @aio/loop, and turbo rejects a dependency cycle even through
 * devDependencies, so the loop's tests cannot import it. StepTask does exactly what the loop expects
 * of a task and nothing more: every resumption is a ready handle that calls `loop._beginStep(task)`,
 * and the task calls `loop._stepSuspended(task)` when it registers on a Future (`_awaitOn`), yields
 * (`yieldStep`, Python's bare `yield` / `sleep(0)`) or finishes. No cancellation of the coroutine.
 */
import { _registerDefaultTaskFactory, copyContext, frameStorage } from "@aio/core";
import type {
  AbstractEventLoop,
  AbstractFuture,
  Context,
  Coroutine,
  CreateTaskOptions,
  LoopInternals,
  ReadyHandle,
  TaskFrame,
} from "@aio/core";
import { Future } from "@aio/futures";

type Loop = AbstractEventLoop & LoopInternals;
type Resolve = (value: unknown) => void;
type Reject = (error: unknown) => void;

class StepHandle implements ReadyHandle {
  _cancelled = false;
  private readonly step: () => void;
  private readonly label: string;
  constructor(label: string, step: () => void) {
    this.label = label;
    this.step = step;
  }
  _run(): void {
    this.step();
  }
  toString(): string {
    return `<Handle ${this.label}.__step()>`;
  }
}

let counter = 0;

/** A Task for the loop's tests: runs `coro` in steps the loop schedules. */
export class StepTask<T = unknown> extends Future<T> implements TaskFrame {
  readonly _context: Context;
  _coro: Coroutine<T> | null;
  _name: string;
  _futWaiter: Future<unknown> | null = null;
  private waitResolve: Resolve | null = null;
  private waitReject: Reject | null = null;

  constructor(coro: Coroutine<T>, options: { loop: AbstractEventLoop; name?: string | null; context?: Context | null }) {
    super({ loop: options.loop });
    this._coro = coro;
    this._name = options.name ?? `Task-${++counter}`;
    this._context = options.context ?? copyContext();
    this._loop._pushReady(new StepHandle(this.toString(), () => this.start()));
  }

  get _frameTask(): object {
    return this;
  }

  getName(): string {
    return this._name;
  }

  setName(name: unknown): void {
    this._name = String(name);
  }

  getCoro(): Coroutine<T> | null {
    return this._coro;
  }

  private get loop(): Loop {
    return this._loop;
  }

  private start(): void {
    this.loop._beginStep(this);
    const coro = this._coro as Coroutine<T>;
    void frameStorage.run(this, async () => {
      let value: T;
      try {
        value = await coro();
      } catch (error) {
        Future.prototype.setException.call(this, error);
        this.afterDone();
        return;
      }
      Future.prototype.setResult.call(this, value);
      this.afterDone();
    });
  }

  private afterDone(): void {
    // CPython keeps the coroutine of a finished task (its repr shows `coro=<f() done>`).
    this.loop._stepSuspended(this);
  }

  /** Called by Future._await inside this task's frame: the task waits on `future`. */
  _awaitOn(future: Future<unknown>, resolve: Resolve, reject: Reject): void {
    this._futWaiter = future;
    this.waitResolve = resolve;
    this.waitReject = reject;
    future._addWaiter(this);
    this.loop._stepSuspended(this);
  }

  /** The awaited future is done: the wakeup is a ready handle (Python: call_soon(self.__wakeup)). */
  _futureDone(future: AbstractFuture<unknown>): void {
    const resolve = this.waitResolve as Resolve;
    const reject = this.waitReject as Reject;
    this.waitResolve = null;
    this.waitReject = null;
    this.loop._pushReady(
      new StepHandle(this.toString(), () => {
        this._futWaiter = null;
        this.loop._beginStep(this);
        let value: unknown;
        try {
          value = future.result();
        } catch (error) {
          reject(error);
          return;
        }
        resolve(value);
      }),
    );
  }

  /** Python's bare `yield` (what `sleep(0)` does): resume in the next iteration. */
  _yield(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.loop._pushReady(
        new StepHandle(this.toString(), () => {
          this.loop._beginStep(this);
          resolve();
        }),
      );
      this.loop._stepSuspended(this);
    });
  }

  override _reprInfo(): string[] {
    const info = super._reprInfo();
    info.splice(1, 0, `name='${this._name}'`);
    if (this._coro !== null) {
      info.splice(2, 0, `coro=<${this._coro.name || "<anonymous>"}()${this.done() ? " done" : ""}>`);
    }
    return info;
  }

  override toString(): string {
    return `<Task ${this._reprInfo().join(" ")}>`;
  }
}

/** The running StepTask. */
export function currentStepTask(): StepTask | null {
  const frame = frameStorage.getStore();
  const task = frame === undefined ? null : frame._frameTask;
  return task instanceof StepTask ? task : null;
}

/** `sleep(0)` for StepTasks: yields exactly one loop iteration. */
export function yieldStep(): Promise<void> {
  const task = currentStepTask();
  if (task === null) throw new Error("yieldStep() outside a StepTask");
  return task._yield();
}

/** `sleep(delay)` for StepTasks: a Future resolved by a timer. */
export async function sleepStep(loop: AbstractEventLoop, delay: number): Promise<void> {
  const future = loop.createFuture<void>();
  const timer = loop.callLater(delay, () => {
    if (!future.done()) future.setResult(undefined);
  });
  try {
    await future;
  } finally {
    timer.cancel();
  }
}

/** A task factory making StepTasks (Python's `lambda loop, coro: Task(coro, loop=loop)`). */
export function stepTaskFactory(loop: AbstractEventLoop, coro: Coroutine<unknown>, options: CreateTaskOptions): StepTask {
  return new StepTask(coro, { loop, name: options.name ?? null, context: options.context ?? null });
}

/**
 * Makes StepTask the default task (what importing @aio/tasks does), so `loop.createTask` and
 * `runUntilComplete(thunk)` work in this package's tests.
 */
export function installStepTasks(): void {
  _registerDefaultTaskFactory(stepTaskFactory);
}
