/**
 * Process and createSubprocessExec / createSubprocessShell: child processes with stream pipes.
 * Mirrors CPython 3.13 asyncio/subprocess.py (SubprocessStreamProtocol, Process,
 * create_subprocess_exec, create_subprocess_shell).
 */
import { BrokenPipeError, ConnectionResetError, getRunningLoop, logger } from "@aio/core";
import type { AbstractEventLoop, AbstractFuture, Transport } from "@aio/core";
import { FlowControlMixin, StreamReader, StreamWriter, DEFAULT_LIMIT } from "@aio/streams";
import { gather } from "@aio/tasks";
import type { Future } from "@aio/futures";
import { subprocessExec, subprocessShell } from "./loop-methods.js";
import type { SubprocessOptions, UnixSubprocessTransport } from "./subprocess-transport.js";

/** The protocol behind a Process: feeds stdout/stderr readers and the stdin writer. */
export class SubprocessStreamProtocol extends FlowControlMixin {
  /** @internal */
  _limit: number;
  stdin: StreamWriter | null = null;
  stdout: StreamReader | null = null;
  stderr: StreamReader | null = null;
  /** @internal */
  _transport: UnixSubprocessTransport | null = null;
  /** @internal */
  _processExited = false;
  /** @internal */
  _pipeFds: number[] = [];
  /** @internal */
  _stdinClosed: Future<void>;

  constructor(limit: number, loop: AbstractEventLoop) {
    super(loop);
    this._limit = limit;
    this._stdinClosed = loop.createFuture<void>() as Future<void>;
  }

  override toString(): string {
    const info = [this.constructor.name];
    if (this.stdin !== null) info.push(`stdin=${String(this.stdin)}`);
    if (this.stdout !== null) info.push(`stdout=${String(this.stdout)}`);
    if (this.stderr !== null) info.push(`stderr=${String(this.stderr)}`);
    return `<${info.join(" ")}>`;
  }

  override connectionMade(transport: unknown): void {
    const t = transport as UnixSubprocessTransport;
    this._transport = t;
    const stdoutTransport = t.getPipeTransport(1);
    if (stdoutTransport !== null) {
      this.stdout = new StreamReader({ limit: this._limit, loop: this._loop });
      this.stdout.setTransport(stdoutTransport as unknown as Transport);
      this._pipeFds.push(1);
    }
    const stderrTransport = t.getPipeTransport(2);
    if (stderrTransport !== null) {
      this.stderr = new StreamReader({ limit: this._limit, loop: this._loop });
      this.stderr.setTransport(stderrTransport as unknown as Transport);
      this._pipeFds.push(2);
    }
    const stdinTransport = t.getPipeTransport(0);
    if (stdinTransport !== null) {
      this.stdin = new StreamWriter(stdinTransport as unknown as Transport, this, null, this._loop);
    }
  }

  pipeDataReceived(fd: number, data: Uint8Array): void {
    const reader = fd === 1 ? this.stdout : fd === 2 ? this.stderr : null;
    reader?.feedData(data);
  }

  pipeConnectionLost(fd: number, exc: unknown): void {
    if (fd === 0) {
      this.stdin?.close();
      this.connectionLost(exc);
      if (exc === null || exc === undefined) {
        if (!this._stdinClosed.done()) this._stdinClosed.setResult(undefined);
      } else if (!this._stdinClosed.done()) {
        this._stdinClosed.setException(exc);
        this._stdinClosed._retrieved();
      }
      return;
    }
    const reader = fd === 1 ? this.stdout : fd === 2 ? this.stderr : null;
    if (reader !== null) {
      if (exc === null || exc === undefined) reader.feedEof();
      else reader.setException(exc);
    }
    const index = this._pipeFds.indexOf(fd);
    if (index >= 0) this._pipeFds.splice(index, 1);
    this._maybeCloseTransport();
  }

  processExited(): void {
    this._processExited = true;
    this._maybeCloseTransport();
  }

  /** @internal */
  _maybeCloseTransport(): void {
    if (this._pipeFds.length === 0 && this._processExited) {
      this._transport?.close();
      this._transport = null;
    }
  }

  override _getCloseWaiter(stream: StreamWriter): AbstractFuture<void> {
    if (stream === this.stdin) return this._stdinClosed;
    return super._getCloseWaiter(stream);
  }
}

/**
 * A running child process.
 * @see https://docs.python.org/3/library/asyncio-subprocess.html#asyncio.subprocess.Process
 */
export class Process {
  /** @internal */
  _transport: UnixSubprocessTransport;
  /** @internal */
  _protocol: SubprocessStreamProtocol;
  /** @internal */
  _loop: AbstractEventLoop;
  /** The child's stdin (with `stdin: PIPE`), else null. */
  readonly stdin: StreamWriter | null;
  /** The child's stdout (with `stdout: PIPE`), else null. */
  readonly stdout: StreamReader | null;
  /** The child's stderr (with `stderr: PIPE`), else null. */
  readonly stderr: StreamReader | null;
  /** The process id. */
  readonly pid: number;

  /** @internal */
  constructor(transport: UnixSubprocessTransport, protocol: SubprocessStreamProtocol, loop: AbstractEventLoop) {
    this._transport = transport;
    this._protocol = protocol;
    this._loop = loop;
    this.stdin = protocol.stdin;
    this.stdout = protocol.stdout;
    this.stderr = protocol.stderr;
    this.pid = transport.getPid();
  }

