import * as v from 'valibot';
import { COMMAND_SCHEMAS, type Command, type CommandType } from './commands.js';
import { CommandFrameEnvelope, HelloFrame, HistoryRequestFrame, PingFrame, PreviewRequestFrame } from './client-frames.js';
import type { Credentials, HistoryQuery } from './session.js';
import { LIMITS, PROTOCOL_VERSION } from './limits.js';
import { fromIssues, invalid, type Result } from './parse-result.js';

export type ClientFrame =
  | { v: number; type: 'hello'; circle: string; credentials: Credentials; cursor: string | null }
  | { v: number; type: 'command'; command: Command }
  | { v: number; type: 'history'; id: string; query: HistoryQuery }
  | { v: number; type: 'ping' }
  | { v: number; type: 'preview'; id: string; circle: string; invite?: string };

const CLIENT_FRAMES = { hello: HelloFrame, command: CommandFrameEnvelope, history: HistoryRequestFrame, ping: PingFrame, preview: PreviewRequestFrame } as const;

const encoder = /* @__PURE__ */ new TextEncoder();

/** UTF-8 size of a string without allocating when it is obviously small or obviously large. */
function utf8Length(text: string): number {
  if (text.length * 3 <= LIMITS.frameMaxBytes) return text.length; // cannot exceed the limit
  if (text.length > LIMITS.frameMaxBytes) return text.length;
  return encoder.encode(text).length;
}

/**
 * How an error message names a value the client sent: short, and safe for any input. Echoing it whole with
 * `JSON.stringify` would copy a 30 KB string back, and overflows the stack on an array nested 10,000 deep.
 */
function preview(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** Validates one command (the payload of a `command` frame, or what a custom transport receives). */
export function parseCommand(input: unknown, prefix?: string): Result<Command> {
  const type = (input as { type?: unknown } | null)?.type;
  // Own keys only: `toString` or `constructor` must not find Object.prototype's functions.
  if (typeof type !== 'string' || !Object.hasOwn(COMMAND_SCHEMAS, type)) {
    return invalid(`unknown command type ${preview(type)}`, [prefix, 'type'].filter(Boolean).join('.'));
  }
  const parsed = v.safeParse(COMMAND_SCHEMAS[type as CommandType], input);
  if (!parsed.success) return fromIssues(parsed.issues, prefix);
  return { ok: true, value: parsed.output as Command };
}

/**
 * Validates an incoming client frame: size, JSON, protocol version, frame type, then every field.
 * Returns a typed frame or an error whose code and message say exactly what is wrong.
 */
export function parseClientFrame(raw: string | unknown): Result<ClientFrame> {
  let data: unknown = raw;
  if (typeof raw === 'string') {
    if (utf8Length(raw) > LIMITS.frameMaxBytes) {
      return { ok: false, error: { code: 'too_large', message: `frame exceeds ${LIMITS.frameMaxBytes} bytes` } };
    }
    try {
      data = JSON.parse(raw);
    } catch {
      return invalid('frame is not valid JSON');
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return invalid('frame must be a JSON object');
  const frame = data as { v?: unknown; type?: unknown };
  if (frame.v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      error: { code: 'unsupported_version', message: `protocol version ${preview(frame.v)} is not supported; expected ${PROTOCOL_VERSION}`, field: 'v' },
    };
  }
  const schema = typeof frame.type === 'string' && Object.hasOwn(CLIENT_FRAMES, frame.type) ? CLIENT_FRAMES[frame.type as keyof typeof CLIENT_FRAMES] : undefined;
  if (!schema) return invalid(`unknown frame type ${preview(frame.type)}`, 'type');
  if (frame.type === 'command') {
    const command = parseCommand((data as { command?: unknown }).command, 'command');
    if (!command.ok) return command;
    const envelope = v.safeParse(schema, data);
    if (!envelope.success) return fromIssues(envelope.issues);
    return { ok: true, value: { v: PROTOCOL_VERSION, type: 'command', command: command.value } };
  }
  const parsed = v.safeParse(schema, data);
  if (!parsed.success) return fromIssues(parsed.issues);
  return { ok: true, value: parsed.output as ClientFrame };
}
