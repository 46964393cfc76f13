/**
 * The transport of a child process: its pipes, its exit, and signals.
 * Mirrors CPython 3.13 asyncio/base_subprocess.py (BaseSubprocessTransport,
 * ReadSubprocessPipeProto, WriteSubprocessPipeProto) and unix_events._UnixSubprocessTransport.
 *
 * Node spawns and reaps the child (no zombies are left), and reports its exit with the `exit`
 * event, which plays the part of Python's child watcher. As in Python, `connectionMade` comes
 * after the pipes are connected, calls that arrive before it are queued, and `connectionLost`
 * (which also wakes `wait()`) comes once the process exited and every pipe closed.
 *
 * `stderr: STDOUT` has no direct Node equivalent (spawn cannot hand one pipe to two
 * descriptors), so the child is started through `/bin/sh -c 'exec "$@" 2>&1'`; `exec` keeps the
 * shell's pid, so `pid` is the program's.
 */
import { spawn } from "node:child_process";
import type { ChildProcess, StdioOptions } from "node:child_process";
import { accessSync, constants as fsConstants, statSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { FileNotFoundError, NotADirectoryError, OSError, PermissionError, ProcessLookupError, SubprocessTransport, _pyStrRepr, _pyTypeName, fromNodeError, logger } from "@aio/core";
import type { AbstractEventLoop, LoopInternals } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { DEVNULL, PIPE, STDOUT } from "./constants.js";
import { ReadPipeTransport, WritePipeTransport } from "./pipe-transports.js";

type Loop = AbstractEventLoop & LoopInternals;

/** Python's SubprocessProtocol, as the transport calls it. */
export interface SubprocessProtocolLike {
  connectionMade(transport: unknown): void;
  connectionLost(exc: unknown): void;
  pipeDataReceived(fd: number, data: Uint8Array): void;
  pipeConnectionLost(fd: number, exc: unknown): void;
  processExited(): void;
  pauseWriting?(): void;
  resumeWriting?(): void;
}

/**
 * Where one of the child's standard streams goes: `PIPE`, `STDOUT` (stderr only), `DEVNULL`, a
 * descriptor number, a FileHandle (`{ fd }`), or null/undefined to inherit the parent's.
 */
export type StdioSpec = number | { fd: number } | null | undefined;

/** Options of `loop.subprocessExec` / `loop.subprocessShell`. */
export interface SubprocessOptions {
  stdin?: StdioSpec;
  stdout?: StdioSpec;
  stderr?: StdioSpec;
  cwd?: string | URL | null;
  env?: NodeJS.ProcessEnv | null;
  /** Run the child in a new session (setsid), as Python's start_new_session. */
  startNewSession?: boolean;
  /** Python's process_group: only 0 (a new group led by the child) is possible in Node. */
  processGroup?: number | null;
  /** Python's bufsize/universal_newlines/text/encoding must keep their defaults (bytes only). */
  bufsize?: number;
  universalNewlines?: boolean;
  shell?: boolean;
  text?: boolean | null;
  encoding?: string | null;
  errors?: string | null;
}

const SIGNALS = osConstants.signals as Readonly<Record<string, number>>;
const SIGNAL_NAMES = new Map<number, string>(Object.entries(SIGNALS).map(([name, number]) => [number, name]));

function stdioOf(spec: StdioSpec, which: 0 | 1 | 2): "pipe" | "ignore" | "inherit" | number {
  if (spec === null || spec === undefined) return "inherit";
  if (spec === PIPE) return "pipe";
  if (spec === DEVNULL) return "ignore";
  if (spec === STDOUT) {
    if (which !== 2) throw new RangeError("STDOUT can only be used for stderr");
    return "pipe";
  }
  if (typeof spec === "number" && Number.isInteger(spec) && spec >= 0) return spec;
  if (typeof spec === "object" && typeof spec.fd === "number") return spec.fd;
  throw new TypeError(`invalid stdio value ${inspect(spec)}: expected PIPE, STDOUT, DEVNULL, None, a descriptor or a file handle`);
}

/** The errors about a path that spawning raises, as Python's OSError subclasses. */
const PATH_ERRORS = {
  ENOENT: [FileNotFoundError, 2, "No such file or directory"],
  EACCES: [PermissionError, 13, "Permission denied"],
  ENOTDIR: [NotADirectoryError, 20, "Not a directory"],
} as const;

/** Python's OSError about `filename`: `[Errno 2] No such file or directory: 'prog'`, with errno, strerror and filename. */
function pathError(code: keyof typeof PATH_ERRORS, filename: string, cause?: unknown): OSError {
  const [Class, errno, strerror] = PATH_ERRORS[code];
  return new Class(`[Errno ${errno}] ${strerror}: ${_pyStrRepr(filename)}`, { code, errno, strerror, filename, cause });
}

/** Finds `program` on PATH the way execvp does, to raise FileNotFoundError before spawning through sh. */
function checkExecutable(program: string, env: NodeJS.ProcessEnv, cwd: string | null): void {
  const candidates = program.includes("/")
    ? [program]
    : (env.PATH ?? process.env.PATH ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, program));
  let denied = false;
  for (const candidate of candidates) {
    // The child runs in `cwd`: a relative path is found from there, as the exec finds it.
    const path = cwd === null ? candidate : resolve(cwd, candidate);
    try {
      if (statSync(path).isDirectory()) {
        denied = true; // execvp: EACCES for a directory
        continue;
      }
    } catch {
      continue; // Not here: try the next PATH entry, as execvp does.
    }
    try {
      accessSync(path, fsConstants.X_OK);
      return;
    } catch {
      denied = true;
    }
  }
  // execvp reports EACCES when some candidate existed but could not be run, else ENOENT.
  throw pathError(denied ? "EACCES" : "ENOENT", program);
}

