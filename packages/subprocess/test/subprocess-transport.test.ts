import { execFileSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { constants as osConstants } from "node:os";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OSError, ProcessLookupError, SubprocessProtocol } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import type { Future } from "@aio/futures";
import type { UnixSubprocessTransport, WritePipeTransport} from "@aio/subprocess";
import { STDOUT, subprocessExec, subprocessShell } from "@aio/subprocess";
import { inLoop, runBriefly, runUntil } from "./support/loop.js";

const { SIGHUP, SIGKILL, SIGTERM } = osConstants.signals;

/** CPython test_asyncio/echo.py: copies stdin to stdout as it arrives. */
const ECHO = ["cat"] as const;
/** CPython test_asyncio/echo2.py: one read, then OUT:<data> to stdout and ERR:<data> to stderr. */
const ECHO2 = ["sh", "-c", `x=$(dd bs=1024 count=1 2>/dev/null); printf 'OUT:%s' "$x"; printf 'ERR:%s' "$x" >&2`] as const;
/** CPython test_asyncio/echo3.py: echoes OUT:<data>; reports a failed write on stderr. */
const ECHO3 = [
  process.execPath,
  "-e",
  `const fs = require("node:fs");
   const buf = Buffer.alloc(1024);
   for (;;) {
     const n = fs.readSync(0, buf);
     if (n === 0) break;
     try { fs.writeSync(1, Buffer.concat([Buffer.from("OUT:"), buf.subarray(0, n)])); }
     catch (e) { fs.writeSync(2, "ERR:" + (e.code === "EPIPE" ? "BrokenPipeError" : "OSError")); }
   }`,
] as const;

