import { newEventLoop } from "@aio/loop";
import { sleep, createTask } from "@aio/tasks";
const l2 = newEventLoop();
let count = 0;
const t0 = performance.now();
await l2.runUntilComplete(async () => {
  const ts = [];
  for (let i = 0; i < 1000; i++) ts.push(createTask(async () => { for (let j = 0; j < 1000; j++) { await sleep(0); count++; } }));
  for (const t of ts) await t;
});
const dt = (performance.now() - t0) / 1000;
console.log("W2", count, (count / dt / 1e6).toFixed(2) + "M/s");
