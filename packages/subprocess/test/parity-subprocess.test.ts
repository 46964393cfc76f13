/**
 * Parity programs: small whole programs written once in Python (CPython 3.13 asyncio subprocess)
 * and once with @aio/subprocess; each test runs the TypeScript port on a fresh loop and compares
 * the lines it prints with what the Python program printed.
 */
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { constants as osConstants, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pyBytes } from "@aio-tools/test-support";
import {
  CancelledError,
  ConnectionError,
  FileNotFoundError,
  IncompleteReadError,
  LimitOverrunError,
  OSError,
  PermissionError,
  ProcessLookupError,
  TimeoutError,
} from "@aio/core";
import { createTask, gather, sleep, waitFor } from "@aio/tasks";
import type { Process } from "@aio/subprocess";
import { DEVNULL, PIPE, STDOUT, createSubprocessExec, createSubprocessShell } from "@aio/subprocess";
import { inLoop } from "./support/loop.js";
import { processTracker } from "./support/processes.js";
import { pyName, reap } from "./support/parity.js";

const { SIGHUP, SIGINT, SIGTERM, SIGUSR1 } = osConstants.signals;

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

/** Runs a program on a fresh loop and returns what it printed. */
async function runProgram(program: (print: (...values: unknown[]) => void) => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const print = (...values: unknown[]): void => {
    lines.push(values.map(py).join(" "));
  };
  await inLoop(() => program(print));
  return lines.join("\n");
}

