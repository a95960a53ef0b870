/**
 * The status page in a real browser: Debian's chromium, headless, driven by
 * playwright-core through its executable path (no browser download). Runs
 * under both Deno and Bun.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import type { ServerStatus } from "../../src/server/status.ts";
import { needsTools } from "../../scripts/bench/harness/prerequisite.ts";
import { startStatusSetup } from "../helpers/status_setup.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SKIP = needsTools(CHROMIUM);

/** The table as the browser renders it: one entry per row, cells by column heading. */
function readTable(page: Page): Promise<Record<string, string>[]> {
  return page.$$eval("table", ([table]) => {
    const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent ?? "");
    const rows = [...table.querySelectorAll("tbody tr")];
    let name = "";
    return rows.map((row) => {
      const cells = [...row.children].map((cell) => (cell.textContent ?? "").trim());
      // The name cell spans the rows of its addresses; later rows lack it.
      if (row.querySelector("th")) name = cells.shift() ?? "";
      const entry: Record<string, string> = { Name: name };
      cells.forEach((text, i) => (entry[headings[i + 1]] = text));
      return entry;
    });
  });
}

describe("the status page in chromium", { skip: SKIP }, () => {
  test("shows every address's state as a table and refreshes itself when a backend stops", {
    timeout: 120_000,
  }, async () => {
    const setup = await startStatusSetup();
    const profile = mkdtempSync(join(tmpdir(), "healthy-dns-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
    try {
      const page = await context.newPage();
      const requested: string[] = [];
      page.on("request", (request) => requested.push(request.url()));
      const response = await page.goto(`${setup.base}/`);
      assert.equal(response?.status(), 200);
      assert.match(await page.title(), /^healthy-dns: status\.test$/);

      const before = await readTable(page);
      const status = await (await fetch(`${setup.base}/status`)).json() as ServerStatus;
      assert.deepEqual(
        before.map((row) => [row.Name, row.Address, row.State, row.Served]),
        status.names.flatMap((name) =>
          name.addresses.map((a) => [name.fqdn, a.address, a.state, a.served ? "yes" : "no"])
        ),
      );
      assert.deepEqual(before.map((row) => [row.Address, row.State, row.Served]), [
        ["127.0.0.1", "healthy", "yes"],
        ["127.0.0.2", "healthy", "yes"],
        ["192.0.2.10", "static", "yes"],
      ]);
      assert.equal(before[0]["Last probe"], "ok");
      assert.equal(before[0].Check, `TCP ${setup.first.port}`);

      await setup.second.stop();
      // No reload from here: the page's own refresh must bring the change.
      await page.waitForFunction(
        () =>
          document.querySelector('tr[data-address="127.0.0.2"] td.state')?.textContent ===
            "unhealthy",
        null,
        { timeout: 30_000, polling: 100 },
      );
      const after = await readTable(page);
      assert.deepEqual(after.map((row) => [row.Address, row.State, row.Served]), [
        ["127.0.0.1", "healthy", "yes"],
        ["127.0.0.2", "unhealthy", "no"],
        ["192.0.2.10", "static", "yes"],
      ]);
      // One clean reason, not "refused: ECONNREFUSED: connect ECONNREFUSED …".
      assert.match(
        after[1]["Last probe"],
        /^(connection refused|timed out|no route to the address)$/,
      );
      // Self-contained: the browser fetched nothing but the page itself.
      assert.ok(
        requested.every((url) => url === `${setup.base}/`),
        `requests: ${requested.join(", ")}`,
      );
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      await setup.stop();
    }
  });

  test(
    "a drained address shows as drained, not green; long cells wrap inside 1200 px; DNSSEC off is said",
    {
      timeout: 120_000,
    },
    async () => {
      const stateDir = mkdtempSync(join(tmpdir(), "healthy-dns-status-page-"));
      const reason = "deploy 42: moving the backend to the new rack, back after the kernel upgrade";
      writeFileSync(
        join(stateDir, "overrides.yaml"),
        `- {address: 127.0.0.2, state: down, until: "2099-12-31T23:00:00Z", reason: "${reason}"}\n`,
      );
      const setup = await startStatusSetup(stateDir);
      const profile = mkdtempSync(join(tmpdir(), "healthy-dns-chromium-"));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        timeout: 60_000,
        viewport: { width: 1200, height: 800 },
      });
      try {
        let page = await context.newPage();
        await page.goto(`${setup.base}/`);
        // Wait for the first health round: the drained address's probe says healthy underneath.
        await page.waitForFunction(
          () =>
            document.querySelector('tr[data-address="127.0.0.2"] td.state')?.textContent ===
              "drained (probe: healthy)",
          null,
          { timeout: 30_000, polling: 100 },
        );
        // The page reloads itself every second; measure a copy that holds still, in a fresh
        // tab (a refresh the live page had already scheduled could replace the copy).
        const html = await (await fetch(`${setup.base}/`)).text();
        const still = html.replace(/<meta http-equiv="refresh"[^>]*>/, "");
        assert.notEqual(still, html, "the refresh tag was removed");
        await page.close();
        page = await context.newPage();
        await page.setContent(still);
        const rows = await readTable(page);
        assert.deepEqual(rows.map((row) => [row.Address, row.State, row.Served]), [
          ["127.0.0.1", "healthy", "yes"],
          ["127.0.0.2", "drained (probe: healthy)", "no"],
          ["192.0.2.10", "static", "yes"],
        ]);
        assert.equal(
          rows[1].Override,
          `down for every name until 2099-12-31T23:00:00.000Z (${reason})`,
        );
        const colour = (address: string) =>
          page.$eval(
            `tr[data-address="${address}"] td.state`,
            (cell) => getComputedStyle(cell).color,
          );
        const [drained, healthy] = [await colour("127.0.0.2"), await colour("127.0.0.1")];
        assert.notEqual(drained, healthy, "a drained address is not shown in the healthy green");
        assert.equal(drained, "rgb(106, 63, 160)");
        const rights = await page.$$eval(
          "td.served",
          (cells) => cells.map((cell) => cell.getBoundingClientRect().right),
        );
        assert.equal(rights.length, 3);
        for (const right of rights) assert.ok(right <= 1200, `Served column ends at ${right} px`);
        assert.match(await page.textContent("#summary") ?? "", /· DNSSEC off ·/);
        await page.screenshot({ path: join(tmpdir(), "healthy-dns-status-page-drained.png") });
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
        await setup.stop();
        rmSync(stateDir, { recursive: true, force: true });
      }
    },
  );
});
