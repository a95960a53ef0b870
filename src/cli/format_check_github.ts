import { addressText, type CheckReport, failureText, summaryText } from "./check_report.ts";

/** The annotation title every line carries. */
const TITLE = "healthy-dns check";

/** Escapes a workflow command's message (GitHub's `escapeData`). */
function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** Escapes a workflow command's property value (GitHub's `escapeProperty`). */
function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/**
 * The report as GitHub Actions workflow commands: one `::error` per failing
 * name (its addresses and why, one per line of the annotation) and one
 * `::notice` per passing name, then the summary as a plain log line. With a
 * config file, the annotations are attached to it (`file=`), so a pull
 * request that changes it shows them there.
 */
export function formatCheckGithub(report: CheckReport): string[] {
  const file = report.config === null ? "" : `file=${escapeProperty(report.config)},`;
  const title = `${file}title=${escapeProperty(TITLE)}`;
  return [
    ...report.names.map((name) => {
      if (name.ok) {
        const healthy = `${name.healthy} of ${name.addresses.length} addresses healthy`;
        return `::notice ${title}::${escapeData(`${name.name} passes: ${healthy}`)}`;
      }
      const lines = [
        `${name.name} fails: ${failureText(report, name)}`,
        ...name.addresses.map(addressText),
      ];
      return `::error ${title}::${escapeData(lines.join("\n"))}`;
    }),
    summaryText(report),
  ];
}
