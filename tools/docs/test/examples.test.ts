import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { docsDir, findPython, guideExamples, runPythonExample, runTypeScriptExample } from "./support/run-example.js";

const guides = ["asyncio-for-typescript.md", "porting-from-python.md"];
const python = findPython();

describe.each(guides)("%s", async (guide) => {
  const examples = await guideExamples(guide);

  it("embeds at least one example", () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  describe.each(examples)("$file", (example) => {
    it("shows the file's code exactly", async () => {
      expect(example.code).toBe(await readFile(join(docsDir, example.file), "utf8"));
    });

    if (example.file.endsWith(".ts")) {
      it("runs with Node and prints what the guide shows", async () => {
        expect(example.output, `${guide}: add a \`\`\`text block after ${example.file}`).not.toBeNull();
        const { stdout, stderr } = await runTypeScriptExample(example.file);
        expect(stderr).toBe("");
        expect(stdout).toBe(example.output);
      });
    } else {
      it.skipIf(python === null)(
        "runs with python3.13 and prints what the guide shows (skipped when python3.13 is absent)",
        async () => {
          expect(example.output, `${guide}: add a \`\`\`text block after ${example.file}`).not.toBeNull();
          const { stdout } = await runPythonExample(python as string, example.file);
          expect(stdout).toBe(example.output);
        },
      );
    }
  });
});

describe("docs/examples", () => {
  it("has every example file embedded in a guide", async () => {
    const files = (await readdir(join(docsDir, "examples"), { recursive: true }))
      .filter((name) => /\.(ts|py)$/.test(name))
      .map((name) => `examples/${name.replaceAll("\\", "/")}`)
      .sort();
    const embedded = (await Promise.all(guides.map(guideExamples))).flat().map((example) => example.file);
    expect(files.filter((file) => !embedded.includes(file))).toEqual([]);
  });

  it("pairs each Python program of the porting guide with a TypeScript port that prints the same", async () => {
    const examples = await guideExamples("porting-from-python.md");
    const byFile = new Map(examples.map((example) => [example.file, example.output]));
    const pythonFiles = examples.map((example) => example.file).filter((file) => file.endsWith(".py"));
    expect(pythonFiles).toHaveLength(3);
    for (const file of pythonFiles) {
      const port = file.replace(/\.py$/, ".ts");
      expect(byFile.has(port), `${file} has no TypeScript port ${port} in the guide`).toBe(true);
      expect(byFile.get(port), `${port} prints something else than ${file}`).toBe(byFile.get(file));
    }
  });
});
