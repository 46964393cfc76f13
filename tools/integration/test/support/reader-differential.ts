/**
 * Random StreamReader programs for differential testing against CPython 3.13: one task feeds
 * random chunks (a few bytes of "ab\nxz", with sleep(0) between some of them) and then EOF or an
 * exception; another reads with random read / readline / readexactly / readuntil (one or several
 * separators) / at_eof calls, under a random limit. Every result, error (with its `partial`,
 * `expected`, `consumed` and message) and the reader's repr are traced; the order is decided by
 * sleep(0) alone, so CPython's trace is deterministic.
 */
import { IncompleteReadError, LimitOverrunError } from "@aio/core";
import { StreamReader } from "@aio/streams";
import { createTask, gather, run, sleep } from "@aio/tasks";
import { pyBytes, seededRandom } from "@aio-tools/test-support";
import type { DifferentialSuite } from "./differential-suite.ts";
import { B } from "./parity.ts";

/** The program's own `ValueError('boom')` (a RangeError would show as RangeError in the repr). */
class ValueError extends Error {
  override name = "ValueError";
}

export type Feed = { k: "data"; text: string } | { k: "yield" };
export type Read =
  | { k: "read"; n: number }
  | { k: "readline" }
  | { k: "readexactly"; n: number }
  | { k: "readuntil"; seps: string[]; tuple: boolean }
  | { k: "ateof" }
  | { k: "yield" };

export interface ReaderProgram {
  readonly seed: number;
  readonly limit: number;
  readonly feeds: readonly Feed[];
  /** How the feeding ends: EOF, or set_exception(ValueError("boom")). */
  readonly end: "eof" | "exc";
  readonly reads: readonly Read[];
  /** Whether the reader ends by iterating the remaining lines (`async for`). */
  readonly iterate: boolean;
}

const ALPHABET = "ab\nxz";
const SEPARATORS = ["\n", "ab", "zz", "x", "b\n", "\nx"];

