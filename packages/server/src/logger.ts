/** Fields attached to a log line: plain JSON values. An `error` field is written as its message and stack. */
export type LogFields = Record<string, unknown>;

/** Where the server reports what happens: one structured line per call. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export type LogFormat = 'json' | 'text';

/**
 * A logger writing one line per entry to `write` (standard error by default): JSON objects with `time`,
 * `level`, `msg` and the fields (for log collectors), or `time level msg key=value` text for people.
 */
export function createLogger(options: { format?: LogFormat; write?: (line: string) => void; base?: LogFields } = {}): Logger {
  const format = options.format ?? 'json';
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const line = (level: string, msg: string, fields: LogFields = {}) => {
    const entry: LogFields = { time: new Date().toISOString(), level, msg, ...options.base };
    for (const [key, value] of Object.entries(fields)) entry[key] = value instanceof Error ? describeError(value) : value;
    if (format === 'json') return write(`${JSON.stringify(entry)}\n`);
    const { time, level: lvl, msg: text, ...rest } = entry;
    const extra = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    write(`${String(time)} ${String(lvl)} ${String(text)}${extra.length ? ` ${extra.join(' ')}` : ''}\n`);
  };
  return {
    info: (msg, fields) => line('info', msg, fields),
    warn: (msg, fields) => line('warn', msg, fields),
    error: (msg, fields) => line('error', msg, fields),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** The older `(message, error?) => void` callback, as a logger. */
export function loggerFromCallback(log: (message: string, error?: unknown) => void): Logger {
  const call = (message: string, fields?: LogFields) => {
    if (fields?.error !== undefined) log(message, fields.error);
    else log(message);
  };
  return { info: call, warn: call, error: call };
}

function describeError(error: Error): LogFields {
  const code = (error as { code?: unknown }).code;
  return { message: error.message, name: error.name, ...(code !== undefined ? { code } : {}), stack: error.stack };
}