describe("createSubprocessExec / createSubprocessShell (parity with CPython 3.13)", () => {
  // proc = await create_subprocess_exec("sh", "-c", "echo out; echo err >&2; exit 3", stdout=PIPE, stderr=PIPE)
  // print(proc.stdin is None, proc.stdout is None, proc.stderr is None)
  // out, err = await proc.communicate(); print(out, err, proc.returncode)
  it("pipes stdout and stderr and reports the exit status", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo out; echo err >&2; exit 3", { stdout: PIPE, stderr: PIPE }),
      );
      try {
        print(proc.stdin === null, proc.stdout === null, proc.stderr === null);
        const [out, err] = await proc.communicate();
        print(out, err, proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["True False False", "b'out\\n' b'err\\n' 3"].join("\n"));
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo out; echo err >&2; echo out2", stdout=PIPE, stderr=STDOUT)
  // print(proc.stderr is None); out, err = await proc.communicate(); print(out, err, proc.returncode)
  it("stderr=STDOUT merges stderr into the stdout pipe in order", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo out; echo err >&2; echo out2", { stdout: PIPE, stderr: STDOUT }),
      );
      try {
        print(proc.stderr === null);
        const [out, err] = await proc.communicate();
        print(out, err, proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["True", "b'out\\nerr\\nout2\\n' None 0"].join("\n"));
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo out; echo err >&2", stdin=DEVNULL, stdout=DEVNULL, stderr=PIPE)
  // print(proc.stdin is None, proc.stdout is None, proc.stderr is None); print(await proc.communicate(), proc.returncode)
  it("DEVNULL streams are None and communicate() returns None for them", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo out; echo err >&2", { stdin: DEVNULL, stdout: DEVNULL, stderr: PIPE }),
      );
      try {
        print(proc.stdin === null, proc.stdout === null, proc.stderr === null);
        print(await proc.communicate(), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["True True False", "(None, b'err\\n') 0"].join("\n"));
  });

  // proc = await create_subprocess_exec("true"); print(proc.stdin, proc.stdout, proc.stderr)
  // print(await proc.communicate(), proc.returncode)
  it("inherited stdio (None) gives no streams and communicate() returns (None, None)", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("true"));
      try {
        print(proc.stdin, proc.stdout, proc.stderr);
        print(await proc.communicate(), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["None None None", "(None, None) 0"].join("\n"));
  });

  // proc = await create_subprocess_shell("echo $((1+2)); echo e >&2; exit 7", stdout=PIPE, stderr=PIPE)
  // print(await proc.communicate(), proc.returncode)
  // proc = await create_subprocess_shell("exit 0"); print(proc.stdin, await proc.wait())
  it("createSubprocessShell runs the command through sh", async () => {
    const output = await runProgram(async (print) => {
      let proc = track(await createSubprocessShell("echo $((1+2)); echo e >&2; exit 7", { stdout: PIPE, stderr: PIPE }));
      try {
        print(await proc.communicate(), proc.returncode);
      } finally {
        await reap(proc);
      }
      proc = track(await createSubprocessShell("exit 0"));
      try {
        print(proc.stdin, await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["(b'3\\n', b'e\\n') 7", "None 0"].join("\n"));
  });

  // for data in (b"hello\nworld", b""):
  //     proc = await create_subprocess_exec("cat", stdin=PIPE, stdout=PIPE)
  //     print(await proc.communicate(data), proc.returncode)
  it("communicate(input) feeds stdin and closes it", async () => {
    const output = await runProgram(async (print) => {
      for (const data of ["hello\nworld", ""]) {
        const proc = track(await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE }));
        try {
          print(await proc.communicate(Buffer.from(data)), proc.returncode);
        } finally {
          await reap(proc);
        }
      }
    });
    expect(output).toBe(["(b'hello\\nworld', None) 0", "(b'', None) 0"].join("\n"));
  });

  // cmd = "head -c 300000 /dev/zero; head -c 500000 /dev/zero >&2; head -c 100000 /dev/zero"
  // out, err = await (await create_subprocess_exec("sh", "-c", cmd, stdout=PIPE, stderr=PIPE)).communicate()
  // print(len(out), len(err), set(out), set(err), proc.returncode)
  it("communicate() reads large output on both streams without deadlock", async () => {
    const output = await runProgram(async (print) => {
      const cmd = "head -c 300000 /dev/zero; head -c 500000 /dev/zero >&2; head -c 100000 /dev/zero";
      const proc = track(await createSubprocessExec("sh", "-c", cmd, { stdout: PIPE, stderr: PIPE }));
      try {
        const [out, err] = await proc.communicate();
        const set = (data: Buffer): string => `{${[...new Set(data)].join(", ")}}`;
        print(out!.length, err!.length, set(out!), set(err!), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe("400000 500000 {0} {0} 0");
  });

  // data = bytes(range(256)) * 4096
  // proc = await create_subprocess_exec("sh", "-c", "cat; cat /dev/null >&2", stdin=PIPE, stdout=PIPE, stderr=PIPE)
  // out, err = await proc.communicate(data); print(len(out), out == data, err, proc.returncode)
  it("communicate() pushes 1 MiB through cat while reading both streams", async () => {
    const output = await runProgram(async (print) => {
      const data = Buffer.alloc(256 * 4096);
      for (let i = 0; i < data.length; i++) data[i] = i % 256;
      const proc = track(
        await createSubprocessExec("sh", "-c", "cat; cat /dev/null >&2", { stdin: PIPE, stdout: PIPE, stderr: PIPE }),
      );
      try {
        const [out, err] = await proc.communicate(data);
        print(out!.length, out!.equals(data), err, proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe("1048576 True b'' 0");
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo x; echo y >&2; exit 2", stdout=PIPE, stderr=PIPE)
  // print(await proc.wait(), proc.returncode); print(await proc.communicate())
  it("communicate() after the process exited still returns the buffered output", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo x; echo y >&2; exit 2", { stdout: PIPE, stderr: PIPE }),
      );
      try {
        print(await proc.wait(), proc.returncode);
        print(await proc.communicate());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["2 2", "(b'x\\n', b'y\\n')"].join("\n"));
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo x; echo y >&2", stdout=PIPE, stderr=PIPE)
  // print(await proc.communicate()); print(await proc.communicate())
  // proc = await create_subprocess_exec("cat", stdin=PIPE, stdout=PIPE)
  // print(await proc.communicate(b"a")); print(await proc.communicate(b"b"))  # second input is dropped
  it("a second communicate() returns empty output", async () => {
    const output = await runProgram(async (print) => {
      let proc = track(await createSubprocessExec("sh", "-c", "echo x; echo y >&2", { stdout: PIPE, stderr: PIPE }));
      try {
        print(await proc.communicate());
        print(await proc.communicate());
      } finally {
        await reap(proc);
      }
      proc = track(await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE }));
      try {
        print(await proc.communicate(Buffer.from("a")));
        try {
          print(await proc.communicate(Buffer.from("b")));
        } catch (error) {
          print(pyName(error), (error as Error).message);
        }
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["(b'x\\n', b'y\\n')", "(b'', b'')", "(b'a', None)", "(b'', None)"].join("\n"));
  });

  // proc = await create_subprocess_exec("sh", "-c", "cat; echo done", stdin=DEVNULL, stdout=PIPE)
  // print(await proc.communicate(b"ignored"), proc.returncode)
  it("communicate(input) ignores the input when stdin is not a pipe", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "cat; echo done", { stdin: DEVNULL, stdout: PIPE }));
      try {
        print(await proc.communicate(Buffer.from("ignored")), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe("(b'done\\n', None) 0");
  });

  // for cmd in ["exit 0", "exit 1", "exit 255", "exit 256", "kill -9 $$", "kill -TERM $$", "kill -INT $$"]:
  //     proc = await create_subprocess_exec("sh", "-c", cmd); print(cmd, await proc.wait(), proc.returncode)
  // proc = await create_subprocess_exec("false"); print("false", await proc.wait())
  it("wait() returns exit codes, and minus the signal number for a killed child", async () => {
    const output = await runProgram(async (print) => {
      for (const cmd of ["exit 0", "exit 1", "exit 255", "exit 256", "kill -9 $$", "kill -TERM $$", "kill -INT $$"]) {
        const proc = track(await createSubprocessExec("sh", "-c", cmd));
        try {
          print(cmd, await proc.wait(), proc.returncode);
        } finally {
          await reap(proc);
        }
      }
      const proc = track(await createSubprocessExec("false"));
      try {
        print("false", await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(
      [
        "exit 0 0 0",
        "exit 1 1 1",
        "exit 255 255 255",
        "exit 256 0 0",
        "kill -9 $$ -9 -9",
        "kill -TERM $$ -15 -15",
        "kill -INT $$ -2 -2",
        "false 1",
      ].join("\n"),
    );
  });

  // for name in ["kill", "terminate", "sigint", "sighup", "sigusr1"]:
  //     proc = await create_subprocess_exec("sleep", "30"); print(proc.returncode)
  //     <proc.kill() | proc.terminate() | proc.send_signal(signal.SIGINT / SIGHUP / SIGUSR1)>
  //     print(name, await proc.wait())
  it("kill, terminate and sendSignal before the exit end the child with that signal", async () => {
    const output = await runProgram(async (print) => {
      for (const name of ["kill", "terminate", "sigint", "sighup", "sigusr1"]) {
        const proc = track(await createSubprocessExec("sleep", "30"));
        try {
          print(proc.returncode);
          if (name === "kill") proc.kill();
          else if (name === "terminate") proc.terminate();
          else if (name === "sigint") proc.sendSignal(SIGINT);
          else if (name === "sighup") proc.sendSignal(SIGHUP);
          else proc.sendSignal(SIGUSR1);
          print(name, await proc.wait());
        } finally {
          await reap(proc);
        }
      }
    });
    expect(output).toBe(
      ["None", "kill -9", "None", "terminate -15", "None", "sigint -2", "None", "sighup -1", "None", "sigusr1 -10"].join(
        "\n",
      ),
    );
  });

  // proc = await create_subprocess_exec("true"); await proc.wait(); await asyncio.sleep(0.05)
  // for f in (proc.kill, proc.terminate, lambda: proc.send_signal(signal.SIGTERM)):
  //     try: f(); print("no error")
  //     except ProcessLookupError as e: print(type(e).__name__, e.args, repr(str(e)), isinstance(e, OSError))
  // print(proc.returncode)
  it("signals after the exit raise ProcessLookupError", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("true"));
      try {
        await proc.wait();
        await sleep(0.05);
        for (const send of [() => proc.kill(), () => proc.terminate(), () => proc.sendSignal(SIGTERM)]) {
          try {
            send();
            print("no error");
          } catch (error) {
            if (!(error instanceof ProcessLookupError)) throw error;
            print(pyName(error), "()", `'${error.message}'`, error instanceof OSError);
          }
        }
        print(proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(
      ["ProcessLookupError () '' True", "ProcessLookupError () '' True", "ProcessLookupError () '' True", "0"].join("\n"),
    );
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo hi", stdout=PIPE); print(await proc.wait())
  // await asyncio.sleep(0.2)   # the pipe's EOF may be handled just after the exit (Node: 'exit' before 'end')
  // for f in (proc.kill, proc.terminate, lambda: proc.send_signal(signal.SIGTERM)): (as above, print type and args)
  // print(await proc.stdout.read()); await asyncio.sleep(0.05); proc.kill() -> ProcessLookupError
  it("signals after the exit raise ProcessLookupError while stdout is still unread", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "echo hi", { stdout: PIPE }));
      const attempt = (send: () => void): void => {
        try {
          send();
          print("no error");
        } catch (error) {
          if (!(error instanceof ProcessLookupError)) throw error;
          print(pyName(error), "()");
        }
      };
      try {
        print(await proc.wait());
        await sleep(0.2);
        for (const send of [() => proc.kill(), () => proc.terminate(), () => proc.sendSignal(SIGTERM)]) attempt(send);
        print(await proc.stdout!.read());
        await sleep(0.05);
        attempt(() => proc.kill());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(
      ["0", "ProcessLookupError ()", "ProcessLookupError ()", "ProcessLookupError ()", "b'hi\\n'", "ProcessLookupError ()"].join(
        "\n",
      ),
    );
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo a; echo b; sleep 0.2; printf c; sleep 0.1; echo d", stdout=PIPE)
  // while True: line = await proc.stdout.readline(); print(line, proc.returncode if line in (b"a\n", b"b\n") else ""); if not line: break
  // (after the last line the exit may or may not have been seen yet, in either language: not printed)
  // print(await proc.wait())
  it("readline() returns lines while the child is still running", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo a; echo b; sleep 0.2; printf c; sleep 0.1; echo d", { stdout: PIPE }),
      );
      try {
        for (;;) {
          const line = await proc.stdout!.readline();
          const text = line.toString();
          print(line, text === "a\n" || text === "b\n" ? proc.returncode : "");
          if (line.length === 0) break;
        }
        print(await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["b'a\\n' None", "b'b\\n' None", "b'cd\\n' ", "b'' ", "0"].join("\n"));
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo one; sleep 0.1; echo two; printf three", stdout=PIPE)
  // async for line in proc.stdout: print(line)
  // print(await proc.wait(), proc.stdout.at_eof())
  it("async iteration over stdout yields lines, the last one unterminated", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo one; sleep 0.1; echo two; printf three", { stdout: PIPE }),
      );
      try {
        for await (const line of proc.stdout!) print(line);
        print(await proc.wait(), proc.stdout!.atEof());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["b'one\\n'", "b'two\\n'", "b'three'", "0 True"].join("\n"));
  });

  // proc = await create_subprocess_exec("cat", stdin=PIPE, stdout=PIPE)
  // proc.stdin.write(b"line1\n"); await proc.stdin.drain(); print(await proc.stdout.readline())
  // proc.stdin.writelines([b"a", b"b", b"\n"]); await proc.stdin.drain(); print(await proc.stdout.readline())
  // print(proc.stdin.can_write_eof(), proc.stdin.is_closing()); proc.stdin.close(); print(proc.stdin.is_closing())
  // await proc.stdin.wait_closed(); print(await proc.stdout.read(), await proc.wait())
  it("stdin write, drain, close and waitClosed talk to cat line by line", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE }));
      try {
        const stdin = proc.stdin!;
        stdin.write(Buffer.from("line1\n"));
        await stdin.drain();
        print(await proc.stdout!.readline());
        stdin.writelines([Buffer.from("a"), Buffer.from("b"), Buffer.from("\n")]);
        await stdin.drain();
        print(await proc.stdout!.readline());
        print(stdin.canWriteEof(), stdin.isClosing());
        stdin.close();
        print(stdin.isClosing());
        await stdin.waitClosed();
        print(await proc.stdout!.read(), await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["b'line1\\n'", "b'ab\\n'", "True False", "True", "b'' 0"].join("\n"));
  });

  // proc = await create_subprocess_exec("cat", stdin=PIPE, stdout=PIPE)
  // proc.stdin.write(b"xyz"); proc.stdin.write_eof(); print(await proc.stdout.read(), await proc.wait())
  it("writeEof() on stdin ends cat's input", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE }));
      try {
        proc.stdin!.write(Buffer.from("xyz"));
        proc.stdin!.writeEof();
        print(await proc.stdout!.read(), await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe("b'xyz' 0");
  });

  // proc = await create_subprocess_exec("sh", "-c", "printf 'short\\n0123456789abcdefghij\\nend\\n'", stdout=PIPE, limit=10)
  // print(await proc.stdout.readline())
  // try: print(await proc.stdout.readline())
  // except Exception as e: print(type(e).__name__, e)
  // print(await proc.stdout.read()); print(await proc.wait())
  it("readline() past the limit raises ValueError and drops the long line", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "printf 'short\\n0123456789abcdefghij\\nend\\n'", { stdout: PIPE, limit: 10 }),
      );
      try {
        print(await proc.stdout!.readline());
        try {
          print(await proc.stdout!.readline());
        } catch (error) {
          print(pyName(error), (error as Error).message);
        }
        print(await proc.stdout!.read());
        print(await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(
      ["b'short\\n'", "ValueError Separator is found, but chunk is longer than limit", "b'end\\n'", "0"].join("\n"),
    );
  });

  // proc = await create_subprocess_exec("sh", "-c", "printf '0123456789abcdefghij\\nend\\n'", stdout=PIPE, limit=10)
  // try: print(await proc.stdout.readuntil(b"\n"))
  // except asyncio.LimitOverrunError as e: print(type(e).__name__, e, e.consumed, isinstance(e, Exception))
  // print(await proc.stdout.read(5)); print(await proc.stdout.read()); print(await proc.wait())
  it("readuntil() past the limit raises LimitOverrunError and keeps the data", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "printf '0123456789abcdefghij\\nend\\n'", { stdout: PIPE, limit: 10 }),
      );
      try {
        try {
          print(await proc.stdout!.readuntil(Buffer.from("\n")));
        } catch (error) {
          if (!(error instanceof LimitOverrunError)) throw error;
          print(pyName(error), error.message, error.consumed, error instanceof Error);
        }
        print(await proc.stdout!.read(5));
        print(await proc.stdout!.read());
        print(await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(
      [
        "LimitOverrunError Separator is found, but chunk is longer than limit 20 True",
        "b'01234'",
        "b'56789abcdefghij\\nend\\n'",
        "0",
      ].join("\n"),
    );
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo early; exec >&-; sleep 1; echo err >&2; exit 4", stdout=PIPE, stderr=PIPE)
  // print(await proc.stdout.read(), proc.returncode, proc.stdout.at_eof())
  // print(await proc.stderr.read()); print(await proc.wait())
  it("a child that closes stdout early gives EOF while it keeps running", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo early; exec >&-; sleep 1; echo err >&2; exit 4", {
          stdout: PIPE,
          stderr: PIPE,
        }),
      );
      try {
        print(await proc.stdout!.read(), proc.returncode, proc.stdout!.atEof());
        print(await proc.stderr!.read());
        print(await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["b'early\\n' None True", "b'err\\n'", "4"].join("\n"));
  });

  // proc = await create_subprocess_exec("sleep", "30"); t = asyncio.create_task(proc.wait())
  // await asyncio.sleep(0.05); print(t.cancel())
  // try: await t
  // except asyncio.CancelledError: print("cancelled", t.cancelled())
  // print(proc.returncode)
  // try: print(await asyncio.wait_for(proc.wait(), 0.05))
  // except TimeoutError as e: print("timeout", type(e).__name__)
  // proc.kill(); print(await proc.wait())
  it("a cancelled or timed-out wait() leaves the child running", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sleep", "30"));
      try {
        const task = createTask(() => proc.wait());
        await sleep(0.05);
        print(task.cancel());
        try {
          await task;
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
          print("cancelled", task.cancelled());
        }
        print(proc.returncode);
        try {
          print(await waitFor(() => proc.wait(), 0.05));
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          print("timeout", pyName(error));
        }
        proc.kill();
        print(await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["True", "cancelled True", "None", "timeout TimeoutError", "-9"].join("\n"));
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo started; exec sleep 30", stdout=PIPE, stderr=PIPE)
  // print(await proc.stdout.readline()); t = asyncio.create_task(proc.communicate()); await asyncio.sleep(0.05)
  // t.cancel(); try: await t / except CancelledError: print("cancelled")
  // print(proc.returncode); proc.kill(); print(await proc.communicate(), proc.returncode)
  it("a cancelled communicate() leaves the child running and a later one works", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo started; exec sleep 30", { stdout: PIPE, stderr: PIPE }),
      );
      try {
        print(await proc.stdout!.readline());
        const task = createTask(() => proc.communicate());
        await sleep(0.05);
        task.cancel();
        try {
          await task;
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
          print("cancelled");
        }
        print(proc.returncode);
        proc.kill();
        print(await proc.communicate(), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["b'started\\n'", "cancelled", "None", "(b'', b'') -9"].join("\n"));
  });

  // proc = await create_subprocess_exec("true")
  // print(type(proc.pid).__name__, proc.pid > 0, repr(proc) == f"<Process {proc.pid}>", str(proc) == repr(proc))
  // await proc.wait(); print(repr(proc) == f"<Process {proc.pid}>")
  it("pid is a positive integer and the repr is <Process pid>", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("true"));
      try {
        const { inspect } = await import("node:util");
        print(
          Number.isInteger(proc.pid) ? "int" : typeof proc.pid,
          proc.pid > 0,
          inspect(proc) === `<Process ${proc.pid}>`,
          String(proc) === inspect(proc),
        );
        await proc.wait();
        print(String(proc) === `<Process ${proc.pid}>`);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["int True True True", "True"].join("\n"));
  });

  // for prog in ["nonexistent-prog-xyz", "/nonexistent/dir/prog"]:
  //     try: await asyncio.create_subprocess_exec(prog, "arg")
  //     except FileNotFoundError as e: print(type(e).__name__, e.errno, str(e), isinstance(e, OSError))
  // proc = await asyncio.create_subprocess_shell("nonexistent-prog-xyz 2>/dev/null"); print(await proc.wait())
  it("a missing executable raises FileNotFoundError with errno 2", async () => {
    const output = await runProgram(async (print) => {
      for (const prog of ["nonexistent-prog-xyz", "/nonexistent/dir/prog"]) {
        try {
          track(await createSubprocessExec(prog, "arg"));
        } catch (error) {
          if (!(error instanceof FileNotFoundError)) throw error;
          print(pyName(error), error.errno, error.message, error instanceof OSError);
        }
      }
      const proc = track(await createSubprocessShell("nonexistent-prog-xyz 2>/dev/null"));
      try {
        print(await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(
      [
        "FileNotFoundError 2 [Errno 2] No such file or directory: 'nonexistent-prog-xyz' True",
        "FileNotFoundError 2 [Errno 2] No such file or directory: '/nonexistent/dir/prog' True",
        "127",
      ].join("\n"),
    );
  });

  // path = <tmp>/noexec.sh, mode 0o644; for prog in [path, "/tmp"]:
  //     try: await asyncio.create_subprocess_exec(prog)
  //     except PermissionError as e: print(type(e).__name__, e.errno, str(e))
  it("a non-executable file or a directory raises PermissionError with errno 13", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parity-subprocess-"));
    try {
      const path = join(dir, "noexec.sh");
      writeFileSync(path, "#!/bin/sh\necho hi\n");
      chmodSync(path, 0o644);
      const output = await runProgram(async (print) => {
        for (const prog of [path, dir]) {
          try {
            track(await createSubprocessExec(prog));
          } catch (error) {
            if (!(error instanceof PermissionError)) throw error;
            print(pyName(error), error.errno, error.message);
          }
        }
      });
      expect(output).toBe(
        [
          `PermissionError 13 [Errno 13] Permission denied: '${path}'`,
          `PermissionError 13 [Errno 13] Permission denied: '${dir}'`,
        ].join("\n"),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // for name, f in cases:   # create_subprocess_exec("true", text=True), ... (see the list below)
  //     try: proc = await f(); print(name, "ok", await proc.wait())
  //     except Exception as e: print(name, type(e).__name__, e)
  it("Python-only options raise ValueError with CPython's messages", async () => {
    const output = await runProgram(async (print) => {
      const cases: [string, () => Promise<Process>][] = [
        ["exec text", () => createSubprocessExec("true", { text: true })],
        ["exec universal_newlines", () => createSubprocessExec("true", { universalNewlines: true })],
        ["exec shell", () => createSubprocessExec("true", { shell: true } as never)],
        ["exec bufsize", () => createSubprocessExec("true", { bufsize: 1 })],
        ["exec encoding", () => createSubprocessExec("true", { encoding: "utf-8" })],
        ["exec errors", () => createSubprocessExec("true", { errors: "strict" })],
        ["shell text", () => createSubprocessShell("true", { text: true })],
        ["shell shell False", () => createSubprocessShell("true", { shell: false } as never)],
        ["shell bufsize", () => createSubprocessShell("true", { bufsize: -1 })],
        ["shell universal_newlines", () => createSubprocessShell("true", { universalNewlines: true })],
        ["shell list", () => createSubprocessShell(["echo", "hi"] as never)],
        ["exec bufsize 0", () => createSubprocessExec("true", { bufsize: 0 })],
      ];
      for (const [name, start] of cases) {
        try {
          const proc = track(await start());
          try {
            print(name, "ok", await proc.wait());
          } finally {
            await reap(proc);
          }
        } catch (error) {
          print(name, pyName(error), (error as Error).message);
        }
      }
    });
    expect(output).toBe(
      [
        "exec text ValueError text must be False",
        "exec universal_newlines ValueError universal_newlines must be False",
        "exec shell ValueError shell must be False",
        "exec bufsize ValueError bufsize must be 0",
        "exec encoding ValueError encoding must be None",
        "exec errors ValueError errors must be None",
        "shell text ValueError text must be False",
        "shell shell False ValueError shell must be True",
        "shell bufsize ValueError bufsize must be 0",
        "shell universal_newlines ValueError universal_newlines must be False",
        "shell list ValueError cmd must be a string",
        "exec bufsize 0 ok 0",
      ].join("\n"),
    );
  });

  // proc = await create_subprocess_exec("/bin/sh", "-c", 'echo "$FOO|${PATH-unset}"; pwd', stdout=PIPE, env={"FOO": "bar"}, cwd="/tmp")
  // print(await proc.communicate())
  // os.environ["PARITY_X"] = "1"
  // proc = await create_subprocess_shell('echo "${PARITY_X-unset}"; pwd', stdout=PIPE, cwd="/"); print(await proc.communicate())
  // proc = await create_subprocess_exec("sh", "-c", "echo $FOO", stdout=PIPE, env={**os.environ, "FOO": "baz"}); print(await proc.communicate())
  it("env replaces the environment and cwd sets the directory", async () => {
    process.env.PARITY_X = "1";
    try {
      const output = await runProgram(async (print) => {
        let proc = track(
          await createSubprocessExec("/bin/sh", "-c", 'echo "$FOO|${PATH-unset}"; pwd', {
            stdout: PIPE,
            env: { FOO: "bar" },
            cwd: "/tmp",
          }),
        );
        try {
          print(await proc.communicate());
        } finally {
          await reap(proc);
        }
        proc = track(await createSubprocessShell('echo "${PARITY_X-unset}"; pwd', { stdout: PIPE, cwd: "/" }));
        try {
          print(await proc.communicate());
        } finally {
          await reap(proc);
        }
        proc = track(await createSubprocessExec("sh", "-c", "echo $FOO", { stdout: PIPE, env: { ...process.env, FOO: "baz" } }));
        try {
          print(await proc.communicate());
        } finally {
          await reap(proc);
        }
      });
      expect(output).toBe(
        [
          "(b'bar|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\\n/tmp\\n', None)",
          "(b'1\\n/\\n', None)",
          "(b'baz\\n', None)",
        ].join("\n"),
      );
    } finally {
      delete process.env.PARITY_X;
    }
  });

  // proc = await create_subprocess_exec("sh", "-c", "sleep 0.1; exit 5")
  // print(await asyncio.gather(proc.wait(), proc.wait(), proc.wait())); print(await proc.wait())
  it("concurrent wait() calls all get the return code", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "sleep 0.1; exit 5"));
      try {
        const codes = await gather(() => proc.wait(), () => proc.wait(), () => proc.wait());
        print(`[${codes.join(", ")}]`);
        print(await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["[5, 5, 5]", "5"].join("\n"));
  });

  // proc = await create_subprocess_exec("sh", "-c", "exec 0<&-; echo ok", stdin=PIPE, stdout=PIPE)
  // print(await proc.communicate(b"x" * 1000000), proc.returncode)
  it("communicate() ignores a child that closed its stdin", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "exec 0<&-; echo ok", { stdin: PIPE, stdout: PIPE }));
      try {
        print(await proc.communicate(Buffer.alloc(1000000, "x")), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe("(b'ok\\n', None) 0");
  });

  // proc = await create_subprocess_exec("sh", "-c", "printf abcdef; sleep 0.2; printf gh", stdout=PIPE)
  // print(await proc.stdout.readexactly(3)); print(await proc.stdout.read(100))
  // try: await proc.stdout.readexactly(5)
  // except asyncio.IncompleteReadError as e: print(type(e).__name__, e, e.partial, e.expected)
  // print(proc.stdout.at_eof(), await proc.wait())
  it("read(n) returns what is buffered and readexactly() at EOF raises IncompleteReadError", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "printf abcdef; sleep 0.2; printf gh", { stdout: PIPE }));
      try {
        print(await proc.stdout!.readexactly(3));
        print(await proc.stdout!.read(100));
        try {
          await proc.stdout!.readexactly(5);
        } catch (error) {
          if (!(error instanceof IncompleteReadError)) throw error;
          print(pyName(error), error.message, error.partial, error.expected);
        }
        print(proc.stdout!.atEof(), await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(
      ["b'abc'", "b'def'", "IncompleteReadError 2 bytes read on a total of 5 expected bytes b'gh' 5", "True 0"].join("\n"),
    );
  });
  // proc = await create_subprocess_exec("true", stdin=PIPE); print(await proc.wait()); await asyncio.sleep(0.05)
  // try: proc.stdin.write(b"x" * 100); await proc.stdin.drain(); print("drained"); (again) print("drained2")
  // except Exception as e: print(type(e).__name__, isinstance(e, ConnectionError))
  it("writing to the stdin of a child that exited fails at the first drain()", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("true", { stdin: PIPE }));
      try {
        print(await proc.wait());
        await sleep(0.05);
        try {
          proc.stdin!.write(Buffer.alloc(100, "x"));
          await proc.stdin!.drain();
          print("drained");
          proc.stdin!.write(Buffer.alloc(100, "x"));
          await proc.stdin!.drain();
          print("drained2");
        } catch (error) {
          print(pyName(error), error instanceof ConnectionError);
        }
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["0", "ConnectionResetError True"].join("\n"));
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo out; echo err >&2", stdout=DEVNULL, stderr=STDOUT)
  // print(proc.stdout, proc.stderr, await proc.communicate(), proc.returncode)
  it("stderr=STDOUT follows stdout to DEVNULL", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "echo out; echo err >&2", { stdout: DEVNULL, stderr: STDOUT }));
      try {
        print(proc.stdout, proc.stderr, await proc.communicate(), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe("None None (None, None) 0");
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo $$", stdout=PIPE, stderr=STDOUT)
  // out, _ = await proc.communicate(); print(int(out) == proc.pid)
  // try: await create_subprocess_exec("nonexistent-prog-xyz", stdout=PIPE, stderr=STDOUT)
  // except FileNotFoundError as e: print(type(e).__name__, e.errno, str(e))
  it("stderr=STDOUT keeps the program's pid and still reports a missing program", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "echo $$", { stdout: PIPE, stderr: STDOUT }));
      try {
        const [out] = await proc.communicate();
        print(Number.parseInt(out!.toString(), 10) === proc.pid);
      } finally {
        await reap(proc);
      }
      try {
        track(await createSubprocessExec("nonexistent-prog-xyz", { stdout: PIPE, stderr: STDOUT }));
      } catch (error) {
        if (!(error instanceof FileNotFoundError)) throw error;
        print(pyName(error), error.errno, error.message);
      }
    });
    expect(output).toBe(["True", "FileNotFoundError 2 [Errno 2] No such file or directory: 'nonexistent-prog-xyz'"].join("\n"));
  });

  // proc = await create_subprocess_exec("sh", "-c", "trap 'echo got; exit 3' TERM; echo ready; while :; do sleep 0.05; done", stdout=PIPE)
  // print(await proc.stdout.readline()); proc.terminate(); print(await proc.communicate(), proc.returncode)
  it("terminate() lets a child that traps SIGTERM exit with its own code", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "trap 'echo got; exit 3' TERM; echo ready; while :; do sleep 0.05; done", {
          stdout: PIPE,
        }),
      );
      try {
        print(await proc.stdout!.readline());
        proc.terminate();
        print(await proc.communicate(), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["b'ready\\n'", "(b'got\\n', None) 3"].join("\n"));
  });

  // proc = await create_subprocess_exec("sh", "-c", "cat >/dev/null; exit 6", stdin=PIPE)
  // print(await proc.communicate(b"abc"), proc.returncode)
  it("communicate(input) with only stdin piped returns (None, None)", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "cat >/dev/null; exit 6", { stdin: PIPE }));
      try {
        print(await proc.communicate(Buffer.from("abc")), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe("(None, None) 6");
  });

  // proc = await create_subprocess_exec(b"printf", b"%s-%s", b"a", "b", stdout=PIPE); print(await proc.communicate())
  it("accepts bytes for the program and its arguments", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec(Buffer.from("printf"), Buffer.from("%s-%s"), Buffer.from("a"), "b", { stdout: PIPE }),
      );
      try {
        print(await proc.communicate());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe("(b'a-b', None)");
  });

  // fin = os.open(<tmp>/in.txt, O_RDONLY); fout = os.open(<tmp>/out.txt, O_WRONLY|O_CREAT|O_TRUNC)
  // proc = await create_subprocess_exec("cat", stdin=fin, stdout=fout)
  // print(proc.stdin, proc.stdout, await proc.communicate(), proc.returncode); print(open(out).read())
  it("takes file descriptors for stdin and stdout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parity-subprocess-"));
    try {
      writeFileSync(join(dir, "in.txt"), "from file\n");
      const fin = openSync(join(dir, "in.txt"), "r");
      const fout = openSync(join(dir, "out.txt"), "w");
      try {
        const output = await runProgram(async (print) => {
          const proc = track(await createSubprocessExec("cat", { stdin: fin, stdout: fout }));
          try {
            print(proc.stdin, proc.stdout, await proc.communicate(), proc.returncode);
          } finally {
            await reap(proc);
          }
        });
        expect(`${output}\n${py(readFileSync(join(dir, "out.txt")))}`).toBe(["None None (None, None) 0", "b'from file\\n'"].join("\n"));
      } finally {
        closeSync(fin);
        closeSync(fout);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo partial; exec sleep 30", stdout=PIPE)
  // try: await asyncio.wait_for(proc.communicate(), 0.2)
  // except TimeoutError: print("timeout", proc.returncode)
  // proc.kill(); print(await proc.communicate(), proc.returncode)
  it("a timed-out communicate() loses what it read; kill and a second communicate() reap the child", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sh", "-c", "echo partial; exec sleep 30", { stdout: PIPE }));
      try {
        try {
          await waitFor(() => proc.communicate(), 0.2);
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          print("timeout", proc.returncode);
        }
        proc.kill();
        print(await proc.communicate(), proc.returncode);
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["timeout None", "(b'', None) -9"].join("\n"));
  });

  // proc = await create_subprocess_exec("sleep", "30"); proc.send_signal(0); print("alive", proc.returncode)
  // proc.send_signal(signal.SIGKILL); print(await proc.wait())
  it("sendSignal(0) probes a live child without killing it", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sleep", "30"));
      try {
        proc.sendSignal(0);
        print("alive", proc.returncode);
        proc.sendSignal(osConstants.signals.SIGKILL);
        print(await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["alive None", "-9"].join("\n"));
  });

  // proc = await create_subprocess_exec("cat", stdin=PIPE, stdout=PIPE)
  // writer: for i in range(100): proc.stdin.write(b"%05d\n" % i * 1000); await proc.stdin.drain()
  //         then close() + wait_closed(); reader: count lines with async for
  // _, n = await asyncio.gather(writer(), reader()); print(n, await proc.wait())
  it("a writer task and a reader task stream 600 kB through cat", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE }));
      try {
        const writer = async (): Promise<void> => {
          for (let i = 0; i < 100; i++) {
            proc.stdin!.write(Buffer.from(`${String(i).padStart(5, "0")}\n`.repeat(1000)));
            await proc.stdin!.drain();
          }
          proc.stdin!.close();
          await proc.stdin!.waitClosed();
        };
        const reader = async (): Promise<number> => {
          let count = 0;
          for await (const line of proc.stdout!) if (line.length > 0) count++;
          return count;
        };
        const [, count] = await gather(writer, reader);
        print(count, await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe("100000 0");
  });

  // proc = await create_subprocess_exec("sh", "-c", "echo o; echo e1 >&2; echo e2 >&2", stdout=PIPE, stderr=PIPE)
  // print(proc.stderr.at_eof()); print(await proc.stderr.readline() x3)
  // print(proc.stderr.at_eof(), await proc.wait(), await proc.stdout.read())
  it("reads stderr line by line while stdout waits unread", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo o; echo e1 >&2; echo e2 >&2", { stdout: PIPE, stderr: PIPE }),
      );
      try {
        print(proc.stderr!.atEof());
        print(await proc.stderr!.readline(), await proc.stderr!.readline(), await proc.stderr!.readline());
        print(proc.stderr!.atEof(), await proc.wait(), await proc.stdout!.read());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["False", "b'e1\\n' b'e2\\n' b''", "True 0 b'o\\n'"].join("\n"));
  });

  // for kw in [dict(stdout=PIPE, stderr=DEVNULL), dict(stdout=PIPE, stderr=STDOUT)]:
  //     try: proc = await create_subprocess_exec("run.sh", env={"PATH": d}, **kw); print(await proc.communicate(), proc.returncode)
  //     except OSError as e: print(type(e).__name__, e.errno)
  it("the program is looked up on the PATH of env", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parity-subprocess-"));
    try {
      writeFileSync(join(dir, "run.sh"), "#!/bin/sh\necho ran; echo err >&2\n");
      chmodSync(join(dir, "run.sh"), 0o755);
      const output = await runProgram(async (print) => {
        for (const options of [{ stdout: PIPE, stderr: DEVNULL }, { stdout: PIPE, stderr: STDOUT }] as const) {
          try {
            const proc = track(await createSubprocessExec("run.sh", { env: { PATH: dir }, ...options }));
            try {
              print(await proc.communicate(), proc.returncode);
            } finally {
              await reap(proc);
            }
          } catch (error) {
            if (!(error instanceof OSError)) throw error;
            print(pyName(error), error.errno);
          }
        }
      });
      expect(output).toBe(["(b'ran\\n', None) 0", "(b'ran\\nerr\\n', None) 0"].join("\n"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  // proc = await create_subprocess_exec("sleep", "30"); proc.kill(); print(proc.returncode)
  // print(await proc.wait(), proc.returncode, await proc.wait())
  it("returncode stays None right after kill() until the exit is seen", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sleep", "30"));
      try {
        proc.kill();
        print(proc.returncode);
        print(await proc.wait(), proc.returncode, await proc.wait());
      } finally {
        await reap(proc);
      }
    });
    expect(output).toBe(["None", "-9 -9 -9"].join("\n"));
  });

  // proc = await create_subprocess_exec("sleep", "30")
  // try: proc.send_signal(999)
  // except Exception as e: print(type(e).__name__, getattr(e, "errno", None), e)
  // finally: proc.kill(); print(await proc.wait())
  it("sendSignal() with an invalid signal number raises OSError EINVAL", async () => {
    const output = await runProgram(async (print) => {
      const proc = track(await createSubprocessExec("sleep", "30"));
      try {
        try {
          proc.sendSignal(999);
        } catch (error) {
          print(pyName(error), (error as OSError).errno, (error as Error).message);
        }
      } finally {
        proc.kill();
        print(await proc.wait());
      }
    });
    expect(output).toBe(["OSError 22 [Errno 22] Invalid argument", "-9"].join("\n"));
  });

  // try: proc = await create_subprocess_exec("true", stdout=STDOUT)
  // except Exception as e: print(type(e).__name__, e)
  it("stdout=STDOUT raises ValueError", async () => {
    const output = await runProgram(async (print) => {
      try {
        const proc = track(await createSubprocessExec("true", { stdout: STDOUT }));
        try {
          print("ok", await proc.wait());
        } finally {
          await reap(proc);
        }
      } catch (error) {
        print(pyName(error), (error as Error).message);
      }
    });
    expect(output).toBe("ValueError STDOUT can only be used for stderr");
  });
  // try: await asyncio.create_subprocess_exec("sh", None)
  // except Exception as e: print(type(e).__name__, e)
  it("a None argument raises TypeError with os.fspath's message", async () => {
    const output = await runProgram(async (print) => {
      try {
        track(await createSubprocessExec("sh", null as never));
      } catch (error) {
        print(pyName(error), (error as Error).message);
      }
    });
    expect(output).toBe("TypeError expected str, bytes or os.PathLike object, not NoneType");
  });
});

