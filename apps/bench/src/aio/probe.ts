/**
 * Imports each @aio package named on the command line and prints, as one JSON line, either the names it
 * exports or why it could not be imported. The runner marks a workload pending when a package or name it
 * needs is missing (not built yet, or not written yet).
 */
const packages = JSON.parse(process.argv[2] ?? "[]") as string[];
const found: Record<string, { names: string[] } | { error: string }> = {};
for (const name of packages) {
  try {
    const module = (await import(name)) as Record<string, unknown>;
    found[name] = { names: Object.keys(module).filter((key) => module[key] !== undefined) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    found[name] = { error: message.split("\n")[0] ?? message };
  }
}
process.stdout.write(`${JSON.stringify(found)}\n`);
