import { addressText, type CheckReport, failureText } from "./check_report.ts";

/** Characters XML 1.0 does not allow at all (a probe's detail text could carry them). */
// deno-lint-ignore no-control-regex -- exactly the control characters XML 1.0 forbids
const INVALID_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;

/** Escapes text for an XML attribute value or element content. */
function xml(text: string): string {
  return text.replace(INVALID_XML, "\uFFFD").replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&apos;").replaceAll(
      "\n",
      "&#10;",
    );
}

/** Whole milliseconds as JUnit seconds: `1234` → `1.234`. */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * The report as JUnit XML, the structure Jenkins, GitLab, Azure DevOps and
 * the common test-report actions read: one `<testsuites>` holding one
 * `<testsuite>` (the zone) with one `<testcase>` per health-checked name; a
 * failing name carries a `<failure>` listing every address and why.
 *
 * The counts add up (`tests` = cases, `failures` = cases with a failure,
 * `errors` 0) and so do the times: a case's time is the whole milliseconds
 * until its verdict (see `NameReport.timeMs`), and the suite's and the
 * root's `time` are the sum of their cases', as consumers that add the
 * cases up compute it. `timestamp` is the start, in UTC.
 */
export function formatCheckJunit(report: CheckReport): string {
  const cases = report.names.map((name) => ({ name, ms: Math.round(name.timeMs) }));
  const totalMs = cases.reduce((sum, item) => sum + item.ms, 0);
  const counts = `tests="${cases.length}" failures="${report.failed}" errors="0"`;
  const time = `time="${seconds(totalMs)}"`;
  const properties: readonly [string, string][] = [
    ["healthy-dns.version", report.version],
    ["healthy-dns.commit", report.commit ?? "from source"],
    ["healthy-dns.runtime", report.runtime],
    ["healthy-dns.target", report.target],
    ["require", report.require],
    ["rounds", String(report.rounds)],
    ["wait", report.waitMs === null ? "none" : `${report.waitMs}ms`],
  ];
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="healthy-dns check" ${counts} ${time}>`,
    `  <testsuite name="${xml(report.zone)}" ${counts} skipped="0" ${time} timestamp="${
      report.startedAt.slice(0, 19)
    }">`,
    `    <properties>`,
    ...properties.map(([name, value]) =>
      `      <property name="${xml(name)}" value="${xml(value)}"/>`
    ),
    `    </properties>`,
  ];
  for (const { name, ms } of cases) {
    const open = `    <testcase name="${xml(name.name)}" classname="${xml(report.zone)}" time="${
      seconds(ms)
    }"`;
    if (name.ok) {
      lines.push(`${open}/>`);
      continue;
    }
    const message = failureText(report, name);
    lines.push(
      `${open}>`,
      `      <failure message="${xml(`${name.name}: ${message}`)}" type="unhealthy">${
        name.addresses.map((address) => xml(addressText(address))).join("&#10;")
      }</failure>`,
      `    </testcase>`,
    );
  }
  lines.push(`  </testsuite>`, `</testsuites>`, "");
  return lines.join("\n");
}
