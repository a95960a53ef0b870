import { type BlackHoles, openBlackHoles } from "../../scripts/bench/harness/black_hole.ts";
import { openTcpBackend, type TcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";

/**
 * The loopback targets the probe tests dial: a listener on 127.0.0.2, one on
 * ::1, and a black hole on 127.0.0.3 (nothing listens on 127.0.0.3 at the v4
 * port, so that address and port is refused).
 */
export interface ProbeTargets {
  readonly v4: TcpBackend;
  readonly v6: TcpBackend;
  readonly hole: BlackHoles;
  close(): Promise<void>;
}

/** Opens the probe targets; `close` stops all three. */
export async function openProbeTargets(): Promise<ProbeTargets> {
  const v4 = await openTcpBackend("127.0.0.2");
  const v6 = await openTcpBackend("::1");
  const hole = await openBlackHoles("127.0.0.3");
  return {
    v4,
    v6,
    hole,
    async close() {
      await v4.stop();
      await v6.stop();
      await hole.close();
    },
  };
}