/**
 * Python's Popen checks that chdir(cwd) will work in the child, which reports its errno: a missing
 * directory is FileNotFoundError naming the directory (Node names the program instead).
 */
function checkCwd(cwd: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "EACCES") throw pathError(code, cwd, error);
    throw fromNodeError(error);
  }
  if (!isDirectory) throw pathError("ENOTDIR", cwd);
}

/** A pipe of the child, as Python's Read/WriteSubprocessPipeProto. @internal */
interface PipeEntry {
  transport: ReadPipeTransport | WritePipeTransport;
  disconnected: boolean;
}

/**
 * The transport of one child process.
 * @see https://docs.python.org/3/library/asyncio-protocol.html#subprocess-transports
 */
export class UnixSubprocessTransport extends SubprocessTransport {
  /** @internal */
  _loop: Loop;
  /** @internal */
  _protocol: SubprocessProtocolLike | null;
  /** @internal */
  _proc: ChildProcess | null = null;
  /** @internal */
  _pid: number | null = null;
  /** @internal */
  _returncode: number | null = null;
  /** @internal */
  _exitWaiters: Future<number>[] | null = [];
  /** Calls made before connectionMade (Python's _pending_calls). @internal */
  _pendingCalls: (() => void)[] | null = [];
  /** @internal */
  _pipes = new Map<number, PipeEntry | null>();
  /** @internal */
  _finished = false;
  /** @internal */
  _pipeWaiters: Future<void>[] = [];
  /** @internal */
  _closed = false;

  /** @internal */
  constructor(loop: AbstractEventLoop, protocol: SubprocessProtocolLike) {
    super({});
    this._loop = loop as Loop;
    this._protocol = protocol;
  }

