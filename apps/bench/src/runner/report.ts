/** The three textual outputs of a bench run: the terminal table, results/latest.md, and the notes under both. */
import type { Cell, Ratio, WorkloadSummary } from "./summary.ts";
import { formatCell, formatRatio, formatTarget } from "./summary.ts";
import { IMPLS } from "./workloads.ts";
import type { ImplName } from "./workloads.ts";

/** Machine and run facts written with every report. */
export interface Machine {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memory_gib: number;
  readonly os: string;
  readonly node: string;
  readonly cpython: string;
  readonly uvloop: string;
  readonly commit: string;
  readonly loadavg: readonly number[];
  /** The lowest and highest 1-minute load average seen at the start of a run (filled in at the end). */
  readonly load_during?: readonly [number, number];
}

export interface RunConfig {
  readonly quick: boolean;
  readonly runs: number;
  readonly warmup: boolean;
  readonly workloads: readonly string[];
  readonly impls: readonly ImplName[];
}

const HEAD = ["id", "unit", "aio", "CPython 3.13", "3.11+uvloop", "raw Node", "aio/CPython", "target", "aio/Node", "target", "Node/CPython"];

interface Row {
  readonly id: string;
  readonly unit: string;
  readonly cells: readonly string[];
  readonly vsCpython: Ratio;
  readonly vsNode?: Ratio;
  readonly nodeVsCpython?: Ratio;
}

function rowsOf(summaries: readonly WorkloadSummary[]): Row[] {
  const rows: Row[] = [];
  for (const summary of summaries) {
    const unit = summary.lowerIsBetter ? `${summary.unit} (lower is better)` : summary.unit;
    rows.push({
      id: summary.id,
      unit,
      cells: IMPLS.map((impl) => formatCell(summary.cells[impl])),
      vsCpython: summary.vsCpython,
      vsNode: summary.vsNode,
      nodeVsCpython: summary.nodeVsCpython,
    });
    if (summary.lateVsCpython !== undefined) {
      rows.push({
        id: `${summary.id} late`,
        unit: "mean ms late (lower is better)",
        cells: IMPLS.map((impl) => formatCell(summary.cells[impl], true)),
        vsCpython: summary.lateVsCpython,
        ...(summary.lateNodeVsCpython === undefined ? {} : { nodeVsCpython: summary.lateNodeVsCpython }),
      });
    }
  }
  return rows;
}

function ratioText(ratio: Ratio | undefined, marks: [string, string]): string {
  if (ratio === undefined || ratio.value === null) {
    return "-";
  }
  const mark = ratio.met === undefined ? "" : ` ${ratio.met ? marks[0] : marks[1]}`;
  return `${formatRatio(ratio.value)}${mark}`;
}

function targetText(ratio: Ratio | undefined): string {
  return formatTarget(ratio?.target);
}

function table(summaries: readonly WorkloadSummary[], marks: [string, string]): string[][] {
  return rowsOf(summaries).map((row) => [
    row.id,
    row.unit,
    ...row.cells,
    ratioText(row.vsCpython, marks),
    targetText(row.vsCpython),
    ratioText(row.vsNode, marks),
    targetText(row.vsNode),
    ratioText(row.nodeVsCpython, marks),
  ]);
}

/** Failed, pending and absent cells, one line each (shared by the terminal and the Markdown). */
export function notes(summaries: readonly WorkloadSummary[], absent: Readonly<Partial<Record<ImplName, string>>>): string[] {
  const lines: string[] = [];
  for (const [impl, reason] of Object.entries(absent)) {
    lines.push(`${impl} absent: ${reason}`);
  }
  for (const summary of summaries) {
    for (const impl of IMPLS) {
      const cell: Cell = summary.cells[impl];
      if (cell.status === "failed" || cell.status === "pending") {
        lines.push(`${summary.id} ${impl} ${cell.status === "failed" ? "FAILED" : "pending"}: ${cell.reason ?? ""}`);
      }
    }
  }
  return lines;
}

/** The terminal table, columns padded. */
export function terminalTable(summaries: readonly WorkloadSummary[]): string {
  const rows = [HEAD, ...table(summaries, ["ok", "MISS"])];
  const widths = HEAD.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const render = (row: readonly string[]): string =>
    row.map((text, column) => (column < 2 ? text.padEnd(widths[column] ?? 0) : text.padStart(widths[column] ?? 0))).join("  ");
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [render(HEAD), rule, ...rows.slice(1).map(render)].join("\n");
}

/** results/latest.md. */
export function markdown(summaries: readonly WorkloadSummary[], machine: Machine, config: RunConfig, absent: Readonly<Partial<Record<ImplName, string>>>): string {
  const escape = (text: string): string => text.replace(/\|/g, "\\|");
  const rows = table(summaries, ["✓", "✗"]);
  const out = [
    "# @aio benchmark results",
    "",
    `Generated ${machine.date} by \`pnpm --filter @aio-apps/bench bench${config.quick ? " --quick" : ""}\`: ` +
      `${config.runs} run(s) of each process, medians shown${config.quick ? "; **quick sizes, a smoke test, not figures to quote**" : ""}.`,
    "",
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory_gib} GiB, ${machine.os}; 1-minute load average ` +
      `${machine.load_during === undefined ? machine.loadavg[0]?.toFixed(2) ?? "?" : `from ${machine.load_during[0].toFixed(1)} to ${machine.load_during[1].toFixed(1)}`} during the runs` +
      ` (with ${machine.cores} cores, a load above ${machine.cores} means the figures were taken on a busy machine).`,
    `Node ${machine.node} (aio and raw Node); CPython ${machine.cpython}; uvloop: ${machine.uvloop}. Commit ${machine.commit}.`,
    "",
    "Ratios are @aio's median over the reference's median from this same run (BENCH.md: never compare absolute",
    "figures across runs). Higher is better, except W8 (bytes per parked task) and W5 late (mean lateness),",
    "where @aio's figure over the reference's should be at most the target. ✓ meets BENCH.md's target, ✗ misses it.",
    "Node/CPython is raw Node's median over CPython's in the same run: the floor's own ratio, so an aio/CPython",
    "target above it asks @aio to beat raw Node.",
    "",
    `| ${HEAD.join(" | ")} |`,
    `| ${HEAD.map((_, column) => (column < 2 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(escape).join(" | ")} |`),
    "",
  ];
  const extra = notes(summaries, absent);
  if (extra.length > 0) {
    out.push("## Notes", "", ...extra.map((line) => `- ${escape(line)}`), "");
  }
  out.push("![ratios of @aio to CPython 3.13 and raw Node, with targets](latest.svg)", "");
  return out.join("\n");
}