describe("spawn errors (parity with CPython 3.13)", () => {
  // async def attempt(*args, **kw):
  //     try: p = await create_subprocess_exec(*args, **kw); out = await p.communicate(); print("ok", out, p.returncode)
  //     except Exception as e: print(type(e).__name__, getattr(e, "errno", None), e)
  // attempt("true", cwd="/nonexistent-dir-xyz"); attempt("true", cwd="/etc/passwd"); attempt("sh", 5); attempt("")
  // attempt("true", env={"FOO": 5}); attempt("true", env={"A=B": "x"})
  // attempt("./run.sh", cwd="d", stdout=PIPE, stderr=STDOUT)     # run.sh: echo ran; echo err >&2
  // attempt("./noexec.sh", stdout=PIPE, stderr=STDOUT)            # mode 0644
  // attempt("./d", stdout=PIPE, stderr=STDOUT); attempt("./missing.sh", stdout=PIPE, stderr=STDOUT)
  it("names the directory, the program or the value CPython names", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aio-parity-"));
    const previous = process.cwd();
    try {
      mkdirSync(join(dir, "d"));
      writeFileSync(join(dir, "d", "run.sh"), "#!/bin/sh\necho ran; echo err >&2\n");
      chmodSync(join(dir, "d", "run.sh"), 0o755);
      writeFileSync(join(dir, "noexec.sh"), "x");
      chmodSync(join(dir, "noexec.sh"), 0o644);
      process.chdir(dir);
      const output = await runProgram(async (print) => {
        const attempt = async (args: unknown[], options: Record<string, unknown> = {}): Promise<void> => {
          try {
            const proc = track(await createSubprocessExec(...(args as [string]), options));
            const out = await proc.communicate();
            print("ok", out, proc.returncode);
          } catch (error) {
            print(pyName(error), (error as { errno?: number }).errno ?? null, (error as Error).message);
          }
        };
        await attempt(["true"], { cwd: "/nonexistent-dir-xyz" });
        await attempt(["true"], { cwd: "/etc/passwd" });
        await attempt(["sh", 5]);
        await attempt([""]);
        await attempt(["true"], { env: { FOO: 5 } });
        await attempt(["true"], { env: { "A=B": "x" } });
        await attempt(["./run.sh"], { cwd: "d", stdout: PIPE, stderr: STDOUT });
        await attempt(["./noexec.sh"], { stdout: PIPE, stderr: STDOUT });
        await attempt(["./d"], { stdout: PIPE, stderr: STDOUT });
        await attempt(["./missing.sh"], { stdout: PIPE, stderr: STDOUT });
      });
      expect(output).toBe(
        [
          "FileNotFoundError 2 [Errno 2] No such file or directory: '/nonexistent-dir-xyz'",
          "NotADirectoryError 20 [Errno 20] Not a directory: '/etc/passwd'",
          "TypeError None expected str, bytes or os.PathLike object, not int",
          "PermissionError 13 [Errno 13] Permission denied: ''",
          "TypeError None expected str, bytes or os.PathLike object, not int",
          "ValueError None illegal environment variable name",
          "ok (b'ran\\nerr\\n', None) 0",
          "PermissionError 13 [Errno 13] Permission denied: './noexec.sh'",
          "PermissionError 13 [Errno 13] Permission denied: './d'",
          "FileNotFoundError 2 [Errno 2] No such file or directory: './missing.sh'",
        ].join("\n"),
      );
    } finally {
      process.chdir(previous);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("spawn errors' strerror and filename (parity with CPython 3.13)", () => {
  // except OSError as e: print(type(e).__name__, e.errno, repr(e.strerror), repr(e.filename))
  // for: cwd="/nonexistent-dir-xyz", cwd="/etc/passwd", "", "nonexistent-prog-xyz", "./noexec.sh" with stderr=STDOUT
  it("sets errno, strerror and filename as Python's OSError does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aio-parity-"));
    try {
      writeFileSync(join(dir, "noexec.sh"), "x");
      chmodSync(join(dir, "noexec.sh"), 0o644);
      const output = await runProgram(async (print) => {
        const attempt = async (args: string[], options: Record<string, unknown> = {}): Promise<void> => {
          try {
            const proc = track(await createSubprocessExec(...(args as [string]), options));
            print("ok", await proc.communicate(), proc.returncode);
          } catch (error) {
            const e = error as OSError;
            print(pyName(e), e.errno, `'${String(e.strerror)}'`, `'${String(e.filename)}'`);
          }
        };
        await attempt(["true"], { cwd: "/nonexistent-dir-xyz" });
        await attempt(["true"], { cwd: "/etc/passwd" });
        await attempt([""]);
        await attempt(["nonexistent-prog-xyz"]);
        await attempt([join(dir, "noexec.sh")], { stdout: PIPE, stderr: STDOUT });
      });
      expect(output).toBe(
        [
          "FileNotFoundError 2 'No such file or directory' '/nonexistent-dir-xyz'",
          "NotADirectoryError 20 'Not a directory' '/etc/passwd'",
          "PermissionError 13 'Permission denied' ''",
          "FileNotFoundError 2 'No such file or directory' 'nonexistent-prog-xyz'",
          `PermissionError 13 'Permission denied' '${join(dir, "noexec.sh")}'`,
        ].join("\n"),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
