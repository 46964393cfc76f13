import * as asyncio from "@aio/asyncio";

const { asyncWith, PIPE } = asyncio;

let running = 0;
let mostRunning = 0;

async function wordCount(limit: asyncio.Semaphore, text: string): Promise<number> {
  return asyncWith(limit, async () => { // at most two children at a time
    running += 1;
    mostRunning = Math.max(mostRunning, running);
    const proc = await asyncio.createSubprocessExec("wc", "-w", { stdin: PIPE, stdout: PIPE });
    const [stdout] = await proc.communicate(Buffer.from(text));
    running -= 1;
    return Number.parseInt(Buffer.from(stdout!).toString().trim(), 10);
  });
}

async function main(): Promise<void> {
  const texts = ["one", "two words", "now three words", "and then four words", "five words to end with"];
  const limit = new asyncio.Semaphore(2);
  const counts = await asyncio.gather(texts.map((text) => () => wordCount(limit, text)));
  console.log("counts:", counts.join(", "));
  console.log("most children at once:", mostRunning);

  const proc = await asyncio.createSubprocessShell("echo oops >&2; exit 3", { stderr: PIPE });
  const [, stderr] = await proc.communicate();
  console.log(`shell exited with ${proc.returncode}, stderr '${Buffer.from(stderr!).toString().trim()}'`);
}

await asyncio.run(main);
