/**
 * healthy-dns entry point: picks the runtime adapter (Deno or Bun), runs the
 * command line and exits with its code. `serve` keeps running until a signal.
 */
import { exitOnUncaughtError, runCli } from "./src/cli/main_cli.ts";
import { currentRuntime } from "./src/runtime/current_runtime.ts";

const runtime = await currentRuntime();
exitOnUncaughtError(runtime);
runtime.exit(await runCli(runtime));
