import type { ChildProcess } from "node:child_process";

/** SIGTERM, then SIGKILL if the process is still there after 5 s; resolves once it is gone. */
export async function endProcess(
  child: ChildProcess,
  exited: Promise<void>,
  done: () => boolean,
): Promise<void> {
  if (done()) return;
  child.kill("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, 5_000);
  });
  await Promise.race([exited, killed]);
  clearTimeout(timer);
  await exited;
}