  toString(): string {
    return `<Process ${this.pid}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** The exit status once the process exited (negative signal number if killed by one), else null. */
  get returncode(): number | null {
    return this._transport.getReturncode();
  }

  /** Waits for the process to exit; returns the return code. Cancelling leaves the process running. */
  wait(): Promise<number> {
    return this._transport._wait();
  }

  /**
   * Sends a signal (number or name).
   * @throws ProcessLookupError once the process has finished.
   */
  sendSignal(signal: number | string): void {
    this._transport.sendSignal(signal);
  }

  /** SIGTERM. @throws ProcessLookupError once the process has finished. */
  terminate(): void {
    this._transport.terminate();
  }

  /** SIGKILL. @throws ProcessLookupError once the process has finished. */
  kill(): void {
    this._transport.kill();
  }

  /** @internal */
  async _feedStdin(input: Uint8Array | null): Promise<void> {
    const debug = this._loop.getDebug();
    const stdin = this.stdin as StreamWriter;
    try {
      if (input !== null) {
        stdin.write(input);
        if (debug) logger.debug(`${this.toString()} communicate: feed stdin (${input.length} bytes)`);
        await stdin.drain();
      }
    } catch (error) {
      // Python: communicate() ignores BrokenPipeError and ConnectionResetError (the child did
      // not read all its input); anything else propagates.
      if (!(error instanceof BrokenPipeError || error instanceof ConnectionResetError)) throw error;
      if (debug) logger.debug(`${this.toString()} communicate: stdin got ${String(error)}`);
    }
    if (debug) logger.debug(`${this.toString()} communicate: close stdin`);
    stdin.close();
  }

  /** @internal */
  async _readStream(fd: 1 | 2): Promise<Buffer> {
    const transport = this._transport.getPipeTransport(fd);
    const stream = (fd === 2 ? this.stderr : this.stdout) as StreamReader;
    if (this._loop.getDebug()) logger.debug(`${this.toString()} communicate: read ${fd === 2 ? "stderr" : "stdout"}`);
    const output = await stream.read();
    transport?.close();
    return output;
  }

  /**
   * Sends `input` to stdin (then closes it), reads stdout and stderr to EOF, and waits for the
   * exit; returns `[stdout, stderr]` (null for streams that are not pipes). Never deadlocks,
   * whatever the sizes. Cancelling leaves the process running and the pipes usable.
   */
  async communicate(input: Uint8Array | null = null): Promise<[Buffer | null, Buffer | null]> {
    if (input !== null && !(input instanceof Uint8Array)) {
      throw new TypeError(`memoryview: a bytes-like object is required, not '${typeof input}'`);
    }
    const stdin = this.stdin !== null ? () => this._feedStdin(input) : async () => null;
    const stdout = this.stdout !== null ? () => this._readStream(1) : async () => null;
    const stderr = this.stderr !== null ? () => this._readStream(2) : async () => null;
    const [, out, err] = (await gather(stdin, stdout, stderr)) as [unknown, Buffer | null, Buffer | null];
    await this.wait();
    return [out, err];
  }
}

/** Options of {@link createSubprocessExec} / {@link createSubprocessShell}. */
export interface CreateSubprocessOptions extends Omit<SubprocessOptions, "shell"> {
  /** The StreamReader limit of stdout/stderr (default 64 KiB). */
  limit?: number;
}

function isOptions(value: unknown): value is CreateSubprocessOptions {
  return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Starts `program` with `args` (never through a shell) and returns a Process. stdin, stdout and
 * stderr default to inherited; pass PIPE to talk to them.
 * @throws FileNotFoundError / PermissionError when the program cannot be started.
 * @see https://docs.python.org/3/library/asyncio-subprocess.html#asyncio.create_subprocess_exec
 */
export async function createSubprocessExec(
  program: string | URL | Uint8Array,
  ...rest: (string | URL | Uint8Array | CreateSubprocessOptions)[]
): Promise<Process> {
  const options: CreateSubprocessOptions = isOptions(rest.at(-1)) ? (rest.pop() as CreateSubprocessOptions) : {};
  const args = rest as (string | URL | Uint8Array)[];
  const { limit = DEFAULT_LIMIT, stdin = null, stdout = null, stderr = null, ...kwds } = options;
  const loop = getRunningLoop();
  const [transport, protocol] = await subprocessExec(
    loop,
    () => new SubprocessStreamProtocol(limit, loop),
    program,
    ...args,
    { ...kwds, stdin, stdout, stderr },
  );
  return new Process(transport, protocol, loop);
}

/**
 * Runs `cmd` through /bin/sh and returns a Process. Quoting is the caller's job: build the
 * command with {@link quote}.
 * @see https://docs.python.org/3/library/asyncio-subprocess.html#asyncio.create_subprocess_shell
 */
export async function createSubprocessShell(cmd: string, options: CreateSubprocessOptions = {}): Promise<Process> {
  const { limit = DEFAULT_LIMIT, stdin = null, stdout = null, stderr = null, ...kwds } = options;
  const loop = getRunningLoop();
  const [transport, protocol] = await subprocessShell(loop, () => new SubprocessStreamProtocol(limit, loop), cmd, {
    ...kwds,
    stdin,
    stdout,
    stderr,
  });
  return new Process(transport, protocol, loop);
}
