/**
 * The three programs of the pipeline, as `node -e` scripts: each reads its stdin and writes its
 * stdout with backpressure, like the Unix filters they stand for (`seq`, an `awk` that squares, and
 * a `wc -l` that also sums).
 */

/** Writes 1..N, one number a line (N = 0: forever). */
export const PRODUCER = String.raw`
const n = Number(process.argv[1]);
let i = 0;
const pump = () => {
  while (n === 0 || i < n) {
    let chunk = "";
    for (let k = 0; k < 1000 && (n === 0 || i < n); k++) chunk += ++i + "\n";
    if (!process.stdout.write(chunk)) return process.stdout.once("drain", pump);
  }
  process.stdout.end();
};
pump();
`;

/** Squares each number. */
export const TRANSFORMER = String.raw`
let rest = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  const lines = (rest + chunk).split("\n");
  rest = lines.pop();
  if (lines.length === 0) return;
  const out = lines.map((line) => String(BigInt(line) ** 2n)).join("\n") + "\n";
  if (!process.stdout.write(out)) {
    process.stdin.pause();
    process.stdout.once("drain", () => process.stdin.resume());
  }
});
process.stdin.on("end", () => {
  if (rest !== "") process.stdout.write(String(BigInt(rest) ** 2n) + "\n");
  process.stdout.end();
});
`;

/** Counts the lines and sums the numbers; prints `lines=N sum=S` at EOF. */
export const CONSUMER = String.raw`
let rest = "", lines = 0, sum = 0n;
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  const parts = (rest + chunk).split("\n");
  rest = parts.pop();
  for (const part of parts) { lines += 1; sum += BigInt(part); }
});
process.stdin.on("end", () => {
  if (rest !== "") { lines += 1; sum += BigInt(rest); }
  process.stdout.write("lines=" + lines + " sum=" + sum + "\n");
});
`;
