// Native programs installed in the guest filesystem. A native executable is a file whose
// content is `#!native NAME\n`; execve finds NAME here and starts that generator as the
// new program image. The userland registers its programs (init, sh, applets) before boot.

import type { NativeEntry } from '../abi/native';

export const NATIVE_MAGIC = '#!native ';

export interface NativeProgramRecord {
  name: string;
  main: NativeEntry;
  /** Absolute paths the program is installed at in the root filesystem. */
  paths: string[];
}

export class NativeRegistry {
  private readonly programs = new Map<string, NativeProgramRecord>();

  register(name: string, main: NativeEntry, paths: string[] = [`/bin/${name}`]): void {
    if (!/^[A-Za-z0-9_.+-]+$/.test(name)) throw new Error(`native program name ${JSON.stringify(name)} is not a plain word`);
    this.programs.set(name, { name, main, paths });
  }

  lookup(name: string): NativeProgramRecord | undefined {
    return this.programs.get(name);
  }

  private readonly files = new Map<string, Uint8Array>();

  /** A plain file (e.g. an /init script) the root filesystem gets alongside the programs. */
  registerFile(path: string, content: Uint8Array): void {
    this.files.set(path, content);
  }

  /** Registered files in registration order. */
  allFiles(): Array<readonly [string, Uint8Array]> {
    return [...this.files];
  }

  /** Programs in registration order (deterministic install order). */
  all(): NativeProgramRecord[] {
    return [...this.programs.values()];
  }
}

/** The process-wide default registry that `registerNativeProgram` fills. */
export const defaultRegistry = new NativeRegistry();

export function registerNativeProgram(name: string, main: NativeEntry, paths?: string[]): void {
  defaultRegistry.register(name, main, paths);
}

export function nativeFileContent(name: string): Uint8Array {
  return new TextEncoder().encode(`${NATIVE_MAGIC}${name}\n`);
}

/** The program name if `head` (the first bytes of a file) is a native marker. */
export function parseNativeMarker(head: Uint8Array): string | undefined {
  const text = Buffer.from(head.subarray(0, 128)).toString('latin1');
  if (!text.startsWith(NATIVE_MAGIC)) return undefined;
  const end = text.indexOf('\n');
  return (end < 0 ? text.slice(NATIVE_MAGIC.length) : text.slice(NATIVE_MAGIC.length, end)).trim();
}
