import { constants as osConstants } from "node:os";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { BrokenPipeError, CancelledError, ConnectionResetError, FileNotFoundError, ProcessLookupError, SubprocessProtocol, TimeoutError } from "@aio/core";
import { createTask, gather, sleep, waitFor } from "@aio/tasks";
import type {
  Process} from "@aio/subprocess";
import {
  DEVNULL,
  PIPE,
  ReadPipeTransport,
  STDOUT,
  createSubprocessExec,
  createSubprocessShell,
  subprocessExec,
} from "@aio/subprocess";
import { countOpenFds, inLoop, liveChildren, runBriefly, runUntil, zombieChildren } from "./support/loop.js";
import { processTracker } from "./support/processes.js";

const { SIGHUP, SIGKILL, SIGTERM, SIGCONT } = osConstants.signals;

/** CPython's PROGRAM_BLOCKED. */
const PROGRAM_BLOCKED = ["sleep", "3600"] as const;
/** CPython's PROGRAM_CAT. */
const PROGRAM_CAT = ["cat"] as const;
/** `sys.stdin.read(); print(len(data))` */
const PROGRAM_LEN = ["wc", "-c"] as const;
/** CPython support.PIPE_MAX_SIZE: larger than any pipe buffer. */
const PIPE_MAX_SIZE = 4 * 1024 * 1024 + 1;

/** Processes a test started, killed at the end if still running. */
const track = processTracker();

