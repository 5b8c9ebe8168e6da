// `twinbox console --screenshot-dir DIR`: when the session ends (power-off, Ctrl-A x, a limit)
// the first display's picture is written to DIR/poweroff.png, so a run leaves what the screen
// showed last. On the qemu backend QEMU has exited after a guest power-off, so only the
// other endings (Ctrl-A x, a limit) can have one; the message says why when there is none.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Session } from '../../emulator/backends/backend';

export const CONSOLE_SCREENSHOT_FILE = 'poweroff.png';

/** Writes the screenshot; returns a line for stderr either way. */
export async function writeFinalScreenshot(session: Session, dir: string): Promise<string> {
  if (!session.screenshot) return `no screenshot: the ${session.backend} backend cannot take one`;
  try {
    const png = await session.screenshot(0);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, CONSOLE_SCREENSHOT_FILE);
    writeFileSync(path, png);
    return `screenshot written to ${path}`;
  } catch (e) {
    return `no screenshot: ${e instanceof Error ? e.message : String(e)}`;
  }
}
