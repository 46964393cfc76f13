/**
 * Edge-case parity programs: small whole programs written once in Python (CPython 3.13 asyncio
 * subprocess) and once with @aio/subprocess; each test runs the TypeScript port on a fresh loop and
 * compares the lines it prints with what the Python program printed. The programs stress exact
 * semantics that test/parity-subprocess.test.ts does not cover (protocol callback order, transport
 * close, sessions, shell exit statuses, limit boundaries, writes after close, signals).
 */
import { readFileSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { describe, expect, it } from "vitest";
import { pyBytes } from "@aio-tools/test-support";
import { CancelledError, OSError, ProcessLookupError, SubprocessProtocol, TimeoutError } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import { createTask, gather, sleep, waitFor } from "@aio/tasks";
import type { SubprocessOptions, UnixSubprocessTransport } from "@aio/subprocess";
import { DEVNULL, PIPE, STDOUT, createSubprocessExec, createSubprocessShell, quote, subprocessExec, subprocessShell } from "@aio/subprocess";
import { inLoop } from "./support/loop.js";
import { processTracker } from "./support/processes.js";
import { pyName, reap } from "./support/parity.js";

const { SIGCONT, SIGSTOP } = osConstants.signals;

/** Processes a test started, killed at the end if still running (a last resort after `reap`). */
const track = processTracker();

/** Python's str() of a value as print() shows it (bytes, None, bools, numbers, tuples). */
function py(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (value instanceof Uint8Array) return pyBytes(value);
  if (Array.isArray(value)) return `(${value.map(py).join(", ")})`;
  if (typeof value === "number" || typeof value === "string") return String(value);
  return JSON.stringify(value);
}

/** Python's str() of a list. */
function pyList(values: unknown[]): string {
  return `[${values.map(py).join(", ")}]`;
}

/** Runs a program on a fresh loop and returns what it printed. */
async function runProgram(
  program: (print: (...values: unknown[]) => void, loop: AbstractEventLoop) => Promise<void>,
): Promise<string> {
  const lines: string[] = [];
  const print = (...values: unknown[]): void => {
    lines.push(values.map(py).join(" "));
  };
  await inLoop((loop) => program(print, loop));
  return lines.join("\n");
}

/**
 * Python's SubprocessProtocol subclass that logs its callbacks, as the programs below define it:
 *     def pipe_data_received(self, fd, data):  # merges consecutive chunks of one fd
 *         if events and events[-1][0] == ("data", fd): events[-1] = (("data", fd), events[-1][1] + data)
 *         else: events.append((("data", fd), data))
 * and the programs print a data entry as f"data {fd} {data!r}".
 */
class LoggingProtocol extends SubprocessProtocol {
  readonly events: string[] = [];
  private lastData: { fd: number; data: Buffer; index: number } | null = null;
  transport: UnixSubprocessTransport | null = null;
  readonly done: { setResult(value: null): void };
  readonly onExit: (transport: UnixSubprocessTransport) => string;
  constructor(done: { setResult(value: null): void }, onExit: (transport: UnixSubprocessTransport) => string = () => "") {
    super();
    this.done = done;
    this.onExit = onExit;
  }
  override connectionMade(transport: unknown): void {
    this.transport = transport as UnixSubprocessTransport;
    this.events.push("connection_made");
  }
  /** Consecutive chunks of one fd are merged (the OS may split or join writes). */
  override pipeDataReceived(fd: number, data: Uint8Array): void {
    if (this.lastData !== null && this.lastData.fd === fd && this.events.length === this.lastData.index + 1) {
      this.lastData.data = Buffer.concat([this.lastData.data, data]);
    } else {
      this.lastData = { fd, data: Buffer.from(data), index: this.events.length };
      this.events.push("");
    }
    this.events[this.lastData.index] = `data ${fd} ${pyBytes(this.lastData.data)}`;
  }
  override pipeConnectionLost(fd: number, exc: unknown): void {
    this.events.push(`pipe_lost ${fd} ${py(exc)}`);
  }
  override processExited(): void {
    this.events.push(`exited${this.onExit(this.transport!)}`);
  }
  override connectionLost(exc: unknown): void {
    this.events.push(`connection_lost ${py(exc)}`);
    this.done.setResult(null);
  }
}

/** The process group and session of a /proc/<pid>/stat line (fields 5 and 6). */
function groupAndSession(stat: string): [number, number] {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return [Number(rest[2]), Number(rest[3])];
}

describe("SubprocessProtocol callbacks (parity with CPython 3.13)", () => {
  // class P(asyncio.SubprocessProtocol): each callback appends to events (process_exited: f"exited {tr.get_returncode()}")
  // tr, _ = await loop.subprocess_exec(P, "sh", "-c", "printf out; sleep 0.1; printf err >&2; sleep 0.1; exec >&-;
  //                                    sleep 0.1; exec 2>&-; sleep 0.1; exit 3", stdin=None)
  // await asyncio.wait_for(done, 5); for e in events: print(e); print(tr.get_returncode()); finally: tr.close()
  it("data, then each pipe's loss, then the exit, then connection_lost", async () => {
    const output = await runProgram(async (print, loop) => {
      const done = loop.createFuture<null>();
      const cmd = "printf out; sleep 0.1; printf err >&2; sleep 0.1; exec >&-; sleep 0.1; exec 2>&-; sleep 0.1; exit 3";
      const [tr, protocol] = await subprocessExec(
        loop,
        () => new LoggingProtocol(done, (t) => ` ${py(t.getReturncode())}`),
        "sh",
        "-c",
        cmd,
        { stdin: null },
      );
      try {
        await waitFor(done, 5);
        for (const event of protocol.events) print(event);
        print(tr.getReturncode());
      } finally {
        tr.close();
      }
    });
    expect(output).toBe(
      [
        "connection_made",
        "data 1 b'out'",
        "data 2 b'err'",
        "pipe_lost 1 None",
        "pipe_lost 2 None",
        "exited 3",
        "connection_lost None",
        "3",
      ].join("\n"),
    );
  });

  // process_exited: f"exited {tr.get_returncode()} {tr.get_pipe_transport(1) is None}"
  // tr, _ = await loop.subprocess_shell(P, "(sleep 0.3; echo late) & exit 4", stdin=None, stderr=None)
  // await asyncio.wait_for(done, 5); for e in events: print(e)
  it("process_exited comes before the data of a grandchild that holds stdout", async () => {
    const output = await runProgram(async (print, loop) => {
      const done = loop.createFuture<null>();
      const [tr, protocol] = await subprocessShell(
        loop,
        () => new LoggingProtocol(done, (t) => ` ${py(t.getReturncode())} ${py(t.getPipeTransport(1) === null)}`),
        "(sleep 0.3; echo late) & exit 4",
        { stdin: null, stderr: null },
      );
      try {
        await waitFor(done, 5);
        for (const event of protocol.events) print(event);
      } finally {
        tr.close();
      }
    });
    expect(output).toBe(
      ["connection_made", "exited 4 False", "data 1 b'late\\n'", "pipe_lost 1 None", "connection_lost None"].join("\n"),
    );
  });

  // tr, _ = await loop.subprocess_exec(P, "sh", "-c", "exec >&-; sleep 0.1", stdin=DEVNULL, stderr=DEVNULL)
  // await asyncio.wait_for(done, 5); for e in events: print(e); print(tr.get_returncode())
  it("a silent child gives no pipe_data_received, only the pipe's loss", async () => {
    const output = await runProgram(async (print, loop) => {
      const done = loop.createFuture<null>();
      const [tr, protocol] = await subprocessExec(loop, () => new LoggingProtocol(done), "sh", "-c", "exec >&-; sleep 0.1", {
        stdin: DEVNULL,
        stderr: DEVNULL,
      });
      try {
        await waitFor(done, 5);
        for (const event of protocol.events) print(event);
        print(tr.getReturncode());
      } finally {
        tr.close();
      }
    });
    expect(output).toBe(["connection_made", "pipe_lost 1 None", "exited", "connection_lost None", "0"].join("\n"));
  });

  // process_exited: tr.close(); events.append(f"exited {tr.get_returncode()} {tr.is_closing()}")
  // tr, _ = await loop.subprocess_exec(P, "sh", "-c", "printf x; sleep 0.5 & sleep 0.1; exit 2", stdin=None, stderr=None)
  // await asyncio.wait_for(done, 5); for e in events: print(e)
  it("close() inside process_exited closes the pipe a grandchild still holds", async () => {
    const output = await runProgram(async (print, loop) => {
      const done = loop.createFuture<null>();
      const onExit = (t: UnixSubprocessTransport): string => {
        t.close();
        return ` ${py(t.getReturncode())} ${py(t.isClosing())}`;
      };
      const [tr, protocol] = await subprocessExec(
        loop,
        () => new LoggingProtocol(done, onExit),
        "sh",
        "-c",
        "printf x; sleep 0.5 & sleep 0.1; exit 2",
        { stdin: null, stderr: null },
      );
      try {
        await waitFor(done, 5);
        for (const event of protocol.events) print(event);
      } finally {
        tr.close();
      }
    });
    expect(output).toBe(
      ["connection_made", "data 1 b'x'", "exited 2 True", "pipe_lost 1 None", "connection_lost None"].join("\n"),
    );
  });

  // tr, _ = await loop.subprocess_exec(P, "sh", "-c", "printf a; sleep 0.05; printf b >&2; sleep 0.05; printf c;
  //                                    exec >&- 2>&-; sleep 0.1", stdin=DEVNULL, stderr=STDOUT)
  // print([tr.get_pipe_transport(fd) is None for fd in (0, 1, 2)]); await asyncio.wait_for(done, 5); for e in events: print(e)
  it("stderr=STDOUT delivers both streams as fd 1 data, in order", async () => {
    const output = await runProgram(async (print, loop) => {
      const done = loop.createFuture<null>();
      const cmd = "printf a; sleep 0.05; printf b >&2; sleep 0.05; printf c; exec >&- 2>&-; sleep 0.1";
      const [tr, protocol] = await subprocessExec(loop, () => new LoggingProtocol(done), "sh", "-c", cmd, {
        stdin: DEVNULL,
        stderr: STDOUT,
      });
      try {
        print(pyList([0, 1, 2].map((fd) => tr.getPipeTransport(fd) === null)));
        await waitFor(done, 5);
        for (const event of protocol.events) print(event);
      } finally {
        tr.close();
      }
    });
    expect(output).toBe(
      [
        "[True, False, True]",
        "connection_made",
        "data 1 b'abc'",
        "pipe_lost 1 None",
        "exited",
        "connection_lost None",
      ].join("\n"),
    );
  });
});

describe("SubprocessTransport (parity with CPython 3.13)", () => {
  // class P(asyncio.SubprocessProtocol): done = loop.create_future(); connection_lost sets it
  // tr, p = await loop.subprocess_exec(P, "sleep", "30", stdin=None, stdout=PIPE, stderr=None)
  // print([tr.get_pipe_transport(fd) is None for fd in (0, 1, 2, 3)]); print(tr.get_pid() > 0, tr.get_returncode(), tr.is_closing())
  // tr.close(); print(tr.is_closing()); await asyncio.wait_for(p.done, 5); print(tr.get_returncode())
  // tr, p = await loop.subprocess_exec(P, "sleep", "30"); print([... same ...]); tr.close()
  // await asyncio.wait_for(p.done, 5); print(tr.get_returncode(), [tr.get_pipe_transport(fd) is None for fd in (0, 1, 2)])
  it("getPipeTransport() is None for pipes that were not requested, and stays set after close()", async () => {
    const output = await runProgram(async (print, loop) => {
      const pipes = (tr: UnixSubprocessTransport, fds = [0, 1, 2, 3]): string =>
        pyList(fds.map((fd) => tr.getPipeTransport(fd) === null));
      let done = loop.createFuture<null>();
      let [tr] = await subprocessExec(loop, () => new LoggingProtocol(done), "sleep", "30", {
        stdin: null,
        stdout: PIPE,
        stderr: null,
      });
      try {
        print(pipes(tr));
        print(tr.getPid() > 0, tr.getReturncode(), tr.isClosing());
      } finally {
        tr.close();
      }
      print(tr.isClosing());
      await waitFor(done, 5);
      print(tr.getReturncode());
      done = loop.createFuture<null>();
      [tr] = await subprocessExec(loop, () => new LoggingProtocol(done), "sleep", "30");
      try {
        print(pipes(tr));
      } finally {
        tr.close();
      }
      await waitFor(done, 5);
      print(tr.getReturncode(), pipes(tr, [0, 1, 2]));
    });
    expect(output).toBe(
      [
        "[True, False, True, True]",
        "True None False",
        "True",
        "-9",
        "[False, False, False, True]",
        "-9 [False, False, False]",
      ].join("\n"),
    );
  });

  // class P(asyncio.SubprocessProtocol):
  //     def process_exited(self): print("exited", tr.get_returncode())
  //     def connection_lost(self, exc): print("connection_lost", exc); done.set_result(None)
  // tr, _ = await loop.subprocess_exec(P, "sleep", "30", stdin=None, stdout=None, stderr=None); print(tr.get_returncode())
  // tr.close(); print(tr.get_returncode(), tr.is_closing()); await asyncio.wait_for(done, 5); print(tr.get_returncode())
  // tr.close(); print(tr.get_returncode())
  it("close() kills a running child; the return code is -9 once the exit is seen", async () => {
    const output = await runProgram(async (print, loop) => {
      const done = loop.createFuture<null>();
      let transport: UnixSubprocessTransport | null = null;
      class P extends SubprocessProtocol {
        override processExited(): void {
          print("exited", transport!.getReturncode());
        }
        override connectionLost(exc: unknown): void {
          print("connection_lost", exc);
          done.setResult(null);
        }
      }
      const [tr] = await subprocessExec(loop, () => new P(), "sleep", "30", { stdin: null, stdout: null, stderr: null });
      transport = tr;
      try {
        print(tr.getReturncode());
        tr.close();
        print(tr.getReturncode(), tr.isClosing());
        await waitFor(done, 5);
        print(tr.getReturncode());
        tr.close();
        print(tr.getReturncode());
      } finally {
        tr.close();
      }
    });
    expect(output).toBe(["None", "None True", "exited -9", "connection_lost None", "-9", "-9"].join("\n"));
  });
});

describe("createSubprocessExec / createSubprocessShell edge cases (parity with CPython 3.13)", () => {
  // mypgrp, mysid = fields 5, 6 of /proc/<os.getpid()>/stat
  // for name, kw in [("default", {}), ("start_new_session", {"start_new_session": True})]:
  //     proc = await create_subprocess_exec("sh", "-c", "read x; exec cat /proc/$$/stat", stdin=PIPE, stdout=PIPE, **kw)
  //     out, _ = await proc.communicate(b"go\n"); pgrp, sid = fields 5, 6 of out
  //     print(name, pgrp == proc.pid, sid == proc.pid, pgrp == mypgrp, sid == mysid, proc.returncode)
  it("startNewSession makes the child lead a new session and group", async () => {
    const [myPgrp, mySid] = groupAndSession(readFileSync(`/proc/${process.pid}/stat`, "utf8"));
    const output = await runProgram(async (print) => {
      const cases: [string, SubprocessOptions][] = [
        ["default", {}],
        ["start_new_session", { startNewSession: true }],
      ];
      for (const [name, options] of cases) {
        const proc = track(
          await createSubprocessExec("sh", "-c", "read x; exec cat /proc/$$/stat", { stdin: PIPE, stdout: PIPE, ...options }),
        );
        try {
          const [out] = await proc.communicate(Buffer.from("go\n"));
          const [pgrp, sid] = groupAndSession(out!.toString());
          print(name, pgrp === proc.pid, sid === proc.pid, pgrp === myPgrp, sid === mySid, proc.returncode);
        } finally {
          await reap(proc);
        }
      }
    });
    expect(output).toBe(
      [
        "default False False True True 0",
        "start_new_session True True False False 0",
      ].join("\n"),
    );
  });

  // for cmd in ["if", "exit 3", "kill -9 $$", "exec nonexistent-prog-xyz", "echo a; exit 300"]:
  //     proc = await create_subprocess_shell(cmd, stdout=PIPE, stderr=PIPE)
  //     out, err = await proc.communicate(); print(repr(cmd), out, len(err) > 0, proc.returncode)
  it("shell syntax errors, signals, a failed exec and codes above 255", async () => {
    const output = await runProgram(async (print) => {
      for (const cmd of ["if", "exit 3", "kill -9 $$", "exec nonexistent-prog-xyz", "echo a; exit 300"]) {
        const proc = track(await createSubprocessShell(cmd, { stdout: PIPE, stderr: PIPE }));
        try {
          const [out, err] = await proc.communicate();
          print(`'${cmd}'`, out, err!.length > 0, proc.returncode);
        } finally {
          await reap(proc);
        }
      }
    });
    expect(output).toBe(
      [
        "'if' b'' True 2",
        "'exit 3' b'' False 3",
        "'kill -9 $$' b'' False -9",
        "'exec nonexistent-prog-xyz' b'' True 127",
        "'echo a; exit 300' b'a\\n' False 44",
      ].join("\n"),
    );
  });

  // args = ["plain", "with space", "it's", "$HOME", 'a"b', "", "héllo", "*", "x\ny"]
  // proc = await create_subprocess_shell("printf '[%s]' " + " ".join(shlex.quote(a) for a in args), stdout=PIPE)
  // out, _ = await proc.communicate(); print(out, proc.returncode)
  it("quote() words reach the shell command unchanged", async () => {
    const output = await runProgram(async (print) => {
      const args = ["plain", "with space", "it's", "$HOME", 'a"b', "", "héllo", "*", "x\ny"];
      const proc = track(await createSubprocessShell(`printf '[%s]' ${args.map(quote).join(" ")}`, { stdout: PIPE }));
      try {
        const [out] = await proc.communicate();
        print(out, proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe("b'[plain][with space][it\\'s][$HOME][a\"b][][h\\xc3\\xa9llo][*][x\\ny]' 0");
  });

  // proc = await create_subprocess_exec("sh", "-c", "printf 'abcd\\nabcde\\nabcdefg\\nxy--z--'; printf '12345\\n123456\\n' >&2",
  //                                     stdout=PIPE, stderr=PIPE, limit=5)
  // 3x: try: print(await proc.stdout.readline()) except Exception as e: print(type(e).__name__, e)
  // try: print(await proc.stdout.readuntil(b"--")) except Exception as e: print(type(e).__name__, e, getattr(e, "consumed", None))
  // print(await proc.stdout.read()); 3x the same readline on proc.stderr; print(await proc.wait())
  it("limit= applies to both readers: a line of exactly limit+1 bytes with its newline still fits", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec(
          "sh",
          "-c",
          "printf 'abcd\\nabcde\\nabcdefg\\nxy--z--'; printf '12345\\n123456\\n' >&2",
          { stdout: PIPE, stderr: PIPE, limit: 5 },
        ),
      );
      try {
        for (let i = 0; i < 3; i++) {
          try {
            print(await proc.stdout!.readline());
          } catch (error) {
            print(pyName(error), (error as Error).message);
          }
        }
        try {
          print(await proc.stdout!.readuntil(Buffer.from("--")));
        } catch (error) {
          print(pyName(error), (error as Error).message, (error as { consumed?: number }).consumed ?? null);
        }
        print(await proc.stdout!.read());
        for (let i = 0; i < 3; i++) {
          try {
            print(await proc.stderr!.readline());
          } catch (error) {
            print(pyName(error), (error as Error).message);
          }
        }
        print(await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(
      [
        "b'abcd\\n'",
        "b'abcde\\n'",
        "ValueError Separator is found, but chunk is longer than limit",
        "b'xy--'",
        "b'z--'",
        "b'12345\\n'",
        "ValueError Separator is found, but chunk is longer than limit",
        "b''",
        "0",
      ].join("\n"),
    );
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo ok; head -c 1000000 /dev/zero >&2; echo done", stdout=PIPE, stderr=PIPE)
  // print(await proc.stdout.readline()); out, err = await proc.communicate(); print(out, len(err), proc.returncode)
  it("communicate() after a partial read collects a large stderr and the rest of stdout", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo ok; head -c 1000000 /dev/zero >&2; echo done", {
          stdout: PIPE,
          stderr: PIPE,
        }),
      );
      try {
        print(await proc.stdout!.readline());
        const [out, err] = await proc.communicate();
        print(out, err!.length, proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["b'ok\\n'", "b'done\\n' 1000000 0"].join("\n"));
  });

  // proc = await create_subprocess_exec("cat", stdin=PIPE, stdout=PIPE)
  // proc.stdin.write(b"abc"); proc.stdin.close(); print(proc.stdin.is_closing())
  // print(await proc.communicate(b"x"), proc.returncode)
  it("communicate(input) after stdin was closed drops the input but flushes what was written", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE }));
      try {
        proc.stdin!.write(Buffer.from("abc"));
        proc.stdin!.close();
        print(proc.stdin!.isClosing());
        print(await proc.communicate(Buffer.from("x")), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["True", "(b'abc', None) 0"].join("\n"));
  });

  // proc = await create_subprocess_exec("cat", stdin=PIPE, stdout=PIPE)
  // proc.stdin.close(); proc.stdin.write(b"x"); print("written")
  // try: await proc.stdin.drain(); print("drained") / except Exception as e: print(type(e).__name__, e)
  // print(await proc.stdout.read(), await proc.wait())
  it("write() right after close() is dropped silently", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE }));
      try {
        proc.stdin!.close();
        proc.stdin!.write(Buffer.from("x"));
        print("written");
        try {
          await proc.stdin!.drain();
          print("drained");
        } catch (error) {
          print(pyName(error), (error as Error).message);
        }
        print(await proc.stdout!.read(), await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["written", "drained", "b'' 0"].join("\n"));
  });

  // proc = await create_subprocess_exec("sleep", "30")
  // t1 = asyncio.create_task(proc.wait()); t2 = asyncio.create_task(proc.wait()); await asyncio.sleep(0.05); t1.cancel()
  // try: await t1 / except asyncio.CancelledError: print("t1 cancelled", t1.cancelled(), t2.done())
  // proc.kill(); print(await t2, await proc.wait(), t1.cancelled())
  it("cancelling one of two concurrent wait() calls leaves the other waiting", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sleep", "30"));
      try {
        const t1 = createTask(() => proc.wait());
        const t2 = createTask(() => proc.wait());
        await sleep(0.05);
        t1.cancel();
        try {
          await t1;
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
          print("t1 cancelled", t1.cancelled(), t2.done());
        }
        proc.kill();
        print(await t2, await proc.wait(), t1.cancelled());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["t1 cancelled True False", "-9 -9 True"].join("\n"));
  });

  // proc = await create_subprocess_exec("sleep", "30"); proc.kill(); proc.kill(); proc.terminate()
  // print(proc.returncode); print(await proc.wait())
  // for f in (proc.kill, proc.terminate, lambda: proc.send_signal(0)):
  //     try: f(); print("no error") / except ProcessLookupError as e: print(type(e).__name__, repr(str(e)), isinstance(e, OSError))
  it("repeated signals before the exit are harmless; the first one decides the code", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sleep", "30"));
      try {
        proc.kill();
        proc.kill();
        proc.terminate();
        print(proc.returncode);
        print(await proc.wait());
        for (const f of [() => proc.kill(), () => proc.terminate(), () => proc.sendSignal(0)]) {
          try {
            f();
            print("no error");
          } catch (error) {
            if (!(error instanceof ProcessLookupError)) throw error;
            print(pyName(error), `'${error.message}'`, error instanceof OSError);
          }
        }
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(
      ["None", "-9", "ProcessLookupError '' True", "ProcessLookupError '' True", "ProcessLookupError '' True"].join("\n"),
    );
  });

  // proc = await create_subprocess_exec("sh", "-c", "trap '' TERM; echo ready; exec sleep 30", stdout=PIPE)
  // print(await proc.stdout.readline()); proc.terminate()
  // try: print(await asyncio.wait_for(proc.wait(), 0.2)) / except TimeoutError: print("still running", proc.returncode)
  // proc.kill(); print(await proc.wait(), await proc.stdout.read())
  it("terminate() of a child that ignores SIGTERM leaves it running until kill()", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "trap '' TERM; echo ready; exec sleep 30", { stdout: PIPE }),
      );
      try {
        print(await proc.stdout!.readline());
        proc.terminate();
        try {
          print(await waitFor(() => proc.wait(), 0.2));
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          print("still running", proc.returncode);
        }
        proc.kill();
        print(await proc.wait(), await proc.stdout!.read());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["b'ready\\n'", "still running None", "-9 b''"].join("\n"));
  });

  // proc = await create_subprocess_exec("sleep", "30"); proc.send_signal(signal.SIGSTOP)
  // try: print(await asyncio.wait_for(proc.wait(), 0.2)) / except TimeoutError: print("stopped", proc.returncode)
  // proc.send_signal(signal.SIGCONT); (same wait_for) print("continued", proc.returncode)
  // proc.terminate(); print(await proc.wait())
  it("a stopped child is not reported as exited; SIGCONT and terminate() end it", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sleep", "30"));
      try {
        for (const [signal, label] of [
          [SIGSTOP, "stopped"],
          [SIGCONT, "continued"],
        ] as const) {
          proc.sendSignal(signal);
          try {
            print(await waitFor(() => proc.wait(), 0.2));
          } catch (error) {
            if (!(error instanceof TimeoutError)) throw error;
            print(label, proc.returncode);
          }
        }
        proc.terminate();
        print(await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["stopped None", "continued None", "-15"].join("\n"));
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo a; exec sleep 30", stdout=PIPE)
  // print(await proc.stdout.readline()); proc.terminate(); print(await proc.stdout.readline(), proc.stdout.at_eof())
  // print(await proc.wait(), await proc.stdout.read())
  it("a pending readline() returns b'' when the child is terminated", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "echo a; exec sleep 30", { stdout: PIPE }));
      try {
        print(await proc.stdout!.readline());
        proc.terminate();
        print(await proc.stdout!.readline(), proc.stdout!.atEof());
        print(await proc.wait(), await proc.stdout!.read());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["b'a\\n'", "b'' True", "-15 b''"].join("\n"));
  });

  // for env in [{}, {"A": "1", "B": "", "C": "x=y"}]:
  //     proc = await create_subprocess_exec("/usr/bin/env", stdout=PIPE, env=env)
  //     out, _ = await proc.communicate(); print(sorted(out.split(b"\n")), proc.returncode)
  it("env is the child's whole environment, empty values and '=' in values included", async () => {
    const output = await runProgram(async (print) => {
      for (const env of [{}, { A: "1", B: "", C: "x=y" }]) {
        const proc = track(await createSubprocessExec("/usr/bin/env", { stdout: PIPE, env }));
        try {
          const [out] = await proc.communicate();
          const lines = out!.toString("latin1").split("\n").sort().map((line) => Buffer.from(line, "latin1"));
          print(pyList(lines), proc.returncode);
        } finally {
          await reap(proc);
        }
      }
    });
    expect(output).toBe(["[b''] 0", "[b'', b'A=1', b'B=', b'C=x=y'] 0"].join("\n"));
  });

  // async def run(i):
  //     proc = await create_subprocess_exec("sh", "-c", f"sleep 0.0{9 - i}; echo {i}; exit {i}", stdout=PIPE)
  //     out, _ = await proc.communicate(); return out, proc.returncode
  // print(await asyncio.gather(*(run(i) for i in range(8))))
  it("gather() of eight children keeps each result with its child", async () => {
    const output = await runProgram(async (print) => {
      const run = async (i: number): Promise<[Buffer | null, number | null]> => {
        const proc = track(await createSubprocessExec("sh", "-c", `sleep 0.0${9 - i}; echo ${i}; exit ${i}`, { stdout: PIPE }));
        try {
          const [out] = await proc.communicate();
          return [out, proc.returncode];
        } finally {
          await reap(proc);
        }
      };
      print(pyList(await gather(...Array.from({ length: 8 }, (_, i) => () => run(i)))));
    });
    expect(output).toBe(
      "[(b'0\\n', 0), (b'1\\n', 1), (b'2\\n', 2), (b'3\\n', 3), (b'4\\n', 4), (b'5\\n', 5), (b'6\\n', 6), (b'7\\n', 7)]",
    );
  });

  // proc = await create_subprocess_exec("sh", "-c", "printf abc", stdout=PIPE)
  // print(await proc.stdout.read(0), await proc.stdout.readexactly(0))
  // print(await proc.stdout.read(-1), await proc.stdout.read(0), await proc.stdout.readline(), await proc.stdout.read(5))
  // print(proc.stdout.at_eof(), await proc.wait())
  it("zero-length reads return b'' at once and reads at EOF return b''", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "printf abc", { stdout: PIPE }));
      try {
        print(await proc.stdout!.read(0), await proc.stdout!.readexactly(0));
        print(await proc.stdout!.read(-1), await proc.stdout!.read(0), await proc.stdout!.readline(), await proc.stdout!.read(5));
        print(proc.stdout!.atEof(), await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["b'' b''", "b'abc' b'' b'' b''", "True 0"].join("\n"));
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo a; sleep 0.1; echo b", stdout=PIPE)
  // r = await asyncio.gather(proc.communicate(), proc.communicate(), return_exceptions=True)
  // for line in sorted("ok " + str(x[0]) if not exception else type(x).__name__ + " " + str(x) for x in r): print(line)
  // print(proc.returncode)
  it("a second concurrent communicate() raises RuntimeError from the stdout reader", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "echo a; sleep 0.1; echo b", { stdout: PIPE }));
      try {
        const results = await gather(() => proc.communicate(), () => proc.communicate(), { returnExceptions: true });
        const lines = results.map((r) =>
          r instanceof Error ? `${pyName(r)} ${r.message}` : `ok ${py((r as [Buffer | null, Buffer | null])[0])}`,
        );
        for (const line of lines.sort()) print(line);
        print(proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(
      ["RuntimeError read() called while another coroutine is already waiting for incoming data", "ok b'a\\nb\\n'", "0"].join(
        "\n",
      ),
    );
  });

  // proc = await create_subprocess_exec("sh", "-c", "read a; echo got:$a; echo err >&2; exit 9", stdin=PIPE, stdout=DEVNULL, stderr=PIPE)
  // print(proc.stdout, await proc.communicate(b"v\nextra\n"), proc.returncode)
  it("communicate(input) with stdout=DEVNULL returns None for stdout", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "read a; echo got:$a; echo err >&2; exit 9", {
          stdin: PIPE,
          stdout: DEVNULL,
          stderr: PIPE,
        }),
      );
      try {
        print(proc.stdout, await proc.communicate(Buffer.from("v\nextra\n")), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe("None (None, b'err\\n') 9");
  });

  // proc = await create_subprocess_exec("sh", "-c", "read x; exit 5", stdin=PIPE); print(proc.returncode)
  // proc.stdin.write(b"\n"); await proc.stdin.drain(); print(proc.returncode)
  // print(await proc.wait(), proc.returncode, await proc.communicate(), proc.returncode)
  it("returncode is None until wait(), and communicate() after wait() gives (None, None)", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "read x; exit 5", { stdin: PIPE }));
      try {
        print(proc.returncode);
        proc.stdin!.write(Buffer.from("\n"));
        await proc.stdin!.drain();
        print(proc.returncode);
        print(await proc.wait(), proc.returncode, await proc.communicate(), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["None", "None", "5 5 (None, None) 5"].join("\n"));
  });
  // proc = await create_subprocess_exec("sh", "-c", "read x; exec sleep 30", stdin=PIPE, stdout=PIPE)
  // t = asyncio.create_task(proc.communicate(b"hi\n" + b"y" * 2000000)); await asyncio.sleep(0.2); t.cancel()
  // try: await t / except asyncio.CancelledError: print("cancelled", proc.returncode, proc.stdin.is_closing())
  // proc.kill(); print(await proc.communicate(), proc.returncode, proc.stdin.is_closing())
  it("a communicate(input) cancelled while stdin is blocked leaves stdin open; a later one closes it", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "read x; exec sleep 30", { stdin: PIPE, stdout: PIPE }),
      );
      try {
        const input = Buffer.concat([Buffer.from("hi\n"), Buffer.alloc(2_000_000, "y")]);
        const task = createTask(() => proc.communicate(input));
        await sleep(0.2);
        task.cancel();
        try {
          await task;
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
          print("cancelled", proc.returncode, proc.stdin!.isClosing());
        }
        proc.kill();
        print(await proc.communicate(), proc.returncode, proc.stdin!.isClosing());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["cancelled None False", "(b'', None) -9 True"].join("\n"));
  });
});
