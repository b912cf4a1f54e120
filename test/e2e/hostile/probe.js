// Page-side probes of the hostile-content suite, installed with page.evaluate (so the page's CSP, which
// forbids inline script, does not apply and no test code is served to the page). Plain JS on purpose: the
// test's TypeScript compiler would wrap named functions in helpers the page does not have.
(() => {
  /** Elements a Hearth widget never renders: any of them in the page body or a shadow root was injected. */
  const FORBIDDEN = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'img', 'svg', 'math', 'style', 'link', 'meta',
    'base', 'template', 'video', 'audio', 'source', 'picture', 'canvas', 'noscript', 'xmp', 'plaintext', 'marquee', 'dialog', 'details']);
  const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc', 'data', 'poster', 'background', 'ping']);
  /** Attributes the body renderer sets, per tag, and nothing else (see packages/elements/src/markdown/render.ts). */
  const BODY_ATTRIBUTES = {
    p: ['dir'], blockquote: ['dir'], li: ['dir'], pre: ['dir'], ul: [], ol: [], code: [], em: [], strong: [], s: [], br: [],
    span: ['class', 'role', 'tabindex', 'aria-expanded'], a: ['href', 'rel', 'target'],
  };

  const walk = (root, out = []) => {
    for (const element of root.querySelectorAll('*')) {
      out.push(element);
      if (element.shadowRoot) walk(element.shadowRoot, out);
    }
    return out;
  };
  const circle = () => document.querySelector('hearth-circle');
  const thread = () => circle().shadowRoot.querySelector('hearth-thread');
  const settle = async (element) => {
    for (let i = 0; i < 3; i++) await element.updateComplete;
  };
  const describe = (element) => `<${element.localName}${[...element.attributes].map((a) => ` ${a.name}="${a.value.slice(0, 40)}"`).join('')}>`;
  const isolating = (element) => ['isolate', 'isolate-override', 'plaintext'].includes(getComputedStyle(element).unicodeBidi);
  const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

  window.__probe = {
    /** Anything injected anywhere: a forbidden element, an event-handler attribute, a script URL. */
    scan() {
      const problems = [];
      for (const element of walk(document.body)) {
        if (FORBIDDEN.has(element.localName)) problems.push(`forbidden element ${describe(element)}`);
        for (const attribute of element.attributes) {
          if (attribute.name.startsWith('on')) problems.push(`event handler attribute on ${describe(element)}`);
          if (URL_ATTRIBUTES.has(attribute.name) && !/^(https?:|mailto:)/i.test(attribute.value.trim())) problems.push(`URL attribute ${describe(element)}`);
          if (attribute.name === 'style') problems.push(`inline style on ${describe(element)}`);
        }
      }
      // The host page's light DOM is the host's: the widget adds nothing to it.
      const light = [...document.body.children].map((e) => e.id || e.localName).join(',');
      if (light !== 'host-text,hearth-circle,host-after') problems.push(`host page body changed: ${light}`);
      return problems;
    },

    /** Layout: nothing wider than its container, the page never scrolls sideways because of the widget. */
    layout() {
      const problems = [];
      const root = document.documentElement;
      if (root.scrollWidth > root.clientWidth + 1) problems.push(`page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
      const host = circle().getBoundingClientRect();
      if (host.right > root.clientWidth + 1 || host.left < -1) problems.push('widget wider than the page');
      for (const element of walk(circle().shadowRoot)) {
        if (element.closest('pre') && element.localName !== 'pre') continue; // code blocks scroll on their own
        if (element.closest('.sr-only')) continue; // visually hidden text for screen readers
        const box = element.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        if (box.left < host.left - 1 || box.right > host.right + 1) problems.push(`outside the widget: ${describe(element)} ${Math.round(box.left)}…${Math.round(box.right)} of ${Math.round(host.left)}…${Math.round(host.right)}`);
        const style = getComputedStyle(element);
        if (style.overflowX !== 'visible' && element.localName !== 'pre' && element.localName !== 'textarea' && element.scrollWidth > element.clientWidth + 1) {
          problems.push(`scrolls sideways: ${describe(element)} ${element.scrollWidth} > ${element.clientWidth}`);
        }
      }
      return problems.slice(0, 20);
    },

    /** Text with bidi controls must sit in an isolating element holding nothing but that text. */
    bidi(selector, expected) {
      const problems = [];
      for (const element of walk(circle().shadowRoot)) {
        if (!element.matches(selector)) continue;
        for (const node of element.shadowRoot ? [] : element.childNodes) {
          if (node.nodeType !== 3 || !BIDI.test(node.data)) continue;
          let box = node.parentElement;
          while (box && !isolating(box)) box = box.parentElement;
          if (!box || !expected.includes(box.textContent.trim())) problems.push(`bidi text not isolated: ${JSON.stringify(node.data)} in ${describe(element)}`);
        }
      }
      return problems;
    },

    async showThread(key) {
      circle().setAttribute('thread', key);
      await settle(circle());
      const t = thread();
      await settle(t);
      return t.threadKey === key;
    },

    /** Loads a thread's whole history (a reloaded page starts with its newest page only). */
    async loadAll(key) {
      const client = circle().client;
      const id = client.getSnapshot().threadsByKey[key]?.id;
      if (!id) return false;
      while (await client.loadOlder(id, 200));
      return true;
    },

    /** Whether the thread shows `count` settled messages. */
    async shows(count) {
      const t = thread();
      if (!t) return false;
      await settle(t);
      const messages = [...t.shadowRoot.querySelectorAll('hearth-message')];
      if (messages.length !== count || messages.some((m) => m.message.pending)) return false;
      await Promise.all(messages.map((m) => m.updateComplete));
      return true;
    },

    /** Every message of the thread shown: its model and what it renders. */
    messages() {
      const t = thread();
      return [...t.shadowRoot.querySelectorAll('hearth-message')].map((m) => {
        const root = m.shadowRoot;
        const body = root.querySelector('[part=body]');
        const elements = body ? [...body.querySelectorAll('*')] : [];
        const badAttributes = [];
        for (const element of elements) {
          const allowed = BODY_ATTRIBUTES[element.localName] ?? [];
          for (const attribute of element.attributes) if (!allowed.includes(attribute.name)) badAttributes.push(`${attribute.name} on ${describe(element)}`);
        }
        const author = root.querySelector('[part=author]');
        return {
          id: m.message.id,
          authorId: m.message.authorId,
          model: m.message.body,
          pending: m.message.pending ?? null,
          text: body ? body.textContent : null,
          tags: elements.map((e) => e.localName),
          hrefs: elements.filter((e) => e.localName === 'a').map((e) => e.getAttribute('href')),
          badAttributes,
          author: author ? { text: author.textContent, children: author.children.length } : null,
          reactions: [...root.querySelectorAll('[part=reactions] button')].map((b) => ({ text: b.textContent, label: b.getAttribute('aria-label'), children: b.children.length })),
        };
      });
    },

    /** Names in the members list, and the aria-labels naming members (moderators see action groups). */
    members() {
      const list = circle().shadowRoot.querySelector('hearth-members');
      const root = list.shadowRoot;
      return {
        names: [...root.querySelectorAll('.name')].map((n) => ({ text: n.textContent, children: n.children.length })),
        labels: [...root.querySelectorAll('[role=group][aria-label]')].map((g) => g.getAttribute('aria-label')),
      };
    },

    /** Opens a tab of the circle: 0 the thread(s), 1 the members. */
    async tab(index) {
      circle().shadowRoot.querySelectorAll('nav[part=nav] button')[index].click();
      await settle(circle());
      for (const element of walk(circle().shadowRoot)) if (element.updateComplete) await element.updateComplete;
    },

    /**
     * Shows each page-keyed thread in turn through the circle's `thread` attribute and reads what it shows.
     * Returns the mismatches with `expected`: [key, the bodies of its messages].
     */
    async visitKeys(expected) {
      const problems = [];
      for (const [key, bodies] of expected) {
        circle().setAttribute('thread', key);
        await settle(circle());
        const t = thread();
        const start = Date.now();
        let shown = [];
        for (;;) {
          await settle(t);
          shown = [...t.shadowRoot.querySelectorAll('hearth-message')];
          if (shown.length === bodies.length && shown.every((m) => !m.message.pending) || Date.now() - start > 5000) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await Promise.all(shown.map((m) => m.updateComplete));
        const view = t.view;
        const texts = shown.map((m) => m.shadowRoot.querySelector('[part=body]')?.textContent);
        if (t.threadKey !== key || view?.key !== key || view?.thread?.key !== key) problems.push(`${JSON.stringify(key)}: shows thread ${JSON.stringify(view?.key)}`);
        else if (JSON.stringify(texts) !== JSON.stringify(bodies) || shown.some((m, i) => m.message.body !== bodies[i])) problems.push(`${JSON.stringify(key)}: shows ${JSON.stringify(texts)}`);
      }
      return problems;
    },

    /** Opens the reaction picker of the last message shown and returns its choices. */
    async picker() {
      const messages = thread().shadowRoot.querySelectorAll('hearth-message');
      const last = messages[messages.length - 1];
      last.shadowRoot.querySelector('[data-action=react]').click();
      await settle(last);
      const choices = [...last.shadowRoot.querySelectorAll('.reactions[role=group] button:not(.quiet)')].map((b) => ({ text: b.textContent, children: b.children.length }));
      last.shadowRoot.querySelector('.reactions[role=group] button.quiet').click();
      await settle(last);
      return choices;
    },

    /** Titles in the circle's thread list (the circle without a `thread` attribute). */
    async titles() {
      circle().removeAttribute('thread');
      await settle(circle());
      const list = circle().shadowRoot.querySelector('hearth-thread-list');
      await settle(list);
      return [...list.shadowRoot.querySelectorAll('.title')].map((t) => ({ text: t.textContent, children: t.children.length }));
    },

    /**
     * Opens the circle's moderation view at `tab` (queue, requests, invites, audit), reloads the tab's list,
     * and reads its entries: the isolated words of each (names, report reasons, actions: the `<bdi>`s) and its
     * free text (notes, moderators' reasons: `[dir=auto]`), each with how many elements it holds.
     */
    async moderation(tab) {
      const nav = [...circle().shadowRoot.querySelectorAll('nav[part=nav] button')];
      nav[nav.length - 1].click();
      await settle(circle());
      await customElements.whenDefined('hearth-moderation');
      await settle(circle());
      const tools = circle().shadowRoot.querySelector('hearth-moderation');
      await settle(tools);
      tools.shadowRoot.querySelector(`#tab-${tab}`).click();
      await settle(tools);
      await tools.refresh();
      await settle(tools);
      const read = (element) => ({ text: element.textContent, children: element.children.length });
      return [...tools.shadowRoot.querySelectorAll('#panel li')].map((li) => ({
        isolated: [...li.querySelectorAll('bdi')].map(read),
        free: [...li.querySelectorAll('span[dir=auto]')].map(read),
      }));
    },

    snapshot() {
      const s = circle().client.getSnapshot();
      return { status: s.status, error: s.error, reactions: s.circle?.reactions ?? [], memberCount: Object.keys(s.members).length, keys: Object.keys(s.threadsByKey) };
    },
  };
})();
