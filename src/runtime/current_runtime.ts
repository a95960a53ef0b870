/**
 * The runtime selector: the one place that loads an adapter (apart from the
 * adapters themselves, nothing imports them), kept apart from the interfaces
 * in runtime.ts, which the adapters import.
 */
import type { Runtime } from "./runtime.ts";

/**
 * Returns the adapter for the runtime this process runs on. Detection is by
 * feature (globalThis.Bun first: Bun has no Deno global, while Deno may gain
 * Node-compat globals), and the import is dynamic so each runtime loads only
 * its own adapter.
 */
export async function currentRuntime(): Promise<Runtime> {
  if ("Bun" in globalThis) return (await import("./bun_runtime.ts")).bunRuntime;
  if ("Deno" in globalThis) return (await import("./deno_runtime.ts")).denoRuntime;
  throw new Error("unsupported runtime: found neither globalThis.Bun nor globalThis.Deno");
}
