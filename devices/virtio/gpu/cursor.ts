// The virtio-gpu cursor queue (virtio 1.1 §5.7.6.10): UPDATE_CURSOR sets the image (a 64x64
// resource) and position, MOVE_CURSOR only the position. The queue carries no responses: QEMU
// returns every buffer with length 0 and ignores commands it cannot apply, and so does this.
// One cursor is modelled (QEMU keeps one per scanout; with one output they are the same).

import { CMD, parseCtrlHdr, parseUpdateCursor, VIRTIO_GPU_MAX_SCANOUTS } from './protocol';
import type { ResourceTable } from './resources';

export const CURSOR_SIZE_PX = 64;

export interface CursorState {
  scanoutId: number;
  x: number;
  y: number;
  hotX: number;
  hotY: number;
  /** 0 hides the cursor. */
  resourceId: number;
  /** The last cursor image taken at UPDATE_CURSOR time (64*64*4 bytes in the resource's format), or null. */
  image: Uint8Array | null;
  updates: number;
  moves: number;
  /** Requests too short or for a scanout that does not exist. */
  ignored: number;
  /** Updates naming a resource that is missing or not 64x64 (the old image stays). */
  rejectedImages: number;
}

export function initialCursor(): CursorState {
  return { scanoutId: 0, x: 0, y: 0, hotX: 0, hotY: 0, resourceId: 0, image: null, updates: 0, moves: 0, ignored: 0, rejectedImages: 0 };
}

/** Applies one cursor-queue request to `c`; `outputs` is the number of scanouts. */
export function applyCursorCommand(c: CursorState, req: Uint8Array, resources: ResourceTable, outputs: number): void {
  const hdr = parseCtrlHdr(req);
  const cmd = parseUpdateCursor(req);
  if (!hdr || !cmd || cmd.pos.scanoutId >= Math.min(outputs, VIRTIO_GPU_MAX_SCANOUTS)) {
    c.ignored++;
    return;
  }
  if (hdr.type === CMD.MOVE_CURSOR) {
    c.scanoutId = cmd.pos.scanoutId;
    c.x = cmd.pos.x;
    c.y = cmd.pos.y;
    c.moves++;
    return;
  }
  if (hdr.type !== CMD.UPDATE_CURSOR) {
    c.ignored++;
    return;
  }
  // As QEMU: the image is taken only from a 64x64 resource, otherwise the previous image stays;
  // the rest of the update (position, hot spot, visibility) applies either way.
  const res = cmd.resourceId === 0 ? undefined : resources.get(cmd.resourceId);
  if (res && res.width === CURSOR_SIZE_PX && res.height === CURSOR_SIZE_PX) c.image = res.pixels.slice();
  else if (cmd.resourceId !== 0) c.rejectedImages++;
  c.resourceId = cmd.resourceId;
  c.scanoutId = cmd.pos.scanoutId;
  c.x = cmd.pos.x;
  c.y = cmd.pos.y;
  c.hotX = cmd.hotX;
  c.hotY = cmd.hotY;
  c.updates++;
}
