// A report keeps a copy of what was reported, so its author cannot edit the message into something harmless
// before a moderator looks: the moderators' queue shows the text as it was when it was reported.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { ReportSchema, type Report } from '@hearth/protocol';
import { harness } from './rules-harness.js';

function queue(h: ReturnType<typeof harness>): Report[] {
  return (h.ok(h.owner.id, { type: 'report.list', includeResolved: true }).ack.result as { reports: Report[] }).reports;
}

describe('report snapshot', () => {
  it('stores the body and content warning at report time; a later edit does not change it', () => {
    const h = harness();
    const author = h.join('Mallory');
    const reporter = h.join('Rae');
    const threadId = h.thread();
    const messageId = h.post(author.id, threadId, 'something nasty', { contentWarning: 'nasty' });
    h.ok(reporter.id, { type: 'message.report', reportId: h.newId(), messageId, reason: 'abusive' });
    h.ok(author.id, { type: 'message.edit', messageId, body: 'something nice', contentWarning: null });
    const [report] = queue(h);
    assert.deepEqual(report!.snapshot, { body: 'something nasty', contentWarning: 'nasty' });
    assert.ok(v.is(ReportSchema, report), 'the queue entry parses with the protocol schema');
  });

  it('a post held by the word filter is queued with its text', () => {
    const h = harness({ wordFilter: { banned: [], suspect: ['heck'] } });
    const threadId = h.thread();
    const member = h.join('Sam');
    h.post(member.id, threadId, 'what the heck');
    const [report] = queue(h);
    assert.deepEqual(report!.snapshot, { body: 'what the heck', contentWarning: null });
  });

  it('a report stored before snapshots existed still parses', () => {
    const old = { id: 'report-00000001', messageId: 'message-0000001', threadId: 'thread-00000001', reporterId: 'member-0000001', reason: 'spam', createdAt: 1, resolvedAt: null };
    assert.ok(v.is(ReportSchema, old));
  });
});
