import { type CheckReport, probeText, summaryText } from "./check_report.ts";

/**
 * The report as an aligned table, one row per (name, address), then the
 * summary line: what `check` prints on stdout by default.
 */
export function formatCheckTable(report: CheckReport): string[] {
  const cells = [
    ["NAME", "ADDRESS", "PORT", "STATE", "RESULT"],
    ...report.names.flatMap((name) =>
      name.addresses.map((address) => [
        name.name,
        address.address,
        String(address.port),
        address.healthy ? "healthy" : "unhealthy",
        probeText(address),
      ])
    ),
  ];
  const widths = cells[0].map((_, column) => Math.max(...cells.map((line) => line[column].length)));
  return [
    ...cells.map((line) =>
      line.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd()
    ),
    summaryText(report),
  ];
}