describe("createSubprocessExec", () => {
  // mirrors test_subprocess.py::test_stdin_stdout
  it("feeds stdin through the writer and reads stdout to EOF", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessExec(...PROGRAM_CAT, { stdin: PIPE, stdout: PIPE }));
      proc.stdin!.write(Buffer.from("some data"));
      await proc.stdin!.drain();
      proc.stdin!.close();
      const data = await proc.stdout!.read();
      const exitcode = await proc.wait();
      expect(exitcode).toBe(0);
      expect(Buffer.from(data).toString()).toBe("some data");
    });
  });

  // Python 3.13 (cat; communicate(b"in"); stdin.write(b"late"); await stdin.drain()), every run:
  //   (b'in', None) / ConnectionResetError Connection lost / True 0
  // communicate() closed stdin with nothing buffered: its connection is lost one iteration later.
  it("loses stdin's connection right after communicate() closed it", async () => {
    await inLoop(async () => {
      for (let round = 0; round < 20; round++) {
        const proc = track(await createSubprocessExec(...PROGRAM_CAT, { stdin: PIPE, stdout: PIPE }));
        const [out, err] = await proc.communicate(Buffer.from("in"));
        expect([Buffer.from(out!).toString(), err]).toEqual(["in", null]);
        proc.stdin!.write(Buffer.from("late"));
        const error = await proc.stdin!.drain().then(() => null, (caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConnectionResetError);
        expect((error as Error).message).toBe("Connection lost");
        expect([proc.stdin!.isClosing(), proc.returncode]).toEqual([true, 0]);
      }
    });
  });

  // mirrors test_subprocess.py::test_kill
  it("kill() ends the process with -SIGKILL", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessExec(...PROGRAM_BLOCKED));
      proc.kill();
      expect(await proc.wait()).toBe(-SIGKILL);
    });
  });

  // mirrors test_subprocess.py::test_terminate
  it("terminate() ends the process with -SIGTERM", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessExec(...PROGRAM_BLOCKED));
      proc.terminate();
      expect(await proc.wait()).toBe(-SIGTERM);
    });
  });

  // mirrors test_subprocess.py::test_send_signal
  it("sendSignal() delivers the signal with its default action", async () => {
    await inLoop(async () => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo sleeping; exec sleep 3600", { stdout: PIPE }),
      );
      expect(Buffer.from(await proc.stdout!.readline()).toString()).toBe("sleeping\n");
      proc.sendSignal(SIGHUP);
      expect(await proc.wait()).toBe(-SIGHUP);
    });
  });

  // mirrors test_subprocess.py::test_stdin_broken_pipe
  it("drain() raises BrokenPipeError or ConnectionResetError when the child exits without reading", async () => {
    await inLoop(async () => {
      // The child never reads; it is killed once the write buffer is full (CPython makes it
      // exit through a second pipe, which Node cannot create).
      const proc = track(await createSubprocessExec(...PROGRAM_BLOCKED, { stdin: PIPE }));
      const write = async (): Promise<void> => {
        proc.stdin!.write(Buffer.alloc(PIPE_MAX_SIZE, "x"));
        proc.kill();
        await proc.stdin!.drain();
      };
      const error = await write().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error instanceof BrokenPipeError || error instanceof ConnectionResetError).toBe(true);
      expect(await proc.wait()).toBe(-SIGKILL);
    });
  });

  // mirrors test_subprocess.py::test_pause_reading
  it("pauses the stdout pipe above the reader's limit and resumes it as data is read", async () => {
    const pause = vi.spyOn(ReadPipeTransport.prototype, "pauseReading");
    const resume = vi.spyOn(ReadPipeTransport.prototype, "resumeReading");
    try {
      await inLoop(async () => {
        const limit = 10;
        const size = limit * 2 + 1;
        const proc = track(
          await createSubprocessExec("printf", "x".repeat(size), { stdin: PIPE, stdout: PIPE, limit }),
        );
        const stdoutTransport = proc._transport.getPipeTransport(1);
        const [stdout] = await proc.communicate();
        expect(stdout!.toString()).toBe("x".repeat(size));
        expect(pause.mock.contexts).toContain(stdoutTransport);
        expect(resume.mock.contexts).toContain(stdoutTransport);
      });
    } finally {
      pause.mockRestore();
      resume.mockRestore();
    }
  });

  // mirrors test_subprocess.py::test_stdin_not_inheritable
  // mirrors test_subprocess.py::test_empty_input
  it("communicate() closes stdin so the child sees EOF", async () => {
    await inLoop(async () => {
      for (const [input, expected] of [
        ["abc", "3"],
        ["", "0"],
      ] as const) {
        const proc = track(await createSubprocessExec(...PROGRAM_LEN, { stdin: PIPE, stdout: PIPE, stderr: PIPE }));
        const [stdout] = await proc.communicate(Buffer.from(input));
        expect(stdout!.toString().trim()).toBe(expected);
        expect(await proc.wait()).toBe(0);
      }
    });
  });

  // mirrors test_subprocess.py::test_devnull_input
  // mirrors test_subprocess.py::test_devnull_output
  // mirrors test_subprocess.py::test_devnull_error
  it("connects DEVNULL streams to /dev/null and reports them as null", async () => {
    await inLoop(async () => {
      let proc = track(await createSubprocessExec(...PROGRAM_LEN, { stdin: DEVNULL, stdout: PIPE, stderr: PIPE }));
      expect(proc.stdin).toBe(null);
      let [stdout, stderr] = await proc.communicate();
      expect(stdout!.toString().trim()).toBe("0");
      expect(stderr!.length).toBe(0);
      expect(await proc.wait()).toBe(0);

      proc = track(await createSubprocessExec(...PROGRAM_LEN, { stdin: PIPE, stdout: DEVNULL, stderr: PIPE }));
      [stdout] = await proc.communicate(Buffer.from("abc"));
      expect(stdout).toBe(null);
      expect(await proc.wait()).toBe(0);

      proc = track(await createSubprocessExec(...PROGRAM_LEN, { stdin: PIPE, stdout: PIPE, stderr: DEVNULL }));
      [, stderr] = await proc.communicate(Buffer.from("abc"));
      expect(stderr).toBe(null);
      expect(await proc.wait()).toBe(0);
    });
  });

  it("runs with stdout and stderr both sent to DEVNULL", async () => {
    await inLoop(async () => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo out; echo err >&2", { stdout: DEVNULL, stderr: DEVNULL }),
      );
      expect(await proc.communicate()).toEqual([null, null]);
      expect(proc.returncode).toBe(0);
    });
  });

  // mirrors test_subprocess.py::test_devstdin_input
  it("gives the child a stdin it can read through descriptor 0", async () => {
    await inLoop(async () => {
      // Differs from CPython: CPython gives the child an os.pipe() so open("/dev/stdin") works;
      // libuv connects piped stdio with socketpairs, which Linux refuses to reopen through
      // /proc (ENXIO), because Node has no os.pipe(). Reading descriptor 0 works.
      const proc = track(
        await createSubprocessExec("sh", "-c", "wc -c <&0; cat /dev/stdin >/dev/null 2>&1 || echo ENXIO", {
          stdin: PIPE,
          stdout: PIPE,
          stderr: PIPE,
        }),
      );
      const [stdout] = await proc.communicate(Buffer.from("abc"));
      expect(stdout!.toString().split("\n")[0]!.trim()).toBe("3");
      expect(await proc.wait()).toBe(0);
    });
  });

  // mirrors test_subprocess.py::test_cancel_process_wait
  it("a cancelled wait() leaves the process running and a later wait() works", async () => {
    await inLoop(async (loop) => {
      const proc = track(await createSubprocessExec(...PROGRAM_BLOCKED));
      const task = createTask(() => proc.wait());
      loop.callSoon(() => task.cancel());
      await expect(task).rejects.toBeInstanceOf(CancelledError);
      task.cancel();
      expect(proc.returncode).toBe(null);
      proc.kill();
      expect(await proc.wait()).toBe(-SIGKILL);
    });
  });

  // mirrors test_subprocess.py::test_cancel_make_subprocess_transport_exec
  // mirrors test_subprocess.py::test_cancel_post_init
  it("cancelling the creation kills the child and leaks nothing", async () => {
    await inLoop(async (loop) => {
      const before = new Set(liveChildren());
      const task = createTask(() => createSubprocessExec(...PROGRAM_BLOCKED));
      loop.callSoon(() => task.cancel());
      await expect(task).rejects.toBeInstanceOf(CancelledError);
      const task2 = createTask(() => subprocessExec(loop, () => new SubprocessProtocol(), ...PROGRAM_BLOCKED));
      loop.callSoon(() => task2.cancel());
      await expect(task2).rejects.toBeInstanceOf(CancelledError);
      await runBriefly();
      // Both children were killed (and reaped by Node).
      await runUntil(() => liveChildren().every((pid) => before.has(pid)));
    });
  });

  // mirrors test_subprocess.py::test_read_stdout_after_process_exit
  it("reads the whole output after the process exited", async () => {
    await inLoop(async () => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "head -c 262144 /dev/zero; exit 1", { stdout: PIPE }),
      );
      let total = 0;
      for (;;) {
        const data = await proc.stdout!.read(65536);
        if (data.length === 0) break;
        total += data.length;
        await sleep(0.01);
      }
      expect(total).toBe(262144);
      expect(await proc.wait()).toBe(1);
    });
  });

  // mirrors test_subprocess.py::test_create_subprocess_exec_text_mode_fails
  it("rejects text mode options with Python's messages", async () => {
    await inLoop(async () => {
      await expect(createSubprocessExec("true", { text: true })).rejects.toThrow(new RangeError("text must be False"));
      await expect(createSubprocessExec("true", { encoding: "utf-8" })).rejects.toThrow(
        new RangeError("encoding must be None"),
      );
      await expect(createSubprocessExec("true", { errors: "strict" })).rejects.toThrow(new RangeError("errors must be None"));
      await expect(createSubprocessExec("true", { universalNewlines: true })).rejects.toThrow(
        new RangeError("universal_newlines must be False"),
      );
      await expect(createSubprocessExec("true", { bufsize: 4096 })).rejects.toThrow(new RangeError("bufsize must be 0"));
    });
  });

  // mirrors test_subprocess.py::test_create_subprocess_exec_with_path
  it("accepts file URLs for the program and the arguments", async () => {
    await inLoop(async () => {
      let proc = track(await createSubprocessExec(pathToFileURL("/bin/sh"), "-c", "exit 0"));
      expect(await proc.wait()).toBe(0);
      proc = track(
        await createSubprocessExec("sh", "-c", 'test "$0" = /tmp', pathToFileURL("/tmp")),
      );
      expect(await proc.wait()).toBe(0);
    });
  });

  // mirrors test_subprocess.py::test_create_subprocess_env_exec
  it("passes env to the child", async () => {
    await inLoop(async () => {
      const proc = track(
        await createSubprocessExec("sh", "-c", 'printf %s "$FOO"', {
          env: { ...process.env, FOO: "baz" },
          stdout: PIPE,
        }),
      );
      await checkStdoutOutput(proc, "baz");
    });
  });

  // mirrors test_subprocess.py::test_subprocess_protocol_events
  it("calls every SubprocessProtocol method, in order per descriptor", async () => {
    await inLoop(async (loop) => {
      const events: (string | [string, number, string?])[] = [];
      const exitFuture = loop.createFuture<boolean>();
      const expectedCount = 5;
      const exitMaybe = (): void => {
        if (events.length >= expectedCount && !exitFuture.done()) exitFuture.setResult(true);
      };
      class MyProtocol extends SubprocessProtocol {
        override pipeDataReceived(fd: number, data: Uint8Array): void {
          events.push(["pipe_data_received", fd, Buffer.from(data).toString()]);
          exitMaybe();
        }
        override pipeConnectionLost(fd: number): void {
          events.push(["pipe_connection_lost", fd]);
          exitMaybe();
        }
        override processExited(): void {
          events.push("process_exited");
          exitMaybe();
        }
      }
      const [transport] = await subprocessExec(loop, () => new MyProtocol(), "sh", "-c", "printf stdout; printf stderr >&2", {
        stdin: null,
      });
      await exitFuture;
      transport.close();
      expect(new Set(events.map((e) => JSON.stringify(e)))).toEqual(
        new Set(
          [
            ["pipe_data_received", 1, "stdout"],
            ["pipe_data_received", 2, "stderr"],
            ["pipe_connection_lost", 1],
            ["pipe_connection_lost", 2],
            "process_exited",
          ].map((e) => JSON.stringify(e)),
        ),
      );
      for (const fd of [1, 2]) {
        const names = events.filter((e) => Array.isArray(e) && e[1] === fd).map((e) => (e as [string, number])[0]);
        expect(names).toEqual(["pipe_data_received", "pipe_connection_lost"]);
      }
    });
  });

  // mirrors test_subprocess.py::test_subprocess_communicate_stdout
  it("runs concurrent children that each print their own output", async () => {
    await inLoop(async () => {
      const outputs = Array.from({ length: 10 }, (_, i) => `foo${i}`);
      const getStdout = async (word: string): Promise<string> => {
        const proc = track(await createSubprocessExec("echo", word, { stdout: PIPE }));
        const [stdout] = await proc.communicate();
        return stdout!.toString().trim();
      };
      expect(await gather(outputs.map((word) => () => getStdout(word)))).toEqual(outputs);
    });
  });

  // mirrors test_subprocess.py::test_subprocess_send_signal_race
  it("sendSignal() near the exit never hits another process", async () => {
    await inLoop(async () => {
      for (let i = 0; i < 10; i++) {
        const proc = track(await createSubprocessExec("sleep", "0.01"));
        await sleep(0.01);
        try {
          proc.sendSignal("SIGUSR1");
        } catch (error) {
          expect(error).toBeInstanceOf(ProcessLookupError);
        }
        expect(await proc.wait()).not.toBe(255);
      }
    });
  });

  it("raises FileNotFoundError for a missing program, also with stderr=STDOUT", async () => {
    await inLoop(async () => {
      for (const options of [{}, { stdout: PIPE, stderr: STDOUT }] as const) {
        const error = await createSubprocessExec("/nonexistent/program-aio", options).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(FileNotFoundError);
        expect((error as FileNotFoundError).errno).toBe(2);
        expect((error as Error).message).toBe("[Errno 2] No such file or directory: '/nonexistent/program-aio'");
      }
      const error = await createSubprocessExec("no-such-program-aio", { stdout: PIPE, stderr: STDOUT }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FileNotFoundError);
    });
  });

  it("stderr=STDOUT sends stderr into the stdout pipe and pid is the program's", async () => {
    await inLoop(async () => {
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo out; echo err >&2; echo $$", { stdout: PIPE, stderr: STDOUT }),
      );
      expect(proc.stderr).toBe(null);
      const [stdout, stderr] = await proc.communicate();
      expect(stderr).toBe(null);
      const lines = stdout!.toString().split("\n");
      expect(lines.slice(0, 2)).toEqual(["out", "err"]);
      expect(Number(lines[2])).toBe(proc.pid);
      expect(proc.returncode).toBe(0);
    });
  });
});

