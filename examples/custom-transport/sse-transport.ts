// The one file an integrator writes: a Hearth transport for the example REST + Server-Sent Events backend.
// It only moves data — the core client owns retries, ordering, dedupe and optimistic state. Works in
// browsers and in Node ≥ 18 (fetch with a streaming body; no EventSource needed).
import { HearthError, type ErrorInfo } from '@hearth/protocol';
import type { Transport } from '@hearth/core';

export function createSseTransport(options: { url: string; fetch?: typeof fetch }): Transport {
  const http = options.fetch ?? fetch.bind(globalThis);
  let link: { circle: string; key: string; abort: AbortController } | null = null;

  async function call<T>(path: string, init?: RequestInit): Promise<T> {
    let response: Response;
    try {
      response = await http(`${options.url}${path}`, init);
    } catch (error) {
      throw new HearthError('unavailable', `cannot reach the backend: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => null)) as { error?: ErrorInfo; ok?: boolean } | null;
    // A refused command is a normal answer (`{ok: false, error}`); an `error` on its own is a failed request,
    // whatever the status (a join request waiting for approval answers 202).
    if (!response.ok || (body?.error && body.ok === undefined)) {
      throw HearthError.from(body?.error ?? { code: 'unavailable', message: `HTTP ${response.status}` });
    }
    return body as T;
  }

  const endpoint = (action: string, query: Record<string, string> = {}) => {
    if (!link) throw new HearthError('unavailable', 'not connected');
    return `/api/${link.circle}/${action}?${new URLSearchParams({ key: link.key, ...query })}`;
  };

  return {
    async connect(params, sink) {
      link?.abort.abort();
      const { session, key } = await call<{ session: Awaited<ReturnType<Transport['connect']>>; key: string }>(`/api/${params.circle}/connect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ credentials: params.credentials, cursor: params.cursor }),
      });
      const mine = { circle: params.circle, key, abort: new AbortController() };
      link = mine;
      const response = await http(`${options.url}${endpoint('events')}`, { signal: mine.abort.signal }).catch(() => null);
      if (!response?.ok || !response.body) throw new HearthError('unavailable', 'the event stream did not open');
      // Read after `connect` has resolved, so the caller has the session before the first event.
      queueMicrotask(() => void readStream(response.body!, mine.abort.signal, sink.event, (error) => link === mine && ((link = null), sink.disconnected(error))));
      return session;
    },
    async send(command) {
      return call(endpoint('commands'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(command) });
    },
    async history(query) {
      return call(endpoint('history', { threadId: query.threadId, limit: String(query.limit), ...(query.before ? { before: query.before } : {}) }));
    },
    async close() {
      link?.abort.abort();
      link = null;
    },
  };
}

/** Parses `event:`/`data:` blocks from a text/event-stream body. */
async function readStream(body: ReadableStream<Uint8Array>, signal: AbortSignal, onEvent: (event: never) => void, onEnd: (error: ErrorInfo) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended: ErrorInfo = { code: 'unavailable', message: 'the event stream ended' };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!data) continue;
        if (type === 'hearth') onEvent(JSON.parse(data) as never);
        else if (type === 'closed') ended = JSON.parse(data) as ErrorInfo;
      }
    }
  } catch {
    // aborted or network error: reported below unless we closed it ourselves
  }
  if (!signal.aborted) onEnd(ended);
}
