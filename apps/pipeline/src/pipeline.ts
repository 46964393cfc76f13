/**
 * `producer | transformer | consumer` with three child processes: this process pumps each stage's
 * stdout into the next one's stdin (with `drain()` for backpressure), in tasks of a TaskGroup. If
 * the pipeline is cancelled, the children still running are killed and waited for, so none is left
 * behind. Python counterpart: asyncio.create_subprocess_exec with PIPE and a pump coroutine per pair.
 */
import { ProcessLookupError, asyncWith } from "@aio/core";
import { PIPE, createSubprocessExec } from "@aio/subprocess";
import type { Process } from "@aio/subprocess";
import { TaskGroup, gather } from "@aio/tasks";
import { CONSUMER, PRODUCER, TRANSFORMER } from "./stages.js";

type Reader = NonNullable<Process["stdout"]>;
type Writer = NonNullable<Process["stdin"]>;

/** What a finished pipeline did. */
export interface PipelineResult {
  /** The consumer's output. */
  output: string;
  /** Bytes pumped producer → transformer and transformer → consumer. */
  pumped: [number, number];
  /** Exit codes of the producer, transformer and consumer. */
  exitCodes: number[];
}

/** Options of {@link runPipeline}. */
export interface PipelineOptions {
  /** How many numbers the producer writes (0: until cancelled). */
  lines: number;
  /** Called once the three children run, with their pids. */
  onStarted?: (pids: number[]) => void;
  /** Where the log lines go (default console.log). */
  log?: (line: string) => void;
}

/** Copies `reader` to `writer` until EOF, then closes the writer; returns the byte count. */
async function pump(reader: Reader, writer: Writer): Promise<number> {
  let bytes = 0;
  for (;;) {
    const chunk = await reader.read(64 * 1024);
    if (chunk.length === 0) break;
    writer.write(chunk);
    await writer.drain(); // waits while the next stage is behind: backpressure across processes
    bytes += chunk.length;
  }
  writer.close(); // the next stage sees EOF
  await writer.waitClosed();
  return bytes;
}

/** SIGKILLs `process` unless it has exited meanwhile. */
function kill(process: Process): void {
  try {
    process.kill();
  } catch (error) {
    // It exited between the returncode check and the kill: nothing to do.
    if (!(error instanceof ProcessLookupError)) throw error;
  }
}

/** Runs the pipeline to the end (or until cancelled, killing the children). */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const { lines, onStarted = () => undefined, log = console.log } = options;
  const node = process.execPath;
  const children: { name: string; process: Process }[] = [];
  try {
    const producer = await createSubprocessExec(node, "-e", PRODUCER, String(lines), { stdout: PIPE });
    children.push({ name: "producer", process: producer });
    const transformer = await createSubprocessExec(node, "-e", TRANSFORMER, { stdin: PIPE, stdout: PIPE });
    children.push({ name: "transformer", process: transformer });
    const consumer = await createSubprocessExec(node, "-e", CONSUMER, { stdin: PIPE, stdout: PIPE });
    children.push({ name: "consumer", process: consumer });
    log(`started: ${children.map(({ name, process }) => `${name} (pid ${process.pid})`).join(" | ")}`);
    onStarted(children.map(({ process }) => process.pid));

    const [first, second, output] = await asyncWith(new TaskGroup(), async (tg) => {
      const tasks = [
        tg.createTask(() => pump(producer.stdout as Reader, transformer.stdin as Writer)),
        tg.createTask(() => pump(transformer.stdout as Reader, consumer.stdin as Writer)),
        tg.createTask(() => (consumer.stdout as Reader).read()),
      ] as const;
      return [await tasks[0], await tasks[1], await tasks[2]] as const;
    });
    const exitCodes = await gather(children.map(({ process }) => () => process.wait()));
    return { output: output.toString().trim(), pumped: [first, second], exitCodes };
  } finally {
    // Reached with children running only if something failed or we were cancelled (Ctrl-C).
    const running = children.filter(({ process }) => process.returncode === null);
    for (const { process } of running) kill(process);
    // Waiting reaps them: no zombies. A cancel already landed, so these awaits run to the end.
    const codes = await gather(running.map(({ process }) => () => process.wait()));
    if (running.length > 0) {
      log(`killed: ${running.map(({ name, process }, i) => `${name} (pid ${process.pid}, returncode ${codes[i]})`).join(", ")}`);
    }
  }
}
