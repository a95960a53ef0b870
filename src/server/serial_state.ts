/** The file under `state_dir` that keeps the last published SOA serial across restarts. */
const SERIAL_FILE = "serial";

function serialPath(dir: string): string {
  return `${dir.replace(/\/+$/, "")}/${SERIAL_FILE}`;
}

/** A serial file is one number and a newline; anything bigger is not one. */
const SERIAL_FILE_MAX_BYTES = 64;

/**
 * The serial the last run published, or null when none was kept (no file
 * yet). A file that does not hold a serial, or cannot be read (a symbolic
 * link, too big, unreadable), is reported through `warn` without its
 * content and ignored, so a damaged state file cannot stop the server.
 */
export async function readSerialState(
  dir: string,
  readStateFile: (path: string, maxBytes: number) => Promise<string | null>,
  warn: (message: string) => void,
): Promise<number | null> {
  let text: string | null;
  try {
    text = await readStateFile(serialPath(dir), SERIAL_FILE_MAX_BYTES);
  } catch (error) {
    warn(
      `${error instanceof Error ? error.message : String(error)}; the serial kept there is ignored`,
    );
    return null;
  }
  if (text === null) return null;
  const value = text.trim();
  if (!/^[0-9]{1,10}$/.test(value) || Number(value) > 0xffffffff) {
    warn(`${serialPath(dir)} does not hold a serial (a number below 2^32); ignored`);
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
