// One seeded chaos run: a circle on a backend, N clients behind faulty transports issuing a random mix of
// commands, then healing; returns what differs between every client and the backend (empty = converged).
// The backend is the memory hub with chaos transports by default; test/reliability runs the same scenario
// against a real server process through a faulty TCP proxy.
import { createCircleClient, createMemoryHub, memoryStorage, type CircleClient, type CircleEvent, type Message, type Transport } from '@hearth/core';
import { chaosTransport, seededRandom, type ChaosTransport } from '@hearth/core/testing';

export interface RunResult {
  problems: string[];
  commands: number;
  faults: Record<string, number>;
}

/** Where a chaos run's circle lives, and how its clients reach it. */
export interface ChaosBackend {
  /** A circle whose reactions include `+1` and `heart`, with its owner's token and a multi-use invite. */
  circle: string;
  ownerToken: string;
  inviteCode: string;
  /** A transport for one more client; its faults come from `random`. */
  transport(random: () => number): Transport;
  /** Called once every client has connected: faults that would stop a join start now. */
  unleash(): void;
  /** Turns every fault off for the healing phase (and waits for a fault still under way to end). */
  heal(): void | Promise<void>;
  faults(): Record<string, number>;
  /** Every event the backend stored, in seq order: the truth the clients must end with. */
  events(): CircleEvent[];
  /** The messages the backend stores (when it keeps them apart from events): must match the events. */
  messages?(): Message[];
  close(): Promise<void>;
}

