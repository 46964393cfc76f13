/**
 * `pnpm --filter @aio-apps/pipeline start [-- --lines 100000]` (`--lines 0` runs until Ctrl-C): runs
 * `producer | transformer | consumer` and prints what came out. Ctrl-C makes run() cancel the main
 * task, as Python's asyncio.run does; the pipeline kills its children, and the app exits with 130.
 */
import { parseArgs } from "node:util";
import { KeyboardInterrupt, getRunningLoop, isCancelledError } from "@aio/core";
import { currentTask, run } from "@aio/tasks";
import { runPipeline } from "./pipeline.js";

const { values } = parseArgs({ options: { lines: { type: "string", default: "100000" } } });

try {
  await run(async () => {
    // SIGTERM cancels the main task the way run() handles Ctrl-C.
    const main = currentTask();
    getRunningLoop().addSignalHandler("SIGTERM", () => main?.cancel());
    const result = await runPipeline({ lines: Number(values.lines) });
    console.log(`pumped ${result.pumped[0]} bytes producer -> transformer, ${result.pumped[1]} bytes transformer -> consumer`);
    console.log(`consumer: ${result.output}`);
    console.log(`exit codes: ${result.exitCodes.join(", ")}`);
  });
} catch (error) {
  if (error instanceof KeyboardInterrupt) {
    console.log("pipeline cancelled (Ctrl-C)");
    process.exitCode = 130; // 128 + SIGINT, as a shell reports it
  } else if (isCancelledError(error)) {
    console.log("pipeline cancelled (SIGTERM)");
    process.exitCode = 143;
  } else {
    throw error;
  }
}
