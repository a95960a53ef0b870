// Reads what an executable is built for from its header, independently of any
// tool: ELF (Linux), Mach-O (macOS) and PE (Windows).

/** Format, CPU and (ELF) program interpreter of an executable. */
export interface ExecutableHeader {
  readonly format: "ELF" | "Mach-O" | "PE";
  /** `x86-64` or `arm64` (other machine types appear as `machine 0x…`). */
  readonly arch: string;
  /** True for a runnable program (ELF ET_EXEC/ET_DYN, Mach-O MH_EXECUTE, PE IMAGE_FILE_EXECUTABLE_IMAGE). */
  readonly executable: boolean;
  /** ELF only: the PT_INTERP path (the dynamic loader, which tells glibc from musl); null if none. */
  readonly interpreter: string | null;
}

const ELF_MACHINES: Readonly<Record<number, string>> = { 0x3e: "x86-64", 0xb7: "arm64" };
const MACHO_CPUS: Readonly<Record<number, string>> = { 0x01000007: "x86-64", 0x0100000c: "arm64" };
const PE_MACHINES: Readonly<Record<number, string>> = { 0x8664: "x86-64", 0xaa64: "arm64" };

const name = (table: Readonly<Record<number, string>>, value: number) =>
  table[value] ?? `machine 0x${value.toString(16)}`;

function elf(bytes: Uint8Array, view: DataView): ExecutableHeader {
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error("ELF: not 64-bit little-endian");
  const type = view.getUint16(16, true);
  const phoff = Number(view.getBigUint64(32, true));
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  let interpreter: string | null = null;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (view.getUint32(at, true) !== 3) continue; // PT_INTERP
    const offset = Number(view.getBigUint64(at + 8, true));
    const size = Number(view.getBigUint64(at + 32, true));
    interpreter = new TextDecoder().decode(bytes.subarray(offset, offset + size)).replace(
      /\0+$/,
      "",
    );
  }
  return {
    format: "ELF",
    arch: name(ELF_MACHINES, view.getUint16(18, true)),
    executable: type === 2 || type === 3,
    interpreter,
  };
}

function pe(view: DataView): ExecutableHeader {
  const header = view.getUint32(0x3c, true);
  if (view.getUint32(header, false) !== 0x50450000) throw new Error("PE: no PE\\0\\0 signature");
  const characteristics = view.getUint16(header + 22, true);
  return {
    format: "PE",
    arch: name(PE_MACHINES, view.getUint16(header + 4, true)),
    executable: (characteristics & 0x0002) !== 0,
    interpreter: null,
  };
}

/**
 * Parses the header at the start of `bytes` (the first few kilobytes are
 * enough for Mach-O and PE; ELF needs its program headers too).
 *
 * @throws Error when the bytes are none of the three formats.
 */
export function readExecutableHeader(bytes: Uint8Array): ExecutableHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, false) === 0x7f454c46) return elf(bytes, view);
  if (view.getUint32(0, true) === 0xfeedfacf) {
    return {
      format: "Mach-O",
      arch: name(MACHO_CPUS, view.getUint32(4, true)),
      executable: view.getUint32(12, true) === 2, // MH_EXECUTE
      interpreter: null,
    };
  }
  if (bytes[0] === 0x4d && bytes[1] === 0x5a) return pe(view);
  throw new Error(`not an ELF, 64-bit Mach-O or PE file (starts ${[...bytes.subarray(0, 4)]})`);
}