export interface ChaosRunOptions {
  clients?: number;
  commandsPerClient?: number;
  /** Builds the backend for one seed; the memory hub with chaos transports by default. */
  backend?: (seed: number) => Promise<ChaosBackend>;
  /** How long the commands may take to settle, and the clients to converge after healing. */
  settleMs?: number;
  convergeMs?: number;
  /** Most the client waits between two commands. */
  pauseMs?: number;
  /** Clients go on issuing commands past `commandsPerClient` while this says so (faults still under way). */
  keepWorking?: () => boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

/** The memory hub, each client behind a chaos transport that drops, duplicates, delays and cuts. */
export async function memoryBackend(): Promise<ChaosBackend> {
  const hub = createMemoryHub();
  const circle = 'chaos';
  const { ownerToken } = hub.createCircle({ id: circle, name: 'Chaos', owner: { displayName: 'Owner' }, reactions: ['+1', 'heart'] });
  const inviteCode = hub.createInvite(circle, { maxUses: null, expiresInMs: null });
  const transports: ChaosTransport[] = [];
  return {
    circle,
    ownerToken,
    inviteCode,
    transport(random) {
      const transport = chaosTransport(hub.transport(), { random, drop: 0.05, duplicate: 0.05, delay: 0.1, maxDelayMs: 15, cut: 0.05 });
      transports.push(transport);
      return transport;
    },
    unleash() {},
    heal() {
      for (const t of transports) t.heal();
    },
    faults: () =>
      transports.reduce(
        (sum, t) => ({ dropped: sum.dropped + t.faults.dropped, duplicated: sum.duplicated + t.faults.duplicated, delayed: sum.delayed + t.faults.delayed, cuts: sum.cuts + t.faults.cuts }),
        { dropped: 0, duplicated: 0, delayed: 0, cuts: 0 },
      ),
    events: () => hub.events(circle),
    async close() {},
  };
}

export async function chaosRun(seed: number, options: ChaosRunOptions = {}): Promise<RunResult> {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const backend = await (options.backend ?? memoryBackend)(seed);
  try {
    return await run(seed, random, pick, backend, options);
  } finally {
    await backend.close();
  }
}

async function run(seed: number, random: () => number, pick: <T>(list: readonly T[]) => T, backend: ChaosBackend, options: ChaosRunOptions): Promise<RunResult> {
  const { circle, ownerToken, inviteCode: code } = backend;
  const clients: CircleClient[] = [];
  const count = options.clients ?? 3;
  for (let i = 0; i < count; i++) {
    const transport = backend.transport(random);
    const client = createCircleClient({
      transport,
      circle,
      credentials: i === 0 ? { kind: 'token', token: ownerToken } : { kind: 'invite', code, displayName: `Member ${i}`, acceptNorms: true },
      storage: memoryStorage(),
      // Short backoff keeps a run quick; the jitter still comes from the seed.
      environment: { random: () => random() * 0.05 },
    });
    clients.push(client);
    client.connect();
  }
  const problems: string[] = [];
  if (!(await until(() => clients.every((c) => c.getSnapshot().status === 'connected'), 5000))) problems.push('not every client connected');
  backend.unleash();

  // Two threads to write in, created by the owner.
  const threadIds = [await clients[0]!.createThread('One'), await clients[0]!.createThread('Two')].filter(Boolean);

  let commands = 0;
  const mine = new Map<CircleClient, string[]>(clients.map((c) => [c, []]));
  const work = clients.map(async (client) => {
    const settles: Promise<unknown>[] = [];
    for (let n = 0; n < (options.commandsPerClient ?? 12) || options.keepWorking?.(); n++) {
      const snapshot = client.getSnapshot();
      const known = threadIds.flatMap((t) => snapshot.threads[t]?.messages ?? []).filter((m) => !m.pending && m.state === 'visible');
      const own = known.filter((m) => m.authorId === snapshot.me?.id);
      const roll = random();
      commands++;
      let sent: Promise<unknown>;
      if (roll < 0.5 || known.length === 0) {
        const target = known.length > 0 && random() < 0.3 ? pick(known) : null;
        sent = client.post({ threadId: target?.threadId ?? pick(threadIds) }, `s${seed} c${clients.indexOf(client)} n${n}`, target ? { replyTo: target.id } : {}).then((id) => mine.get(client)!.push(id));
      } else if (roll < 0.75) sent = client.react(pick(known).id, pick(['+1', 'heart']), random() < 0.8);
      else if (roll < 0.9 && own.length > 0) sent = client.edit(pick(own).id, `edited s${seed} n${n}`);
      else if (own.length > 0) sent = client.delete(pick(own).id);
      else sent = client.post({ threadId: pick(threadIds) }, `s${seed} fallback n${n}`).then((id) => mine.get(client)!.push(id));
      // Commands may be refused for good reasons (editing what another command deleted): that is not lost.
      settles.push(sent.catch(() => {}));
      await sleep(random() * (options.pauseMs ?? 8));
    }
    await Promise.all(settles);
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settleMs = options.settleMs ?? 20_000;
  const stalled = new Promise<void>((resolve) => (timer = setTimeout(() => (problems.push(`commands did not settle within ${settleMs / 1000} s`), resolve()), settleMs)));
  await Promise.race([Promise.all(work), stalled]);
  clearTimeout(timer);

  // Heal, then make one more event so a client that lost the last events sees the hole and resumes.
  await backend.heal();
  await clients[0]!.post({ threadId: threadIds[0]! }, `sentinel ${seed}`).catch((e) => problems.push(`sentinel refused: ${e.message}`));
  const events = () => backend.events();
  const head = () => events()[events().length - 1]!.seq;
  const settled = await until(
    () => clients.every((c) => { const s = c.getSnapshot(); return s.status === 'connected' && s.pendingCount === 0 && s.cursor === String(head()); }),
    options.convergeMs ?? 10_000,
  );
  if (!settled) {
    clients.forEach((c, i) => {
      const s = c.getSnapshot();
      problems.push(`client ${i} did not settle: status ${s.status}, pending ${s.pendingCount}, cursor ${s.cursor} vs head ${head()}`);
    });
  }

  // The backend's truth: the last version of every message, and each command's events in one block.
  const truth = new Map<string, Message>();
  const byCommand = new Map<string, CircleEvent[]>();
  for (const event of events()) {
    if (event.type === 'message.upserted') truth.set(event.message.id, event.message);
    if (event.commandId) byCommand.set(event.commandId, [...(byCommand.get(event.commandId) ?? []), event]);
  }
  for (const [commandId, group] of byCommand) {
    const contiguous = group.every((e, i) => i === 0 || e.seq === group[i - 1]!.seq + 1);
    const entities = group.map((e) => `${e.type}:${'message' in e ? e.message.id : 'thread' in e ? e.thread.id : ''}`);
    if (!contiguous || new Set(entities).size !== entities.length) problems.push(`command ${commandId} was applied more than once`);
  }
  if (backend.messages) {
    const stored = new Map(backend.messages().map((m) => [m.id, m]));
    if (stored.size !== truth.size) problems.push(`the backend stores ${stored.size} messages but its events describe ${truth.size}`);
    for (const [id, message] of truth) {
      if (JSON.stringify(stored.get(id)) !== JSON.stringify(message)) problems.push(`stored message ${id} differs from its last event`);
    }
  }
  for (const [client, ids] of mine) {
    for (const id of ids) if (!truth.has(id)) problems.push(`acknowledged post ${id} of client ${clients.indexOf(client)} is not stored`);
  }
  clients.forEach((client, i) => {
    const snapshot = client.getSnapshot();
    for (const threadId of threadIds) {
      const expected = [...truth.values()].filter((m) => m.threadId === threadId).sort((a, b) => a.seq - b.seq);
      const actual = snapshot.threads[threadId]?.messages ?? [];
      const stuck = actual.filter((m) => m.pending);
      if (stuck.length) problems.push(`client ${i} has ${stuck.length} optimistic message(s) stuck in ${threadId}`);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        problems.push(`client ${i} thread ${threadId} differs from the backend (${actual.length} vs ${expected.length} messages)`);
      }
    }
  });
  for (const client of clients) client.dispose();
  return { problems, commands, faults: backend.faults() };
}