/** CPython check_stdout_output: communicate, then wait() returns within one iteration. */
async function checkStdoutOutput(proc: Process, output: string): Promise<void> {
  const [stdout] = await proc.communicate();
  expect(stdout!.toString()).toBe(output);
  expect(proc.returncode).toBe(0);
  const task = createTask(() => proc.wait());
  await sleep(0);
  expect(task.result()).toBe(proc.returncode);
}

describe("createSubprocessShell", () => {
  // mirrors test_subprocess.py::test_shell
  it("runs the command through the shell and returns its exit status", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessShell("exit 7"));
      expect(await proc.wait()).toBe(7);
    });
  });

  // mirrors test_subprocess.py::test_start_new_session
  it("runs the child in a new session with startNewSession", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessShell("exit 8", { startNewSession: true }));
      expect(await proc.wait()).toBe(8);
      const proc2 = track(await createSubprocessShell("ps -o sid= -p $$", { startNewSession: true, stdout: PIPE }));
      const [stdout] = await proc2.communicate();
      expect(Number(stdout!.toString().trim())).toBe(proc2.pid);
    });
  });

  // mirrors test_subprocess.py::test_kill_issue43884
  it("kill() of the shell gives -SIGKILL even while a grandchild holds stdout", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessShell("sleep 1; sleep 1", { stdout: PIPE }));
      await sleep(0.01);
      proc.kill();
      expect(await proc.wait()).toBe(-SIGKILL);
    });
  });

  // mirrors test_subprocess.py::test_create_subprocess_shell_text_mode_fails
  it("rejects text mode options with Python's messages", async () => {
    await inLoop(async () => {
      await expect(createSubprocessShell("true", { text: true })).rejects.toThrow(new RangeError("text must be False"));
      await expect(createSubprocessShell("true", { encoding: "utf-8" })).rejects.toThrow(
        new RangeError("encoding must be None"),
      );
      await expect(createSubprocessShell("true", { errors: "strict" })).rejects.toThrow(new RangeError("errors must be None"));
    });
  });

  // mirrors test_subprocess.py::test_create_subprocess_env_shell
  it("passes env to the shell", async () => {
    await inLoop(async () => {
      const proc = track(
        await createSubprocessShell('printf %s "$FOO"', { env: { ...process.env, FOO: "bar" }, stdout: PIPE }),
      );
      await checkStdoutOutput(proc, "bar");
    });
  });

  it("stderr=STDOUT works for shell commands too", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessShell("echo out; echo err >&2", { stdout: PIPE, stderr: STDOUT }));
      const [stdout, stderr] = await proc.communicate();
      expect(stdout!.toString()).toBe("out\nerr\n");
      expect(stderr).toBe(null);
    });
  });
});

