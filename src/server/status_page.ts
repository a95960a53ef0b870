import type { AddressStatus, NameStatus, ServerStatus } from "./status.ts";

/** Escapes text for HTML element content and double-quoted attributes. */
function html(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** How often the page reloads itself: the check interval, between 1 and 10 seconds. */
function refreshSeconds(status: ServerStatus): number {
  return Math.min(10, Math.max(1, Math.round(status.health.intervalMs / 1000)));
}

/** "3 s ago", "2 min ago": how long before `now` an ISO time was. */
function ago(isoTime: string | null, now: number): string {
  if (isoTime === null) return "";
  const seconds = Math.max(0, Math.round((now - Date.parse(isoTime)) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/** Probe failure reasons in words; the system's message stays in the cell's tooltip. */
const REASON_TEXT: Readonly<Record<string, string>> = {
  refused: "connection refused",
  timeout: "timed out",
  unreachable: "no route to the address",
};

/**
 * The last probe in one clean phrase: "ok", "connection refused", or for an
 * other error the system's message without its repeated errno prefix
 * (`EPIPE: write EPIPE` → `write EPIPE`).
 */
function lastProbe(address: AddressStatus): string {
  const probe = address.lastProbe;
  if (probe === null) return "";
  if (probe.ok) return "ok";
  const known = REASON_TEXT[probe.reason ?? ""];
  if (known !== undefined || !probe.detail) return known ?? probe.reason ?? "failed";
  return probe.detail.replace(/^([A-Z][A-Z0-9_]+): (?=.*\b\1\b)/, "");
}

/**
 * The state as it acts: an override shows `drained` or `forced up` (in its
 * own colour), the probe's verdict after it; else the probe state.
 */
function shownState(address: AddressStatus): { text: string; kind: string } {
  const o = address.override;
  if (o === null) return { text: address.state, kind: address.state };
  const [text, kind] = o.state === "down" ? ["drained", "drained"] : ["forced up", "forced"];
  return { text: `${text} (probe: ${address.state})`, kind };
}

/** "down for every name until 2026-12-02T18:00:00.000Z (kernel upgrade)", or "". */
function overrideText(address: AddressStatus): string {
  const o = address.override;
  if (o === null) return "";
  return [
    o.state,
    o.name === null ? "for every name" : `for ${o.name} only`,
    o.until === null ? "" : `until ${o.until}`,
    o.reason === null ? "" : `(${o.reason})`,
  ].filter((part) => part !== "").join(" ");
}

function counters(address: AddressStatus, status: ServerStatus): string {
  if (address.state === "static") return "";
  return address.state === "healthy"
    ? `${address.failures}/${status.health.fall} to fall`
    : `${address.successes}/${status.health.rise} to rise`;
}

function rows(name: NameStatus, status: ServerStatus, now: number): string {
  const check = name.check === null ? "static" : `TCP ${name.check.port}`;
  return name.addresses.map((address, index) => {
    const state = shownState(address);
    const cells = [
      index === 0
        ? `<th scope="row" rowspan="${name.addresses.length}">${html(name.fqdn)}</th>`
        : "",
      `<td class="address">${html(address.address)}</td>`,
      `<td>${html(check)}</td>`,
      `<td class="state ${html(state.kind)}">${html(state.text)}</td>`,
      `<td title="${html(address.since ?? "")}">${html(ago(address.since, now))}</td>`,
      `<td class="probe" title="${html(address.lastProbe?.detail ?? "")}">${
        html(lastProbe(address))
      }</td>`,
      `<td class="num">${address.lastProbe === null ? "" : html(address.lastProbe.ms)}</td>`,
      `<td>${html(counters(address, status))}</td>`,
      `<td class="override">${html(overrideText(address))}</td>`,
      `<td class="served">${address.served ? "yes" : "no"}</td>`,
    ];
    return `<tr class="${html(address.state)}" data-name="${html(name.fqdn)}" data-address="${
      html(address.address)
    }" data-state="${html(address.state)}">${cells.join("")}</tr>`;
  }).join("\n");
}

/**
 * The status page served at `/`: one self-contained HTML document (inline
 * CSS, no script, no external asset) with the /status report as a table,
 * reloading itself every check interval (1 to 10 s).
 */
export function statusPage(status: ServerStatus): string {
  const now = Date.parse(status.generatedAt);
  const body = status.names.map((name) => rows(name, status, now)).join("\n");
  const served = status.names.reduce((sum, name) => sum + (name.serving.length > 0 ? 1 : 0), 0);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${refreshSeconds(status)}">
<title>healthy-dns: ${html(status.zones[0])}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fff; }
h1 { font-size: 1.3em; margin: 0 0 .3em; }
p { margin: .2em 0 1em; color: #555; }
table { border-collapse: collapse; max-width: 100%; }
th, td { padding: .3em .7em; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; white-space: nowrap; }
/* Free text wraps, so a long override or error never pushes Served off the screen. */
td.probe, td.override { white-space: normal; overflow-wrap: anywhere; min-width: 8em; }
thead th { background: #f3f3f3; }
th[scope=row] { font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.state.healthy { color: #0a6b2b; font-weight: 600; }
td.state.unhealthy { color: #b00020; font-weight: 600; }
td.state.unknown { color: #8a6d00; }
td.state.drained { color: #6a3fa0; font-weight: 600; }
td.state.forced { color: #0b5cad; font-weight: 600; }
tr.unhealthy td.probe { color: #b00020; }
@media (prefers-color-scheme: dark) {
  body { color: #ddd; background: #161616; } p { color: #aaa; }
  th, td { border-color: #333; } thead th { background: #222; }
  td.state.healthy { color: #5fd38a; } td.state.unhealthy, tr.unhealthy td.probe { color: #ff7a8a; }
  td.state.drained { color: #c9a2f5; } td.state.forced { color: #7ab8ff; }
}
</style>
</head>
<body>
<h1>healthy-dns: ${html(status.zones.join(", "))}</h1>
<p id="summary">${html(status.phase)} · serial ${html(status.serial ?? "none")} · built ${
    html(ago(status.builtAt, now) || "not yet")
  } · ${served} of ${status.names.length} names answer with addresses · DNSSEC ${
    status.dnssec ? "on" : "off"
  } · rise/fall ${status.health.rise}/${status.health.fall} · ${html(status.version)} on ${
    html(status.runtime)
  } · <a href="status">JSON</a> · <a href="metrics">metrics</a></p>
<table>
<thead><tr><th>Name</th><th>Address</th><th>Check</th><th>State</th><th>Since</th><th>Last probe</th><th>Latency ms</th><th>Rise/fall</th><th>Override</th><th>Served</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
<p>Generated ${html(status.generatedAt)}; reloads every ${refreshSeconds(status)} s.</p>
</body>
</html>
`;
}