function generateReader(seed: number): ReaderProgram {
  const random = seededRandom(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const limit = [3, 5, 8, 16, 65536][int(5)] as number;
  const feeds: Feed[] = [];
  for (let i = 0, count = 1 + int(10); i < count; i++) {
    if (random() < 0.35) feeds.push({ k: "yield" });
    let text = "";
    for (let c = 0, length = int(13); c < length; c++) text += ALPHABET[int(ALPHABET.length)] as string;
    feeds.push({ k: "data", text });
  }
  const reads: Read[] = [];
  for (let i = 0, count = 1 + int(10); i < count; i++) {
    const roll = int(9);
    if (roll === 0) reads.push({ k: "read", n: [-1, 0, 1, 3, 10][int(5)] as number });
    else if (roll === 1) reads.push({ k: "read", n: 1 + int(6) });
    else if (roll === 2) reads.push({ k: "readline" });
    else if (roll === 3) reads.push({ k: "readexactly", n: int(12) });
    else if (roll === 4 || roll === 5) {
      const seps = [SEPARATORS[int(SEPARATORS.length)] as string];
      const tuple = random() < 0.4;
      if (tuple && random() < 0.7) seps.push(SEPARATORS[int(SEPARATORS.length)] as string);
      reads.push({ k: "readuntil", seps, tuple });
    } else if (roll === 6) reads.push({ k: "ateof" });
    else reads.push({ k: "yield" });
  }
  return { seed, limit, feeds, end: random() < 0.8 ? "eof" : "exc", reads, iterate: random() < 0.3 };
}

// ------------------------------------------------------------------------------------ Python

/** A Python bytes literal for text over ALPHABET. */
function pyLiteral(text: string): string {
  return `b'${text.replace(/\n/g, "\\n")}'`;
}

function pyRead(read: Read): string {
  switch (read.k) {
    case "read":
      return `await reader.read(${read.n})`;
    case "readline":
      return "await reader.readline()";
    case "readexactly":
      return `await reader.readexactly(${read.n})`;
    case "readuntil":
      return `await reader.readuntil(${read.tuple ? `(${read.seps.map(pyLiteral).join(", ")},)` : pyLiteral(read.seps[0] as string)})`;
    case "ateof":
      return "reader.at_eof()";
    case "yield":
      return "await asyncio.sleep(0)";
  }
}

function readerToPython(program: ReaderProgram): string {
  const lines = [
    `async def reader_${program.seed}(log):`,
    `    reader = asyncio.StreamReader(limit=${program.limit})`,
    `    async def feeder():`,
    ...program.feeds.map((feed) => (feed.k === "yield" ? "        await asyncio.sleep(0)" : `        reader.feed_data(${pyLiteral(feed.text)})`)),
    // set_exception() right after a feed_data() that woke the reader would strand a readuntil():
    // CPython checks the exception only on entry, and the woken read waits again. A sleep(0)
    // first lets the reader wait again before the exception arrives.
    program.end === "eof" ? "        reader.feed_eof()" : "        await asyncio.sleep(0)\n        reader.set_exception(ValueError('boom'))",
    `        log("fed")`,
    `    async def consumer():`,
  ];
  program.reads.forEach((read, j) => {
    lines.push(
      `        try:`,
      `            r = ${pyRead(read)}`,
      `            log(f"${j} {r!r}")`,
      `        except Exception as e:`,
      `            log(f"${j} {show_error(e)}")`,
    );
  });
  if (program.iterate) {
    lines.push(
      `        try:`,
      `            async for line in reader:`,
      `                log(f"line {line!r}")`,
      `        except Exception as e:`,
      `            log(f"iterate {show_error(e)}")`,
    );
  }
  lines.push(`        log(f"end {reader.at_eof()} {reader!r}")`, `    await asyncio.gather(feeder(), consumer())`, "");
  return lines.join("\n");
}

const PYTHON_HELPERS = [
  "def show_error(e):",
  "    if isinstance(e, asyncio.IncompleteReadError):",
  "        return f'IncompleteReadError partial={e.partial!r} expected={e.expected} {e}'",
  "    if isinstance(e, asyncio.LimitOverrunError):",
  "        return f'LimitOverrunError consumed={e.consumed} {e}'",
  "    return f'{type(e).__name__} {e}'",
];

// ------------------------------------------------------------------------------------ @aio

function showError(error: unknown): string {
  if (error instanceof IncompleteReadError) {
    return `IncompleteReadError partial=${pyBytes(error.partial)} expected=${error.expected === null ? "None" : error.expected} ${error.message}`;
  }
  if (error instanceof LimitOverrunError) return `LimitOverrunError consumed=${error.consumed} ${error.message}`;
  if (error instanceof RangeError) return `ValueError ${error.message}`;
  if (error instanceof Error) return `${error.name} ${error.message}`;
  return String(error);
}

async function runRead(reader: StreamReader, read: Read): Promise<string> {
  switch (read.k) {
    case "read":
      return pyBytes(await reader.read(read.n));
    case "readline":
      return pyBytes(await reader.readline());
    case "readexactly":
      return pyBytes(await reader.readexactly(read.n));
    case "readuntil":
      return pyBytes(await reader.readuntil(read.tuple ? read.seps : (read.seps[0])));
    case "ateof":
      return B(reader.atEof());
    case "yield":
      await sleep(0);
      return "None";
  }
}

async function runReaderOnAio(program: ReaderProgram): Promise<string[]> {
  const trace: string[] = [];
  const log = (line: string): void => {
    trace.push(line);
  };
  await run(async () => {
    const reader = new StreamReader({ limit: program.limit });
    const feeder = async (): Promise<void> => {
      for (const feed of program.feeds) {
        if (feed.k === "yield") await sleep(0);
        else reader.feedData(Buffer.from(feed.text, "latin1"));
      }
      if (program.end === "eof") {
        reader.feedEof();
      } else {
        await sleep(0);
        reader.setException(new ValueError("boom"));
      }
      log("fed");
    };
    const consumer = async (): Promise<void> => {
      for (const [j, read] of program.reads.entries()) {
        try {
          log(`${j} ${await runRead(reader, read)}`);
        } catch (error) {
          log(`${j} ${showError(error)}`);
        }
      }
      if (program.iterate) {
        try {
          for await (const line of reader) log(`line ${pyBytes(line)}`);
        } catch (error) {
          log(`iterate ${showError(error)}`);
        }
      }
      log(`end ${B(reader.atEof())} ${reader.toString()}`);
    };
    await gather(createTask(feeder), createTask(consumer));
  });
  return trace;
}

/** StreamReader reads against random feeds (fixtures/reader-differential.json). */
export const readerSuite: DifferentialSuite<ReaderProgram> = {
  fixture: "reader-differential.json",
  generate: generateReader,
  pythonHelpers: PYTHON_HELPERS,
  toPython: readerToPython,
  pythonCall: (seed) => `asyncio.run(reader_${seed}(log.append))`,
  runOnAio: runReaderOnAio,
};
