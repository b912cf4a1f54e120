import type { ErrorInfo } from '../errors.js';

/** A backend's answer to one command. `seq` is the last event the command produced, if it produced any. */
export type Ack = { ok: true; seq: number | null; result?: unknown } | { ok: false; error: ErrorInfo };