  /** Spawns the child; resolves once it runs. @internal */
  async _start(args: string[], shell: boolean, options: SubprocessOptions): Promise<void> {
    const { stdin, stdout, stderr, cwd = null, env = null, startNewSession = false, processGroup = null } = options;
    const stdio: StdioOptions = [stdioOf(stdin, 0), stdioOf(stdout, 1), stdioOf(stderr, 2)];
    if (stdin === PIPE) this._pipes.set(0, null);
    if (stdout === PIPE) this._pipes.set(1, null);
    if (stderr === PIPE) this._pipes.set(2, null);
    if (env !== null) {
      // os.fsencode of each key and value: Node would stringify a number silently.
      for (const [key, value] of Object.entries(env)) {
        if (typeof value !== "string") throw new TypeError(`expected str, bytes or os.PathLike object, not ${_pyTypeName(value)}`);
        if (key.includes("=")) throw new RangeError("illegal environment variable name");
      }
    }
    const cwdPath = cwd === null ? null : cwd instanceof URL ? fileURLToPath(cwd) : cwd;
    if (cwdPath !== null) checkCwd(cwdPath);
    if (!shell && args[0] === "") {
      // execvp("") fails with EACCES, which Python raises; Node refuses the empty name itself.
      throw pathError("EACCES", "");
    }
    const environment = env ?? process.env;
    let file: string;
    let argv: string[];
    if (shell) {
      file = "/bin/sh";
      argv = ["-c", args[0] as string];
    } else {
      file = args[0] as string;
      argv = args.slice(1);
    }
    if (stderr === STDOUT) {
      if (stdout !== PIPE) {
        // stderr follows stdout wherever it goes; only the pipe case needs the shell's help.
        stdio[2] = stdio[1];
      } else {
        if (!shell) checkExecutable(file, environment, cwdPath);
        argv = ["-c", 'exec "$@" 2>&1', "sh", ...(shell ? ["/bin/sh", ...argv] : [file, ...argv])];
        file = "/bin/sh";
        stdio[2] = "inherit";
      }
    }
    if (processGroup !== null && processGroup !== 0) {
      throw new RangeError(`process_group=${processGroup} is not supported: Node can only start a new group (0)`);
    }
    const child = spawn(file, argv, {
      stdio,
      cwd: cwd ?? undefined,
      env: environment,
      detached: startNewSession || processGroup === 0,
      windowsHide: true,
    });
    // spawn() forks synchronously; the "spawn" event only confirms the exec. Keep the child now
    // so that close() (on a cancelled or failed creation) can kill it.
    if (child.pid !== undefined) this._proc = child;
    // The pipe transports listen from the start: Node resumes (and so discards) the output of a
    // child that exits while nobody listens to it, which a short-lived child can do before
    // "spawn" is handled. Their events wait in `_pendingCalls` until connectionMade.
    this._pipeWaiters = this._makePipes(child);
    // Listen for the exit at once: a short-lived child may exit before "spawn" is handled.
    child.on("exit", (code, signal) => {
      const returncode = code ?? -(signal === null ? 0 : (SIGNALS[signal] ?? 0));
      if (this._loop.isClosed()) {
        // CPython unix_events ThreadedChildWatcher: the exit of a child whose loop is closed is
        // only logged.
        logger.warning(`Loop ${(this._loop as { toString(): string }).toString()} that handles pid ${child.pid} is closed`);
        return;
      }
      this._loop.callSoon(() => this._processExited(returncode));
    });
    const spawned = this._loop.createFuture<void>() as Future<void>;
    child.once("spawn", () => {
      if (!spawned.done()) spawned.setResult(undefined);
    });
    child.once("error", (error) => {
      if (!spawned.done()) spawned.setException(translateSpawnError(error, file));
    });
    try {
      await awaitFuture(spawned);
    } catch (error) {
      // CPython base_events._make_subprocess_transport: a failed or cancelled creation closes
      // the transport, which kills the child if it runs.
      this.close();
      throw error;
    }
    this._proc = child;
    this._pid = child.pid ?? null;
    this._extra.subprocess = child;
    if (this._loop._debug) logger.debug(`process ${JSON.stringify(file)} created: pid ${this._pid}`);
  }

