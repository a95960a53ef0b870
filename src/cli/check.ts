import type { Config } from "../config/config.ts";
import { endpointKey } from "../health/endpoint_key.ts";
import type { EndpointProbe } from "../health/probe_endpoints.ts";
import { runCheckCycle } from "../health/run_check_cycle.ts";
import type { Clock, Dialer } from "../runtime/runtime.ts";

/** One line of the report: one address of one health-checked name. */
interface CheckRow {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly healthy: boolean;
  /** Connect latency, or time until the failure, in milliseconds (1 decimal). */
  readonly ms: number;
  readonly reason: string | null;
  readonly detail: string | null;
}

/**
 * `healthy-dns check`: probes every health-checked endpoint once (no
 * hysteresis) and prints one row per (name, address), as an aligned table or,
 * with `json`, one JSON document `{ ok, durationMs, rows }`.
 *
 * @param out receives each output line (without newline); stdout in production.
 * @returns 0 when every health-checked name has at least one healthy address
 *   (or none is health-checked), 1 otherwise.
 */
export async function runCheck(
  config: Config,
  dialer: Dialer,
  clock: Clock,
  out: (line: string) => void,
  json: boolean,
): Promise<number> {
  const cycle = await runCheckCycle(config, dialer, clock);
  const rows = checkRows(config, cycle.probes);
  const names = [...new Set(rows.map((row) => row.name))];
  const down = names.filter((name) => !rows.some((row) => row.name === name && row.healthy));
  const durationMs = round(cycle.durationMs);
  if (json) {
    out(JSON.stringify({ ok: down.length === 0, durationMs, rows }, null, 2));
  } else {
    printTable(rows, out);
    out(
      `${
        names.length - down.length
      } of ${names.length} health-checked names have a healthy address; ` +
        `${rows.length} rows, cycle took ${durationMs} ms` +
        (down.length > 0 ? `; no healthy address: ${down.join(", ")}` : ""),
    );
  }
  return down.length === 0 ? 0 : 1;
}

/** Rows in config order; names are shown under the hosted zone. */
function checkRows(config: Config, probes: readonly EndpointProbe[]): CheckRow[] {
  const results = new Map(probes.map((probe) => [probe.endpoint.key, probe.result]));
  const rows: CheckRow[] = [];
  for (const record of config.records) {
    if (record.check === null) continue;
    const { port } = record.check;
    for (const address of record.addresses) {
      const result = results.get(endpointKey(address, port));
      if (result === undefined) {
        throw new Error(`check: no probe result for ${address} port ${port}`);
      }
      rows.push({
        name: `${record.name}.${config.hostedZone}`,
        address,
        port,
        healthy: result.ok,
        ms: round(result.ms),
        reason: result.ok ? null : result.reason,
        detail: result.ok ? null : result.detail,
      });
    }
  }
  return rows;
}

function printTable(rows: readonly CheckRow[], out: (line: string) => void): void {
  const cells = [
    ["NAME", "ADDRESS", "PORT", "STATE", "RESULT"],
    ...rows.map((row) => [
      row.name,
      row.address,
      String(row.port),
      row.healthy ? "healthy" : "unhealthy",
      row.healthy ? `${row.ms} ms` : `${row.reason} after ${row.ms} ms`,
    ]),
  ];
  const widths = cells[0].map((_, column) => Math.max(...cells.map((line) => line[column].length)));
  for (const line of cells) {
    out(line.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd());
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
