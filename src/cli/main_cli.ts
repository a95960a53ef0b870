import { ConfigError } from "../config/config.ts";
import { loadConfig } from "../config/load.ts";
import { readCheckFlags, runCheck } from "./check.ts";
import { buildInfo, formatBuildInfo } from "../observe/build_info.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { runServe } from "../server/run_serve.ts";
import { runCheckconf } from "./checkconf.ts";
import { runDs } from "./ds.ts";
import { runHealth } from "./health.ts";
import { runKeygen } from "./keygen.ts";
import { runOverride } from "./override.ts";
import { runTsigKeygen } from "./tsig_keygen.ts";
import { COMMAND_USAGE, USAGE } from "./usage.ts";

const out = (line: string) => console.log(line);
const err = (line: string) => console.error(line);

/** The subcommands; `serve` is also what runs when the first argument is a flag or absent. */
const COMMANDS: Readonly<
  Record<string, (args: readonly string[], runtime: Runtime) => Promise<number>>
> = {
  serve: runServe,
  async check(args, runtime) {
    const { options, configArgs } = readCheckFlags(args);
    const config = await loadConfig(configArgs, runtime.readTextFile);
    return runCheck(config, options, {
      dial: runtime.dial,
      clock: runtime.clock,
      out,
      progress: { live: runtime.stderrIsTerminal(), write: runtime.writeStderr },
      replaceFile: runtime.replaceFile,
      build: buildInfo(runtime),
    });
  },
  checkconf: (args, runtime) =>
    runCheckconf(args, {
      readTextFile: runtime.readTextFile,
      readStateFile: runtime.readStateFile,
      statFile: runtime.statFile,
      out,
    }),
  override: (args, runtime) =>
    runOverride(args, {
      readTextFile: runtime.readTextFile,
      readStateFile: runtime.readStateFile,
      replaceFile: runtime.replaceFile,
      clock: runtime.clock,
      out,
      err,
    }),
  keygen: (args, runtime) => runKeygen(args, { writeNewFile: runtime.writeNewFile, out, err }),
  "tsig-keygen": (args) => Promise.resolve(runTsigKeygen(args, { out, err })),
  ds: (args, runtime) => runDs(args, { readTextFile: runtime.readTextFile, out, err }),
  async health(args, runtime) {
    const config = await loadConfig(args, runtime.readTextFile);
    return runHealth(config, {
      bindUdp: runtime.bindUdp,
      monotonic: () => runtime.clock.monotonic(),
      queryId: () => crypto.getRandomValues(new Uint16Array(1))[0],
      out,
      err,
    });
  },
};

/**
 * The `healthy-dns` command line: `[serve] [flags]` (no subcommand means
 * serve, so the original's command lines work unchanged), `check`, `checkconf`,
 * `override`, `keygen`, `tsig-keygen`, `ds`, `health`, `--help`, `--version`.
 *
 * @returns the exit code: 0 success, 1 `check` found a required name
 *   failing (or `checkconf --strict` a warning, or `health` no answer), 2 a user error (configuration or usage), printed as one line on
 *   stderr without a stack trace, 3 an internal error (anything unexpected:
 *   a bug, or the platform failing), also one line. `serve` resolves only
 *   once stopped by a signal.
 */
export async function runCli(runtime: Runtime): Promise<number> {
  const [first = "", ...rest] = runtime.args;
  const command = commandOf(runtime.args);
  const args = command === first ? rest : runtime.args;
  if (args.includes("--help") || args.includes("-h") || first === "help") {
    // `healthy-dns check --help`: that command's own flags; `--help` alone: everything.
    out(
      command === first && Object.hasOwn(COMMAND_USAGE, command) ? COMMAND_USAGE[command] : USAGE,
    );
    return 0;
  }
  if (args.includes("--version") || args.includes("-V")) {
    out(formatBuildInfo(buildInfo(runtime)));
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (run === undefined) {
    err(
      `${
        JSON.stringify(command)
      }: unknown command; expected serve, check, checkconf, override, keygen, tsig-keygen, ds or health (see --help)`,
    );
    return 2;
  }
  try {
    return await run(args, runtime);
  } catch (error) {
    if (error instanceof ConfigError) {
      err(error.message.replace(/\s*\n\s*/g, " "));
      return 2;
    }
    err(internalErrorLine(command, error));
    return INTERNAL_ERROR;
  }
}

/** The subcommand the arguments ask for: the first one, or `serve` when it is a flag or absent. */
function commandOf(args: readonly string[]): string {
  const [first = ""] = args;
  return first.startsWith("-") || first === "" ? "serve" : first;
}

/** The exit code of an internal error: anything unexpected, as opposed to a user error (2). */
const INTERNAL_ERROR = 3;

/** One stderr line for an internal error: `healthy-dns check: internal error: ...`. */
function internalErrorLine(command: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `healthy-dns ${command}: internal error: ${message.split("\n")[0]}`;
}

/**
 * Makes an error that escapes every caller (in a timer or callback, where
 * `runCli` cannot catch it) end the process like any internal error: one
 * line on stderr and exit code 3, never the runtime's 1, which `check` uses
 * for "a name fails". main.ts calls it once, before `runCli`.
 */
export function exitOnUncaughtError(runtime: Runtime): void {
  const command = commandOf(runtime.args);
  runtime.onUncaughtError((error) => {
    err(internalErrorLine(command, error));
    runtime.exit(INTERNAL_ERROR);
  });
}