  /** Creates the pipe transports of the child's piped streams. @internal */
  _makePipes(child: ChildProcess): Future<void>[] {
    const protocol = this._protocol as SubprocessProtocolLike;
    const waiters: Future<void>[] = [];
    if (this._pipes.has(0) && child.stdin !== null) {
      const ready = this._loop.createFuture<void>() as Future<void>;
      const transport = new WritePipeTransport(this._loop, child.stdin, this._pipeProtocol(0, protocol), ready);
      this._pipes.set(0, { transport, disconnected: false });
      waiters.push(ready);
    }
    for (const fd of [1, 2] as const) {
      const stream = fd === 1 ? child.stdout : child.stderr;
      if (this._pipes.has(fd) && stream !== null) {
        const ready = this._loop.createFuture<void>() as Future<void>;
        const transport = new ReadPipeTransport(this._loop, stream, this._pipeProtocol(fd, protocol), ready);
        this._pipes.set(fd, { transport, disconnected: false });
        waiters.push(ready);
      }
    }
    return waiters;
  }

  /** Python's `_connect_pipes`: pipes connected, then connectionMade, then the queued calls. @internal */
  async _connectPipes(waiter: Future<void>): Promise<void> {
    const protocol = this._protocol as SubprocessProtocolLike;
    try {
      for (const ready of this._pipeWaiters) await awaitFuture(ready);
      this._loop.callSoon(() => protocol.connectionMade(this));
      const pending = this._pendingCalls ?? [];
      this._pendingCalls = null;
      for (const call of pending) this._loop.callSoon(call);
    } catch (error) {
      if (!waiter.done()) waiter.setException(error);
      return;
    }
    this._loop.callSoon(() => {
      if (!waiter.cancelled() && !waiter.done()) waiter.setResult(undefined);
    });
  }

  /** The pipe-level protocol that forwards to the subprocess protocol. @internal */
  _pipeProtocol(fd: number, protocol: SubprocessProtocolLike): {
    connectionMade(): void;
    dataReceived(data: Uint8Array): void;
    connectionLost(exc: unknown): void;
    pauseWriting(): void;
    resumeWriting(): void;
  } {
    return {
      connectionMade: () => undefined,
      dataReceived: (data: Uint8Array) => this._call(() => protocol.pipeDataReceived(fd, data)),
      connectionLost: (exc: unknown) => {
        const entry = this._pipes.get(fd);
        if (entry) entry.disconnected = true;
        this._call(() => protocol.pipeConnectionLost(fd, exc));
        this._tryFinish();
      },
      pauseWriting: () => protocol.pauseWriting?.(),
      resumeWriting: () => protocol.resumeWriting?.(),
    };
  }

  /** Runs `fn` now, or after connectionMade if that has not happened (Python's `_call`). @internal */
  _call(fn: () => void): void {
    if (this._pendingCalls !== null) this._pendingCalls.push(fn);
    else this._loop.callSoon(fn);
  }

  /** @internal */
  _processExited(returncode: number): void {
    if (this._returncode !== null) return;
    if (this._loop._debug) logger.info(`${this.toString()} exited with return code ${returncode}`);
    this._returncode = returncode;
    const protocol = this._protocol;
    if (protocol !== null) this._call(() => protocol.processExited());
    this._tryFinish();
  }

  /** @internal */
  _tryFinish(): void {
    if (this._finished || this._returncode === null) return;
    for (const entry of this._pipes.values()) {
      if (entry === null || !entry.disconnected) return;
    }
    this._finished = true;
    this._call(() => this._callConnectionLost(null));
  }

  /** @internal */
  _callConnectionLost(exc: unknown): void {
    try {
      this._protocol?.connectionLost(exc);
    } finally {
      for (const waiter of this._exitWaiters ?? []) {
        if (!waiter.cancelled()) waiter.setResult(this._returncode as number);
      }
      this._exitWaiters = null;
      this._proc = null;
      this._protocol = null;
    }
  }

  /** Waits for the exit and returns the return code. @internal */
  async _wait(): Promise<number> {
    // CPython 3.13 base_subprocess._wait: once the exit is known, wait() returns at once, even
    // if a pipe is still open (earlier waiters are woken by connection_lost).
    if (this._returncode !== null) return this._returncode;
    if (this._exitWaiters === null) return this._returncode as unknown as number;
    const waiter = this._loop.createFuture<number>() as Future<number>;
    this._exitWaiters.push(waiter);
    return awaitFuture(waiter);
  }

  override getPid(): number {
    return this._pid as number;
  }

  override getReturncode(): number | null {
    return this._returncode;
  }