const transports: UnixSubprocessTransport[] = [];
afterEach(() => {
  for (const transport of transports.splice(0)) {
    const pid = transport.getPid();
    if (transport.getReturncode() === null && pid !== null) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
});

/** CPython test_events.py MySubprocessProtocol, with futures for its asyncio.Events. */
class MySubprocessProtocol extends SubprocessProtocol {
  state = "INITIAL";
  transport: UnixSubprocessTransport | null = null;
  connected: Future<null>;
  completed: Future<null>;
  disconnects: Map<number, Future<unknown>>;
  data = new Map<number, Buffer>([
    [1, Buffer.alloc(0)],
    [2, Buffer.alloc(0)],
  ]);
  returncode: number | null = null;
  gotData = new Map<number, Future<null>>();
  loop: AbstractEventLoop;
  constructor(loop: AbstractEventLoop) {
    super();
    this.loop = loop;
    this.connected = loop.createFuture() as Future<null>;
    this.completed = loop.createFuture() as Future<null>;
    this.disconnects = new Map([0, 1, 2].map((fd) => [fd, loop.createFuture() as Future<unknown>]));
    for (const fd of [1, 2]) this.gotData.set(fd, loop.createFuture() as Future<null>);
  }
  assertState(expected: string): void {
    if (this.state !== expected) throw new Error(`state: '${this.state}', expected: '${expected}'`);
  }
  /** asyncio.Event.clear() */
  clearGotData(fd: number): void {
    this.gotData.set(fd, this.loop.createFuture() as Future<null>);
  }
  override connectionMade(transport: unknown): void {
    this.transport = transport as UnixSubprocessTransport;
    this.assertState("INITIAL");
    this.state = "CONNECTED";
    this.connected.setResult(null);
  }
  override connectionLost(): void {
    this.assertState("CONNECTED");
    this.state = "CLOSED";
    this.completed.setResult(null);
  }
  override pipeDataReceived(fd: number, data: Uint8Array): void {
    this.assertState("CONNECTED");
    this.data.set(fd, Buffer.concat([this.data.get(fd)!, data]));
    const got = this.gotData.get(fd)!;
    if (!got.done()) got.setResult(null);
  }
  override pipeConnectionLost(fd: number, exc: unknown): void {
    this.assertState("CONNECTED");
    if (exc) this.disconnects.get(fd)!.setException(exc);
    else this.disconnects.get(fd)!.setResult(exc);
  }
  override processExited(): void {
    this.assertState("CONNECTED");
    this.returncode = this.transport!.getReturncode();
  }
}

async function exec(loop: AbstractEventLoop, args: readonly string[], options: object = {}): Promise<[UnixSubprocessTransport, MySubprocessProtocol]> {
  const [transport, protocol] = await subprocessExec(loop, () => new MySubprocessProtocol(loop), args[0]!, ...args.slice(1), options);
  transports.push(transport);
  return [transport, protocol];
}

async function shell(loop: AbstractEventLoop, cmd: string, options: object = {}): Promise<[UnixSubprocessTransport, MySubprocessProtocol]> {
  const [transport, protocol] = await subprocessShell(loop, () => new MySubprocessProtocol(loop), cmd, options);
  transports.push(transport);
  return [transport, protocol];
}

describe("subprocessExec", () => {
  // mirrors test_events.py::test_subprocess_exec
  it("connects stdin and stdout; close() kills the child", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await exec(loop, ECHO);
      expect(protocol).toBeInstanceOf(MySubprocessProtocol);
      await protocol.connected;
      expect(protocol.state).toBe("CONNECTED");
      const stdin = transport.getPipeTransport(0) as WritePipeTransport;
      stdin.write(Buffer.from("Python The Winner"));
      await protocol.gotData.get(1);
      transport.close();
      await protocol.completed;
      expect(protocol.returncode).toBe(-SIGKILL);
      expect(protocol.data.get(1)!.toString()).toBe("Python The Winner");
    });
  });

  // mirrors test_events.py::test_subprocess_interactive
  it("exchanges data back and forth with a running child", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await exec(loop, ECHO);
      await protocol.connected;
      const stdin = transport.getPipeTransport(0) as WritePipeTransport;
      stdin.write(Buffer.from("Python "));
      await protocol.gotData.get(1);
      protocol.clearGotData(1);
      expect(protocol.data.get(1)!.toString()).toBe("Python ");
      stdin.write(Buffer.from("The Winner"));
      await protocol.gotData.get(1);
      expect(protocol.data.get(1)!.toString()).toBe("Python The Winner");
      transport.close();
      await protocol.completed;
      expect(protocol.returncode).toBe(-SIGKILL);
    });
  });

  // mirrors test_events.py::test_subprocess_kill
  it("kill() ends the child with -SIGKILL", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await exec(loop, ECHO);
      await protocol.connected;
      transport.kill();
      await protocol.completed;
      expect(protocol.returncode).toBe(-SIGKILL);
      transport.close();
    });
  });

  // mirrors test_events.py::test_subprocess_terminate
  it("terminate() ends the child with -SIGTERM", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await exec(loop, ECHO);
      await protocol.connected;
      transport.terminate();
      await protocol.completed;
      expect(protocol.returncode).toBe(-SIGTERM);
      transport.close();
    });
  });

  // mirrors test_events.py::test_subprocess_send_signal
  it("sendSignal() delivers SIGHUP with its default action", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await exec(loop, ECHO);
      await protocol.connected;
      transport.sendSignal(SIGHUP);
      await protocol.completed;
      expect(protocol.returncode).toBe(-SIGHUP);
      transport.close();
    });
  });

  it("sendSignal() of an unknown number raises OSError EINVAL as os.kill does; signal 0 only probes", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await exec(loop, ECHO);
      await protocol.connected;
      transport.sendSignal(0);
      let raised: unknown = null;
      try {
        transport.sendSignal(999);
      } catch (error) {
        raised = error;
      }
      expect(raised).toBeInstanceOf(OSError);
      expect((raised as OSError).code).toBe("EINVAL");
      expect((raised as Error).message).toBe("[Errno 22] Invalid argument");
      expect(() => transport.sendSignal("SIGNOPE")).toThrow(RangeError);
      expect(() => transport.sendSignal(1.5)).toThrow(TypeError);
      expect(() => transport.sendSignal(null as never)).toThrow(TypeError);
      transport.kill();
      await protocol.completed;
      transport.close();
    });
  });

  // mirrors test_events.py::test_subprocess_stderr
  it("delivers stdout and stderr separately", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await exec(loop, ECHO2);
      await protocol.connected;
      (transport.getPipeTransport(0) as WritePipeTransport).write(Buffer.from("test"));
      await protocol.completed;
      transport.close();
      expect(protocol.data.get(1)!.toString()).toBe("OUT:test");
      expect(protocol.data.get(2)!.toString().startsWith("ERR:test")).toBe(true);
      expect(protocol.returncode).toBe(0);
    });
  });

  // mirrors test_events.py::test_subprocess_stderr_redirect_to_stdout
  it("stderr=STDOUT merges stderr into the stdout pipe", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await exec(loop, ECHO2, { stderr: STDOUT });
      await protocol.connected;
      const stdin = transport.getPipeTransport(0) as WritePipeTransport;
      expect(transport.getPipeTransport(1)).not.toBe(null);
      expect(transport.getPipeTransport(2)).toBe(null);
      stdin.write(Buffer.from("test"));
      await protocol.completed;
      expect(protocol.data.get(1)!.toString().startsWith("OUT:testERR:test")).toBe(true);
      expect(protocol.data.get(2)!.length).toBe(0);
      transport.close();
      expect(protocol.returncode).toBe(0);
    });
  });

  // mirrors test_events.py::test_subprocess_close_client_stream
  it("closing our end of stdout makes the child's writes fail with EPIPE", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await exec(loop, ECHO3);
      await protocol.connected;
      const stdin = transport.getPipeTransport(0) as WritePipeTransport;
      const stdout = transport.getPipeTransport(1)!;
      stdin.write(Buffer.from("test"));
      await protocol.gotData.get(1);
      expect(protocol.data.get(1)!.toString()).toBe("OUT:test");
      stdout.close();
      await protocol.disconnects.get(1);
      stdin.write(Buffer.from("xxx"));
      await protocol.gotData.get(2);
      expect(protocol.data.get(2)!.toString()).toBe("ERR:BrokenPipeError");
      transport.close();
      await protocol.completed;
      expect(protocol.returncode).toBe(-SIGKILL);
    });
  });

  // mirrors test_events.py::test_subprocess_exec_invalid_args
  it("rejects universal_newlines, bufsize and shell with RangeError", async () => {
    await inLoop(async (loop) => {
      const connect = (options: object) => subprocessExec(loop, () => new SubprocessProtocol(), "pwd", options);
      await expect(connect({ universalNewlines: true })).rejects.toThrow(new RangeError("universal_newlines must be False"));
      await expect(connect({ bufsize: 4096 })).rejects.toThrow(new RangeError("bufsize must be 0"));
      await expect(connect({ shell: true })).rejects.toThrow(new RangeError("shell must be False"));
      // CPython checks universal_newlines before shell.
      await expect(connect({ shell: true, universalNewlines: true })).rejects.toThrow("universal_newlines must be False");
      await expect(subprocessExec(loop, () => new SubprocessProtocol(), 42 as unknown as string)).rejects.toThrow(
        new TypeError("expected str, bytes or os.PathLike object, not int"),
      );
    });
  });

  // mirrors test_subprocess.py::test_close_kill_running
  it("close() kills a running child", async () => {
    await inLoop(async (loop) => {
      const [transport] = await subprocessExec(loop, () => new SubprocessProtocol(), "sleep", "3600");
      transports.push(transport);
      const child = transport.getExtraInfo("subprocess") as ChildProcess;
      const kill = vi.spyOn(child, "kill");
      const returncode = transport.getReturncode();
      transport.close();
      expect(await transport._wait()).toBe(-SIGKILL);
      expect(returncode).toBe(null);
      expect(kill).toHaveBeenCalled();
      await runBriefly();
    });
  });

  // mirrors test_subprocess.py::test_close_dont_kill_finished
  it("close() does not kill a child that exited before the transport heard of it", async () => {
    await inLoop(async (loop) => {
      const [transport] = await subprocessExec(loop, () => new SubprocessProtocol(), "sleep", "3600");
      transports.push(transport);
      const child = transport.getExtraInfo("subprocess") as ChildProcess;
      // Node reports the exit through the "exit" event; the transport hears of it one loop
      // iteration later, so closing from inside this listener is CPython's "killed, but asyncio
      // not notified yet" (there it is Popen.wait()).
      const seen = loop.createFuture<[number | null, number | null, boolean]>();
      child.once("exit", () => {
        const kill = vi.spyOn(child, "kill");
        const transportReturncode = transport.getReturncode();
        transport.close();
        seen.setResult([child.signalCode === null ? child.exitCode : -SIGKILL, transportReturncode, kill.mock.calls.length > 0]);
      });
      process.kill(child.pid!, "SIGKILL");
      const [procReturncode, transportReturncode, killed] = await seen;
      expect(procReturncode).not.toBe(null);
      expect(transportReturncode).toBe(null);
      expect(killed).toBe(false);
      await runBriefly();
    });
  });
});

