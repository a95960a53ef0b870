/** The file under `state_dir` that keeps the last published SOA serial across restarts. */
const SERIAL_FILE = "serial";

function serialPath(dir: string): string {
  return `${dir.replace(/\/+$/, "")}/${SERIAL_FILE}`;
}

/**
 * The serial the last run published, or null when none was kept (no file
 * yet). A file that does not hold a serial is reported through `warn` and
 * ignored, so a damaged state file cannot stop the server.
 */
export async function readSerialState(
  dir: string,
  readTextFile: (path: string) => Promise<string>,
  warn: (message: string) => void,
): Promise<number | null> {
  let text: string;
  try {
    text = await readTextFile(serialPath(dir));
  } catch {
    return null;
  }
  const value = text.trim();
  if (!/^[0-9]{1,10}$/.test(value) || Number(value) > 0xffffffff) {
    warn(`${serialPath(dir)} holds ${JSON.stringify(value.slice(0, 20))}, not a serial; ignored`);
    return null;
  }
  return Number(value);
}

/** The serial is no secret: readable by all, writable by its owner. */
const SERIAL_FILE_MODE = 0o644;

/** Records `serial` as the last one published, replacing the file atomically. */
export function writeSerialState(
  dir: string,
  serial: number,
  replaceFile: (path: string, data: string, mode: number) => Promise<void>,
): Promise<void> {
  return replaceFile(serialPath(dir), `${serial}\n`, SERIAL_FILE_MODE);
}
