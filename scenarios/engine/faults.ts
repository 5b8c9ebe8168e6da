// Fault injection steps (`fault: {kind: ...}`) dispatch through this table. Later issues
// register their kinds (disk errors, packet loss, device resets...); a scenario naming a
// kind nobody registered is refused when it is loaded, with the line, rather than skipped.

import type { Session } from '../../emulator/backends/backend';

export interface FaultContext {
  session: Session;
  /** Variables visible to the scenario (`${name}`), already including captures. */
  vars: Readonly<Record<string, string>>;
}

export interface FaultHandler {
  /** Checks a step's parameters at load time; returns a problem or undefined. */
  validate?(params: Record<string, unknown>): string | undefined;
  /** Applies the fault; returns a problem or undefined. */
  apply(ctx: FaultContext, params: Record<string, unknown>): Promise<string | undefined>;
}

const handlers = new Map<string, FaultHandler>();

export function registerFaultHandler(kind: string, handler: FaultHandler): void {
  if (handlers.has(kind)) throw new Error(`fault kind '${kind}' is already registered`);
  handlers.set(kind, handler);
}

/** For tests that register a temporary kind. */
export function unregisterFaultHandler(kind: string): void {
  handlers.delete(kind);
}

export function faultHandler(kind: string): FaultHandler | undefined {
  return handlers.get(kind);
}

export function registeredFaultKinds(): string[] {
  return [...handlers.keys()].sort();
}