describe("subprocessShell", () => {
  // mirrors test_events.py::test_subprocess_shell
  it("runs a shell command with all three pipes", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await shell(loop, "echo Python");
      expect(protocol).toBeInstanceOf(MySubprocessProtocol);
      await protocol.connected;
      transport.getPipeTransport(0)!.close();
      await protocol.completed;
      expect(protocol.returncode).toBe(0);
      expect([...protocol.disconnects.values()].every((f) => f.done())).toBe(true);
      expect(protocol.data.get(1)!.toString().trimEnd()).toBe("Python");
      expect(protocol.data.get(2)!.length).toBe(0);
      transport.close();
    });
  });

  // mirrors test_events.py::test_subprocess_exitcode
  it("reports the exit code with no pipes", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await shell(loop, "exit 7", { stdin: null, stdout: null, stderr: null });
      await protocol.completed;
      expect(protocol.returncode).toBe(7);
      transport.close();
    });
  });

  // mirrors test_events.py::test_subprocess_close_after_finish
  it("has no pipe transports without pipes, and close() after the exit is harmless", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await shell(loop, "exit 7", { stdin: null, stdout: null, stderr: null });
      expect(transport.getPipeTransport(0)).toBe(null);
      expect(transport.getPipeTransport(1)).toBe(null);
      expect(transport.getPipeTransport(2)).toBe(null);
      await protocol.completed;
      expect(protocol.returncode).toBe(7);
      expect(transport.close()).toBe(undefined);
    });
  });

  // mirrors test_events.py::test_subprocess_wait_no_same_group
  it("waits for a child in its own session", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await shell(loop, "exit 7", {
        stdin: null,
        stdout: null,
        stderr: null,
        startNewSession: true,
      });
      await protocol.completed;
      expect(protocol.returncode).toBe(7);
      transport.close();
    });
  });

  // mirrors test_events.py::test_subprocess_shell_invalid_args
  it("rejects a non-string command and Python-only options", async () => {
    await inLoop(async (loop) => {
      const connect = (cmd: unknown, options: object = {}) =>
        subprocessShell(loop, () => new SubprocessProtocol(), cmd as string, options);
      await expect(connect(["ls", "-l"])).rejects.toThrow(new RangeError("cmd must be a string"));
      await expect(connect("pwd", { universalNewlines: true })).rejects.toThrow(new RangeError("universal_newlines must be False"));
      await expect(connect("pwd", { bufsize: 4096 })).rejects.toThrow(new RangeError("bufsize must be 0"));
      await expect(connect("pwd", { shell: false })).rejects.toThrow(new RangeError("shell must be True"));
    });
  });
});

