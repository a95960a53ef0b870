/**
 * Rules both runtime adapters apply to state files (the files under
 * `state_dir`: the serial, the cookie secret, the override file), and the
 * words their errors are reported in.
 */

/** File system error codes in words: "read-only file system (EROFS)", not a bare or misleading code. */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "does not exist",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  ELOOP: "is a symbolic link; state files are never followed",
  EISDIR: "is a directory",
  ENOTDIR: "a part of the path is not a directory",
  EIO: "input/output error",
};

/**
 * Why a file operation failed, in words with the error code (never the file's
 * content; the runtimes' own messages are cut to their first 100 characters).
 */
export function fileErrorReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && REASONS[code] !== undefined) return `${REASONS[code]} (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0].slice(0, 100);
}

/** A state file that cannot be read or written: the message is `<path>: <reason>`. */
export class StateFileError extends Error {
  /** What is wrong, without the path ("is a symbolic link; ..."). */
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = "StateFileError";
    this.reason = reason;
  }
}

/** Why a state-file operation failed, without the path (which the caller names). */
export function stateFileReason(error: unknown): string {
  return error instanceof StateFileError ? error.reason : fileErrorReason(error);
}

/** `error` as a `StateFileError` about `path` (kept as is when it already is one). */
export function fileError(path: string, error: unknown): StateFileError {
  return error instanceof StateFileError ? error : new StateFileError(path, fileErrorReason(error));
}

/** What `stateFileProblem` looks at (lstat: the link itself, not its target). */
export interface StateFileKind {
  readonly isSymlink: boolean;
  readonly isFile: boolean;
  readonly size: number;
}

/**
 * Why a state file must not be read, or null when it may: a symbolic link
 * (it could point at any file the server may read, e.g. /etc/shadow), not a
 * regular file, or larger than `maxBytes`.
 */
export function stateFileProblem(kind: StateFileKind, maxBytes: number): string | null {
  if (kind.isSymlink) return REASONS.ELOOP;
  if (!kind.isFile) return "is not a regular file";
  if (kind.size > maxBytes) return `is ${kind.size} bytes, above the limit of ${maxBytes}`;
  return null;
}

/**
 * Reads an open state file through `read` (fills the start of the array it is
 * given; resolves with the count, 0 at the end) as text, refusing more than
 * `maxBytes` (the file may have grown since it was looked at).
 */
export async function readCapped(
  path: string,
  maxBytes: number,
  read: (into: Uint8Array) => Promise<number>,
): Promise<string> {
  const buffer = new Uint8Array(maxBytes + 1);
  let length = 0;
  while (length < buffer.length) {
    const count = await read(buffer.subarray(length));
    if (count === 0) break;
    length += count;
  }
  if (length > maxBytes) {
    throw new StateFileError(path, `grew above the limit of ${maxBytes} bytes`);
  }
  return new TextDecoder().decode(buffer.subarray(0, length));
}

/** The directory holding `path` (whose entry a rename changes, so it is synced too). */
export function parentDirectory(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
}