  override getPipeTransport(fd: number): ReadPipeTransport | WritePipeTransport | null {
    return this._pipes.get(fd)?.transport ?? null;
  }

  override isClosing(): boolean {
    return this._closed;
  }

  /** @internal */
  _checkProc(): ChildProcess {
    if (this._proc === null) throw new ProcessLookupError();
    return this._proc;
  }

  /**
   * Sends `signal` (a number or a name) to the child.
   * @throws ProcessLookupError once the process has finished; OSError (EINVAL) for an unknown signal
   *   number, as os.kill raises; RangeError for an unknown signal name; TypeError for a non-integer.
   */
  override sendSignal(signal: number | string): void {
    const child = this._checkProc();
    if (typeof signal !== "number" && typeof signal !== "string") {
      throw new TypeError(`signal must be a number or a signal name, not ${typeof signal}`);
    }
    if (typeof signal === "number" && !Number.isInteger(signal)) {
      throw new TypeError(`'float' object cannot be interpreted as an integer`);
    }
    const name = typeof signal === "string" ? signal : SIGNAL_NAMES.get(signal);
    if (typeof signal === "string" && (name === undefined || SIGNALS[name] === undefined)) {
      throw new RangeError(`invalid signal name ${signal}`);
    }
    // Popen.send_signal: nothing is sent to a child already reaped.
    if (this._returncode !== null) return;
    if (signal === 0) {
      // kill(pid, 0) sends nothing: it only checks that the child exists.
      try {
        process.kill(child.pid!, 0);
      } catch (error) {
        throw fromNodeError(error);
      }
      return;
    }
    if (name === undefined || SIGNALS[name] === undefined) {
      // os.kill with a signal number the system does not know: kill(2) fails with EINVAL.
      throw new OSError("[Errno 22] Invalid argument", { code: "EINVAL", errno: 22, strerror: "Invalid argument" });
    }
    try {
      child.kill(name as NodeJS.Signals);
    } catch (error) {
      throw fromNodeError(error);
    }
  }

  override terminate(): void {
    this.sendSignal("SIGTERM");
  }

  override kill(): void {
    this.sendSignal("SIGKILL");
  }

  /** Closes the pipes; kills the child if it still runs (as Python does). */
  override close(): void {
    if (this._closed) return;
    this._closed = true;
    for (const entry of this._pipes.values()) entry?.transport.close();
    if (this._proc !== null && this._returncode === null && this._proc.exitCode === null && this._proc.signalCode === null) {
      if (this._loop._debug) logger.warning(`Close running child process: kill ${this.toString()}`);
      try {
        this._proc.kill("SIGKILL");
      } catch {
        // The process may have exited meanwhile: nothing left to kill.
      }
    }
  }

  override toString(): string {
    const info = ["UnixSubprocessTransport"];
    if (this._closed) info.push("closed");
    if (this._pid !== null) info.push(`pid=${this._pid}`);
    if (this._returncode !== null) info.push(`returncode=${this._returncode}`);
    else if (this._pid !== null) info.push("running");
    else info.push("not started");
    return `<${info.join(" ")}>`;
  }
}

function translateSpawnError(error: Error, file: string): unknown {
  const code = (error as Error & { code?: string }).code;
  if (code === "ENOENT" || code === "EACCES") return pathError(code, file, error);
  return fromNodeError(error);
}

/** Creates the transport, spawns and connects; Python's `_make_subprocess_transport`. @internal */
export async function makeSubprocessTransport(
  loop: AbstractEventLoop,
  protocol: SubprocessProtocolLike,
  args: string[],
  shell: boolean,
  options: SubprocessOptions,
): Promise<UnixSubprocessTransport> {
  const transport = new UnixSubprocessTransport(loop, protocol);
  await transport._start(args, shell, options);
  const waiter = loop.createFuture<void>() as Future<void>;
  void transport._connectPipes(waiter);
  try {
    await awaitFuture(waiter);
  } catch (error) {
    transport.close();
    await transport._wait().catch(() => undefined);
    throw error;
  }
  return transport;
}