describe("UnixSubprocessTransport", () => {
  // mirrors test_subprocess.py::test_proc_exited
  it("after the exit: connectionLost(null), internals cleared, signals raise ProcessLookupError", async () => {
    await inLoop(async (loop) => {
      const calls: string[] = [];
      let lostWith: unknown = "unset";
      const lost = loop.createFuture<void>();
      class Recorder extends SubprocessProtocol {
        override connectionMade(): void {
          calls.push("connectionMade");
        }
        override processExited(): void {
          calls.push("processExited");
        }
        override connectionLost(exc: unknown): void {
          calls.push("connectionLost");
          lostWith = exc;
          lost.setResult(undefined);
        }
      }
      const [transport] = await subprocessShell(loop, () => new Recorder(), "exit 6", { stdin: null, stdout: null, stderr: null });
      transports.push(transport);
      // CPython's test waits for connection_lost (its waiter); _wait() returns as soon as the exit
      // is known, which may be before the protocol's callbacks have run.
      expect(await transport._wait()).toBe(6);
      await lost;
      expect(transport.getReturncode()).toBe(6);
      expect(calls).toEqual(["connectionMade", "processExited", "connectionLost"]);
      expect(lostWith).toBe(null);
      expect(transport.isClosing()).toBe(false);
      expect(transport._proc).toBe(null);
      expect(transport._protocol).toBe(null);
      expect(() => transport.sendSignal(SIGTERM)).toThrow(ProcessLookupError);
      expect(() => transport.terminate()).toThrow(ProcessLookupError);
      expect(() => transport.kill()).toThrow(ProcessLookupError);
      transport.close();
    });
  });

  // mirrors test_subprocess.py::test_subprocess_repr
  it("has Python's repr", async () => {
    await inLoop(async (loop) => {
      const [transport] = await subprocessShell(loop, () => new SubprocessProtocol(), "exit 6", { stdin: null, stdout: null, stderr: null });
      transports.push(transport);
      await transport._wait();
      const pid = transport.getPid();
      expect(String(transport)).toBe(`<UnixSubprocessTransport pid=${pid} returncode=6>`);
      transport._returncode = null;
      expect(String(transport)).toBe(`<UnixSubprocessTransport pid=${pid} running>`);
      transport._pid = null;
      expect(String(transport)).toBe("<UnixSubprocessTransport not started>");
      transport.close();
      expect(String(transport)).toBe("<UnixSubprocessTransport closed not started>");
    });
  });

  it("calls connectionMade first and connectionLost last, with data and exit between", async () => {
    await inLoop(async (loop) => {
      for (let round = 0; round < 5; round++) {
        const events: string[] = [];
        const done = loop.createFuture<null>();
        class Recorder extends SubprocessProtocol {
          override connectionMade(): void {
            events.push("connection_made");
          }
          override pipeDataReceived(fd: number): void {
            if (events.at(-1) !== `pipe_data_received ${fd}`) events.push(`pipe_data_received ${fd}`);
          }
          override pipeConnectionLost(fd: number): void {
            events.push(`pipe_connection_lost ${fd}`);
          }
          override processExited(): void {
            events.push("process_exited");
          }
          override connectionLost(): void {
            events.push("connection_lost");
            done.setResult(null);
          }
        }
        // A short-lived child: its output must not be lost before connectionMade.
        const [transport] = await subprocessExec(loop, () => new Recorder(), "echo", "hi", { stdin: null, stderr: null });
        transports.push(transport);
        await done;
        expect(events[0]).toBe("connection_made");
        expect(events.at(-1)).toBe("connection_lost");
        expect(events.indexOf("pipe_data_received 1")).toBeLessThan(events.indexOf("pipe_connection_lost 1"));
        expect(events.filter((e) => e === "process_exited")).toHaveLength(1);
        expect(events).toHaveLength(5);
        transport.close();
      }
    });
  });

  it("wait() called before the exit is woken by connectionLost, after every pipe closed", async () => {
    await inLoop(async (loop) => {
      const order: string[] = [];
      class Recorder extends SubprocessProtocol {
        override connectionLost(): void {
          order.push("connection_lost");
        }
      }
      const [transport] = await subprocessShell(loop, () => new Recorder(), "exit 3", { stdin: null });
      transports.push(transport);
      const waited = transport._wait().then((code) => order.push(`wait ${code}`));
      await runUntil(() => order.length === 2);
      await waited;
      expect(order).toEqual(["connection_lost", "wait 3"]);
      // CPython 3.13 base_subprocess._wait: once the return code is known, wait() returns it.
      expect(await transport._wait()).toBe(3);
      transport.close();
    });
  });

  it("queues no loop callback for an exit that comes after the loop closed", async () => {
    const loop = (await import("@aio/loop")).newEventLoop();
    let transport: UnixSubprocessTransport | null = null;
    try {
      [transport] = await loop.runUntilComplete(() =>
        subprocessExec(loop, () => new SubprocessProtocol(), "sleep", "3600", { stdin: null, stdout: null, stderr: null }),
      );
    } finally {
      loop.close();
    }
    const child = transport.getExtraInfo("subprocess") as ChildProcess;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    // The "exit" listener of the transport did not throw "Event loop is closed".
    expect(child.signalCode).toBe("SIGKILL");
  });

  it("a shell `exec` through stderr=STDOUT keeps the program's pid (no extra sh process)", async () => {
    await inLoop(async (loop) => {
      const [transport, protocol] = await exec(loop, ["sleep", "3600"], { stdin: null, stderr: STDOUT });
      await protocol.connected;
      const pid = transport.getPid();
      await runUntil(() => execFileSync("ps", ["-o", "comm=", "-p", String(pid)], { encoding: "utf8" }).trim() === "sleep");
      transport.kill();
      await protocol.completed;
      expect(protocol.returncode).toBe(-SIGKILL);
    });
  });
});

describe("loop methods (addition)", () => {
  it("are registered on every loop once @aio/subprocess is imported", async () => {
    await inLoop(async (loop) => {
      const methods = loop as unknown as {
        subprocessExec: (...args: unknown[]) => Promise<[UnixSubprocessTransport, MySubprocessProtocol]>;
        subprocessShell: (...args: unknown[]) => Promise<[UnixSubprocessTransport, MySubprocessProtocol]>;
      };
      const [transport, protocol] = await methods.subprocessExec(() => new MySubprocessProtocol(loop), "echo", "via loop");
      transports.push(transport);
      await protocol.completed;
      expect(protocol.data.get(1)!.toString()).toBe("via loop\n");
      const [transport2, protocol2] = await methods.subprocessShell(() => new MySubprocessProtocol(loop), "exit 5");
      transports.push(transport2);
      await protocol2.completed;
      expect(protocol2.returncode).toBe(5);
    });
  });
});
