/**
 * Rough UDP throughput check for the runtime adapters (not a test): runs a UDP
 * echo server through `Runtime.bindUdp` and prints the port, so a load generator
 * can be pointed at it. dnsperf accepts the echoed query as its response:
 *
 *   npx deno run -A scripts/bench/udp_echo_bench.ts 5399 &   (or: npx bun scripts/bench/udp_echo_bench.ts 5399 &)
 *   dnsperf -s 127.0.0.1 -p 5399 -d queries.txt -l 10 -c 8 -q 500
 *
 * Stops on SIGINT/SIGTERM and prints how many datagrams it echoed.
 */
import { currentRuntime } from "../../src/runtime/current_runtime.ts";

const runtime = await currentRuntime();
const port = Number(runtime.args[0] ?? 0);
let echoed = 0;
const endpoint = await runtime.bindUdp("127.0.0.1", port, (data, from, socket) => {
  echoed++;
  socket.send(data, from);
});
console.log(`${runtime.name} ${runtime.version} echoing on 127.0.0.1:${endpoint.local.port}`);
const stop = () => {
  endpoint.close();
  console.log(`echoed ${echoed} datagrams`);
  runtime.exit(0);
};
runtime.onSignal("SIGINT", stop);
runtime.onSignal("SIGTERM", stop);
