/**
 * The tests of CPython 3.13 Lib/test/test_asyncio/test_subprocess.py (SubprocessMixin,
 * GenericWatcherTests) and test_streams.py (a StreamReader on a pipe a child writes to) not
 * ported elsewhere in this package. CPython's child watchers, its mocked `Popen` and threads
 * sharing a loop have no counterpart here: each test keeps the scenario a user can observe,
 * with real children, a FIFO in a temporary directory in place of `os.pipe()`, and a missing
 * program in place of a `Popen` that raises.
 */
import { execFileSync } from "node:child_process";
import { closeSync, constants as fsConstants, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { FileNotFoundError } from "@aio/core";
import type { AbstractEventLoop, ExceptionContext } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import { StreamReader, StreamReaderProtocol } from "@aio/streams";
import { run } from "@aio/tasks";
import { PIPE, connectReadPipe, createSubprocessExec } from "@aio/subprocess";
import type { Process } from "@aio/subprocess";
import { countOpenFds, inLoop, liveChildren, runUntil, zombieChildren } from "./support/loop.js";
import { processTracker } from "./support/processes.js";

/** CPython's PROGRAM_CAT. */
const PROGRAM_CAT = ["cat"] as const;
/** A program that cannot be started: spawning it fails with ENOENT after the pipes were made. */
const MISSING_PROGRAM = "/nonexistent/aio-remaining-program";

/** Processes a test started, killed at the end if still running. */
const track = processTracker();

/** Kills and reaps `proc` if the test left it running. */
async function reap(proc: Process): Promise<void> {
  if (proc.returncode === null) {
    proc.kill();
    await proc.wait();
  }
}

/** Records every exception-handler call of `loop` (Python's `loop.set_exception_handler(messages.append)`). */
function captureExceptions(loop: AbstractEventLoop): ExceptionContext[] {
  const calls: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    calls.push(context);
  });
  return calls;
}

/** Records Node's process warnings until the test finishes (Python's `warnings.catch_warnings(record=True)`). */
function captureWarnings(): Error[] {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };
  process.on("warning", onWarning);
  onTestFinished(() => {
    process.off("warning", onWarning);
  });
  return warnings;
}

/**
 * A FIFO in a fresh temporary directory (removed when the test finishes), opened at both ends:
 * the read end (for a transport, which owns it from then on) and a `closeWriter()` that closes the
 * write end once (again when the test finishes, if the test did not).
 */
function openFifo(): { readFd: number; writeFd: number; closeWriter: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "aio-subprocess-remaining-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const fifo = join(dir, "fifo");
  execFileSync("mkfifo", [fifo]);
  // The read end first, non-blocking, so that opening the write end does not wait for a reader.
  const readFd = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  const writeFd = openSync(fifo, fsConstants.O_WRONLY);
  let open = true;
  const closeWriter = (): void => {
    // Only once: the number may belong to another descriptor after the first close.
    if (open) closeSync(writeFd);
    open = false;
  };
  onTestFinished(closeWriter);
  return { readFd, writeFd, closeWriter };
}

/**
 * CPython SubprocessMixin._test_popen_error: a creation that fails raises its error and leaves
 * nothing behind (no warning, no exception-handler call, no descriptor, no child).
 */
async function expectFailedCreationLeavesNothing(loop: AbstractEventLoop, stdin: typeof PIPE | null): Promise<void> {
  const messages = captureExceptions(loop);
  const warnings = captureWarnings();
  // One child first, so that lazily created resources (signal handling, pipes' handles) exist before counting.
  const warm = track(await createSubprocessExec("true", { stdin }));
  await warm.communicate();
  await warm.wait();
  const before = countOpenFds();

  const error = await createSubprocessExec(MISSING_PROGRAM, "-c", "pass", { stdin }).then(
    (proc) => {
      track(proc);
      return null;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileNotFoundError);
  expect((error as FileNotFoundError).errno).toBe(2);
  expect((error as Error).message).toBe(`[Errno 2] No such file or directory: '${MISSING_PROGRAM}'`);

  // Closing the failed creation's pipes may take a turn of Node's loop; the bound is on iterations.
  await runUntil(() => countOpenFds() <= before, 500);
  expect(countOpenFds()).toBe(before);
  expect(liveChildren()).toEqual([]);
  expect(zombieChildren()).toEqual([]);
  expect(messages).toEqual([]);
  expect(warnings).toEqual([]);
}

describe("createSubprocessExec", () => {
  // Run by SubprocessThreadedWatcherTests, SubprocessSafeWatcherTests, SubprocessFastWatcherTests
  // and SubprocessPidfdWatcherTests (one port: there are no child watchers here).
  // mirrors test_subprocess.py::test_popen_error
  it("a creation that fails raises its error and leaves no descriptor, child or warning", async () => {
    await inLoop(async (loop) => {
      await expectFailedCreationLeavesNothing(loop, null);
    });
  });

  // Run by SubprocessThreadedWatcherTests, SubprocessSafeWatcherTests, SubprocessFastWatcherTests
  // and SubprocessPidfdWatcherTests (one port: there are no child watchers here).
  // mirrors test_subprocess.py::test_popen_error_with_stdin_pipe
  it("a creation that fails with stdin=PIPE closes the pipe it made", async () => {
    await inLoop(async (loop) => {
      await expectFailedCreationLeavesNothing(loop, PIPE);
    });
  });

  // CPython runs asyncio.run() in a second thread with a PidfdChildWatcher; JS cannot share a
  // loop's callbacks with another thread, so this keeps the rest: a Runner whose loop factory
  // set no current loop starts a child, and communicate() round-trips through it.
  // mirrors test_subprocess.py::GenericWatcherTests::test_create_subprocess_with_pidfd
  it("runs a child under run() with a loop factory", async () => {
    const [returncode, stdout] = await run(
      async () => {
        const proc = track(await createSubprocessExec(...PROGRAM_CAT, { stdin: PIPE, stdout: PIPE }));
        try {
          const [out] = await proc.communicate(Buffer.from("some data"));
          return [proc.returncode, out] as const;
        } finally {
          await reap(proc);
        }
      },
      { loopFactory: newEventLoop },
    );
    expect(returncode).toBe(0);
    expect(stdout).toEqual(Buffer.from("some data"));
  });
});

describe("connectReadPipe", () => {
  // CPython passes the write end to the child with pass_fds (not available here, see the README);
  // the child gets it as its stdout instead, and the reader's limit (1) is still far below the
  // data, so the transport is paused and resumed while it reads.
  // mirrors test_streams.py::test_read_all_from_pipe_reader
  it("a StreamReader with limit 1 on a pipe reads all a child wrote to it", async () => {
    await inLoop(async (loop) => {
      const { readFd, writeFd, closeWriter } = openFifo();
      const reader = new StreamReader({ limit: 1, loop });
      const protocol = new StreamReaderProtocol(reader, null, loop);
      const [transport] = await connectReadPipe(loop, () => protocol, readFd);
      try {
        const proc = track(await createSubprocessExec("sh", "-c", "printf data", { stdout: writeFd }));
        try {
          expect(await proc.wait()).toBe(0);
        } finally {
          await reap(proc);
        }
        closeWriter();
        expect(await reader.read(-1)).toEqual(Buffer.from("data"));
        expect(reader.atEof()).toBe(true);
      } finally {
        transport.close();
      }
    });
  });
});
