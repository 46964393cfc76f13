/**
 * From raw runs to what the report shows: the median of each implementation's runs per workload, and the
 * ratios of @aio to CPython 3.13 and to raw Node with BENCH.md's targets.
 */
import type { RunRecord } from "./execute.ts";
import { IMPLS, WORKLOADS } from "./workloads.ts";
import type { ImplName, Target, Workload } from "./workloads.ts";

export type CellStatus = "ok" | "failed" | "pending" | "absent" | "not run";

/** One implementation of one workload, over all its runs. */
export interface Cell {
  readonly status: CellStatus;
  /** Medians over the ok runs (only when status is ok). */
  readonly rate?: number;
  readonly late_ms?: number;
  readonly seconds?: number;
  readonly rss_mb?: number;
  readonly n?: number;
  readonly runs: number;
  readonly reason?: string;
}

export interface Ratio {
  readonly value: number | null;
  readonly target?: Target;
  /** Whether the target is met; undefined when there is no target or no value. */
  readonly met?: boolean;
  /** Why there is no value ("aio pending", "cpython absent"). */
  readonly note?: string;
}

export interface WorkloadSummary {
  readonly id: string;
  readonly unit: string;
  readonly lowerIsBetter: boolean;
  readonly cells: Readonly<Record<ImplName, Cell>>;
  readonly vsCpython: Ratio;
  readonly vsNode: Ratio;
  /**
   * Raw Node over CPython in the same run: the floor's own ratio. A library on Node is unlikely to
   * beat raw Node, so a CPython target above this figure is out of reach on this machine that day.
   */
  readonly nodeVsCpython: Ratio;
  /** W5 only: @aio's mean lateness over CPython's (lower is better). */
  readonly lateVsCpython?: Ratio;
  /** W5 only: raw Node's mean lateness over CPython's. */
  readonly lateNodeVsCpython?: Ratio;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function cellOf(records: readonly RunRecord[], absent: string | undefined): Cell {
  if (absent !== undefined) {
    return { status: "absent", runs: 0, reason: absent };
  }
  if (records.length === 0) {
    return { status: "not run", runs: 0 };
  }
  const failed = records.filter((record) => record.status === "failed");
  if (failed.length > 0) {
    return { status: "failed", runs: records.length, reason: [...new Set(failed.map((record) => record.reason ?? "failed"))].join(" / ") };
  }
  const pending = records.find((record) => record.status === "pending");
  if (pending !== undefined) {
    return { status: "pending", runs: records.length, reason: pending.reason ?? "pending" };
  }
  const results = records.flatMap((record) => (record.result === undefined ? [] : [record.result]));
  const lates = results.flatMap((result) => (result.late_ms === undefined ? [] : [result.late_ms]));
  const rss = results.flatMap((result) => (result.rss_mb === null ? [] : [result.rss_mb]));
  return {
    status: "ok",
    runs: results.length,
    rate: median(results.map((result) => result.rate)),
    seconds: median(results.map((result) => result.seconds)),
    n: results[0]?.n ?? 0,
    ...(lates.length > 0 ? { late_ms: median(lates) } : {}),
    ...(rss.length > 0 ? { rss_mb: median(rss) } : {}),
  };
}

function meets(value: number, target: Target): boolean {
  return (target.min === undefined || value >= target.min) && (target.max === undefined || value <= target.max);
}

function ratio(aio: number | undefined, reference: number | undefined, cells: [Cell, Cell], names: [string, string], target: Target | undefined): Ratio {
  const withTarget = target === undefined ? {} : { target };
  for (const [index, cell] of cells.entries()) {
    if (cell.status !== "ok") {
      return { value: null, ...withTarget, note: `${names[index] ?? ""} ${cell.status}` };
    }
  }
  if (aio === undefined || reference === undefined || reference === 0) {
    return { value: null, ...withTarget, note: "no figure" };
  }
  const value = aio / reference;
  return { value, ...withTarget, ...(target === undefined ? {} : { met: meets(value, target) }) };
}

function summarise(workload: Workload, records: readonly RunRecord[], absent: Readonly<Partial<Record<ImplName, string>>>): WorkloadSummary {
  const cells = Object.fromEntries(
    IMPLS.map((impl) => [impl, cellOf(records.filter((record) => record.workload === workload.id && record.impl === impl), absent[impl])]),
  ) as Record<ImplName, Cell>;
  const { aio, cpython, node } = cells;
  return {
    id: workload.id,
    unit: workload.unit,
    lowerIsBetter: workload.lowerIsBetter,
    cells,
    vsCpython: ratio(aio.rate, cpython.rate, [aio, cpython], ["aio", "cpython"], workload.targets.cpython),
    vsNode: ratio(aio.rate, node.rate, [aio, node], ["aio", "node"], workload.targets.node),
    nodeVsCpython: ratio(node.rate, cpython.rate, [node, cpython], ["node", "cpython"], undefined),
    ...(workload.id === "W5"
      ? {
          lateVsCpython: ratio(aio.late_ms, cpython.late_ms, [aio, cpython], ["aio", "cpython"], workload.targets.lateCpython),
          lateNodeVsCpython: ratio(node.late_ms, cpython.late_ms, [node, cpython], ["node", "cpython"], undefined),
        }
      : {}),
  };
}

/** Summaries of the workloads that were selected, in BENCH.md's order. */
export function summariseAll(selected: readonly string[], records: readonly RunRecord[], absent: Readonly<Partial<Record<ImplName, string>>>): WorkloadSummary[] {
  return WORKLOADS.filter((workload) => selected.includes(workload.id)).map((workload) => summarise(workload, records, absent));
}

/** 1234567 -> "1.23M", 45678 -> "45.7k", 412.3 -> "412"; bytes per task and MiB/s stay plain. */
export function formatNumber(value: number): string {
  const three = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  if (value >= 1e6) {
    return `${three(value / 1e6)}M`;
  }
  if (value >= 1e4) {
    return `${three(value / 1e3)}k`;
  }
  return three(value);
}

export function formatRatio(value: number): string {
  return value >= 10 ? `${value.toFixed(1)}x` : `${value.toFixed(2)}x`;
}

export function formatTarget(target: Target | undefined): string {
  if (target === undefined) {
    return "-";
  }
  if (target.min !== undefined) {
    return `>= ${target.min}x`;
  }
  return `<= ${target.max ?? 0}x`;
}

/** A cell as text: the median figure, or the status. */
export function formatCell(cell: Cell, late = false): string {
  if (cell.status !== "ok") {
    return cell.status === "failed" ? "FAILED" : cell.status;
  }
  if (late) {
    return cell.late_ms === undefined ? "-" : `${formatNumber(cell.late_ms)} ms`;
  }
  return formatNumber(cell.rate ?? 0);
}
