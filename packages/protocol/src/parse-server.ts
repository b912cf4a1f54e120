import * as v from 'valibot';
import { ServerFrameSchema, type ServerFrame } from './server-frames.js';
import { PROTOCOL_VERSION } from './limits.js';
import { fromIssues, invalid, type Result } from './parse-result.js';

/** Validates a frame received from a server. Clients never trust the wire either. */
export function parseServerFrame(raw: string | unknown): Result<ServerFrame> {
  let data: unknown = raw;
  if (typeof raw === 'string') {
    try {
      data = JSON.parse(raw);
    } catch {
      return invalid('frame is not valid JSON');
    }
  }
  if ((data as { v?: unknown } | null)?.v !== PROTOCOL_VERSION) {
    return { ok: false, error: { code: 'unsupported_version', message: 'unsupported protocol version', field: 'v' } };
  }
  const parsed = v.safeParse(ServerFrameSchema, data);
  if (!parsed.success) return fromIssues(parsed.issues);
  return { ok: true, value: parsed.output };
}