describe("Process", () => {
  // mirrors test_subprocess.py::test_communicate
  it("communicate() sends input and returns [stdout, stderr]", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessExec(...PROGRAM_CAT, { stdin: PIPE, stdout: PIPE }));
      const [stdout, stderr] = await proc.communicate(Buffer.from("some data"));
      expect(proc.returncode).toBe(0);
      expect(stdout!.toString()).toBe("some data");
      expect(stderr).toBe(null);
    });
  });

  // mirrors test_subprocess.py::test_communicate_none_input
  it("communicate() without input closes stdin", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessExec(...PROGRAM_CAT, { stdin: PIPE, stdout: PIPE }));
      const [stdout] = await proc.communicate();
      expect(proc.returncode).toBe(0);
      expect(stdout!.length).toBe(0);
    });
  });

  // mirrors test_subprocess.py::test_communicate_ignore_broken_pipe
  it("communicate() ignores a broken pipe on stdin", async () => {
    await inLoop(async (loop) => {
      const proc = track(await createSubprocessExec("true", { stdin: PIPE }));
      loop.setExceptionHandler(() => undefined);
      expect(await proc.communicate(Buffer.alloc(PIPE_MAX_SIZE, "x"))).toEqual([null, null]);
      expect(await proc.wait()).toBe(0);
    });
  });

  it("communicate() after wait() returns the remaining output", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessExec("echo", "hello", { stdin: PIPE, stdout: PIPE }));
      expect(await proc.wait()).toBe(0);
      const [stdout] = await proc.communicate();
      expect(stdout!.toString()).toBe("hello\n");
    });
  });

  // mirrors test_subprocess.py::test_subprocess_concurrent_wait
  it("many concurrent wait() calls all get the return code", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessExec(...PROGRAM_CAT, { stdin: PIPE, stdout: PIPE }));
      const [stdout] = await proc.communicate(Buffer.from("some data"));
      expect(stdout!.toString()).toBe("some data");
      expect(proc.returncode).toBe(0);
      expect(await gather(Array.from({ length: 10 }, () => () => proc.wait()))).toEqual(Array(10).fill(0));
    });
  });

  it("sendSignal() after the exit raises ProcessLookupError", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessExec("true"));
      expect(await proc.wait()).toBe(0);
      expect(() => proc.sendSignal(SIGTERM)).toThrow(ProcessLookupError);
      expect(() => proc.terminate()).toThrow(ProcessLookupError);
      expect(() => proc.kill()).toThrow(ProcessLookupError);
    });
  });

  it("has a Python-shaped repr", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessExec("true"));
      expect(String(proc)).toBe(`<Process ${proc.pid}>`);
      await proc.wait();
    });
  });
});

