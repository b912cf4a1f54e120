import { expect } from '@open-wc/testing';
import { fr, registerLanguage, translate, type HearthMessageElement } from '@hearth/elements';
import { button, circleWithMembers, until } from './helpers.js';

describe('the message catalogue', () => {
  before(() => registerLanguage('fr', fr));

  it('picks each language’s plural form, whichever language asked before', () => {
    // English says "0 members", French "0 membre": rules kept for one language must not answer for another.
    for (let round = 0; round < 3; round++) {
      expect(translate('en', 'members.count', { count: 0 })).to.equal('0 members');
      expect(translate('fr', 'members.count', { count: 0 })).to.equal('0 membre');
      expect(translate('en', 'members.count', { count: 1 })).to.equal('1 member');
      expect(translate('fr', 'members.count', { count: 1 })).to.equal('1 membre');
      expect(translate('fr-CA', 'members.count', { count: 2 })).to.equal('2 membres');
      expect(translate('en', 'members.count', { count: 2 })).to.equal('2 members');
    }
  });

  it('fills parameters, leaves unknown ones as written, and returns plain strings as they are', () => {
    expect(translate('en', 'message.reaction', { reaction: '🔥', count: 3 })).to.equal('🔥: 3 reactions');
    expect(translate('en', 'mod.inviteUsed', { count: 2 })).to.equal('Used 2 of {max} times');
    expect(translate('en', 'message.reply')).to.equal('Reply');
  });

  it('an element speaks its nearest ancestor’s language, read afresh at every update', async () => {
    const { owner, member, threadId } = await circleWithMembers();
    const messageId = await member.post({ threadId }, 'Bonjour');
    await owner.loadOlder(threadId);
    const snapshot = await until(owner, (s) => !!s.threads[threadId]!.messages.find((m) => m.id === messageId && !m.pending), 'message');
    const message = snapshot.threads[threadId]!.messages.find((m) => m.id === messageId)!;
    // Built by hand: a fixture of a plain <div> would wait for an animation frame, which a test page in the
    // background never gets.
    const host = document.createElement('div');
    host.lang = 'fr';
    const element = document.createElement('hearth-message') as HearthMessageElement;
    element.client = owner;
    element.message = message;
    host.append(element);
    document.body.append(host);
    try {
      await element.updateComplete;
      expect(button(element, 'Répondre'), 'French').to.exist;
      host.lang = 'en';
      element.requestUpdate();
      await element.updateComplete;
      expect(button(element, 'Reply'), 'English after the page changed language').to.exist;
      expect(button(element, 'Répondre')).to.equal(undefined);
    } finally {
      host.remove();
    }
  });
});