describe("Process (addition)", () => {
  it("communicate() moves 10 MiB through cat byte for byte", async () => {
    await inLoop(async () => {
      const input = Buffer.alloc(10 * 1024 * 1024);
      for (let i = 0; i < input.length; i += 4) input.writeUInt32LE((i * 2654435761) >>> 0, i);
      const proc = track(await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE }));
      const [stdout] = await proc.communicate(input);
      expect(stdout!.length).toBe(input.length);
      expect(stdout!.equals(input)).toBe(true);
      expect(proc.returncode).toBe(0);
    });
  });

  it("communicate() reads large stdout and stderr at the same time", async () => {
    await inLoop(async () => {
      const size = 5 * 1024 * 1024;
      const proc = track(
        await createSubprocessShell(`head -c ${size} /dev/zero | tr '\\0' o & head -c ${size} /dev/zero | tr '\\0' e >&2; wait`, {
          stdout: PIPE,
          stderr: PIPE,
        }),
      );
      const [stdout, stderr] = await proc.communicate();
      expect(stdout!.length).toBe(size);
      expect(stderr!.length).toBe(size);
      expect(stdout!.every((b) => b === 0x6f)).toBe(true);
      expect(stderr!.every((b) => b === 0x65)).toBe(true);
      expect(proc.returncode).toBe(0);
    });
  });

  it("communicate() returns normally when the child exits without reading 1 MiB of input", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessExec("sh", "-c", "echo done", { stdin: PIPE, stdout: PIPE }));
      const [stdout] = await proc.communicate(Buffer.alloc(1024 * 1024, "y"));
      expect(stdout!.toString()).toBe("done\n");
      expect(proc.returncode).toBe(0);
    });
  });

  it("kill() during communicate() ends it with -SIGKILL", async () => {
    await inLoop(async (loop) => {
      const proc = track(await createSubprocessExec("sh", "-c", "echo started; exec sleep 3600", { stdout: PIPE, stderr: PIPE }));
      expect(Buffer.from(await proc.stdout!.readline()).toString()).toBe("started\n");
      const communicate = createTask(() => proc.communicate());
      loop.callSoon(() => proc.kill());
      const [stdout, stderr] = await communicate;
      expect(stdout!.length).toBe(0);
      expect(stderr!.length).toBe(0);
      expect(proc.returncode).toBe(-SIGKILL);
    });
  });

  it("runs 200 concurrent children with correct outputs", async () => {
    await inLoop(async () => {
      const run = async (i: number): Promise<string> => {
        const proc = track(await createSubprocessExec("sh", "-c", 'read x; echo "$x:$0"', String(i), { stdin: PIPE, stdout: PIPE }));
        const [stdout] = await proc.communicate(Buffer.from(`in${i}\n`));
        expect(proc.returncode).toBe(0);
        return stdout!.toString();
      };
      const outputs = await gather(Array.from({ length: 200 }, (_, i) => () => run(i)));
      expect(outputs).toEqual(Array.from({ length: 200 }, (_, i) => `in${i}:${i}\n`));
    });
  });

  it("a communicate() cancelled by waitFor leaves the process running and the pipes usable", async () => {
    await inLoop(async () => {
      // The child stops itself after the first line, so nothing can arrive during the timeout.
      const proc = track(
        await createSubprocessExec("sh", "-c", "echo first; kill -STOP $$; echo second", { stdin: PIPE, stdout: PIPE }),
      );
      expect(Buffer.from(await proc.stdout!.readline()).toString()).toBe("first\n");
      await expect(waitFor(() => proc.communicate(), 0.02)).rejects.toBeInstanceOf(TimeoutError);
      expect(proc.returncode).toBe(null);
      await expect(waitFor(() => proc.wait(), 0.01)).rejects.toBeInstanceOf(TimeoutError);
      expect(proc.returncode).toBe(null);
      proc.sendSignal(SIGCONT);
      const [stdout] = await proc.communicate();
      expect(stdout!.toString()).toBe("second\n");
      expect(proc.returncode).toBe(0);
    });
  });

  it("a wait() cancelled by waitFor leaves the pipes usable", async () => {
    await inLoop(async () => {
      const proc = track(await createSubprocessExec("sh", "-c", 'read x; echo "got $x"', { stdin: PIPE, stdout: PIPE }));
      await expect(waitFor(() => proc.wait(), 0.01)).rejects.toBeInstanceOf(TimeoutError);
      expect(proc.returncode).toBe(null);
      proc.stdin!.write(Buffer.from("hello\n"));
      expect(Buffer.from(await proc.stdout!.readline()).toString()).toBe("got hello\n");
      const [rest] = await proc.communicate();
      expect(rest!.length).toBe(0);
      expect(await proc.wait()).toBe(0);
    });
  });

  it("leaves no zombie and no open descriptor after 50 children", async () => {
    await inLoop(async () => {
      // One child first, so lazily created loop resources (signal pipes etc.) exist before counting.
      const warm = track(await createSubprocessExec("true", { stdin: PIPE, stdout: PIPE, stderr: PIPE }));
      await warm.communicate();
      await sleep(0.01);
      const before = countOpenFds();
      for (let batch = 0; batch < 5; batch++) {
        await gather(
          Array.from({ length: 10 }, (_, i) => async () => {
            const proc = track(
              await createSubprocessExec("sh", "-c", "cat; echo err >&2", { stdin: PIPE, stdout: PIPE, stderr: PIPE }),
            );
            const [stdout, stderr] = await proc.communicate(Buffer.from(`x${i}`));
            expect(stdout!.toString()).toBe(`x${i}`);
            expect(stderr!.toString()).toBe("err\n");
          }),
        );
      }
      await runUntil(() => countOpenFds() <= before, 200);
      expect(countOpenFds()).toBe(before);
      expect(zombieChildren()).toEqual([]);
    });
  });
});
