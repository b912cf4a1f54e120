import { html, nothing, type TemplateResult } from 'lit';
import type { Block, Inline } from './parse.js';

// Every node becomes a Lit template: text is always bound as text, and the only URL-bearing attribute is an
// `href` that `safeUrl` allowed. Nothing here binds user data to `on*`, `style` or any other attribute.

type Out = TemplateResult | string | typeof nothing;

export function renderBlocks(blocks: readonly Block[]): Out[] {
  return blocks.map(renderBlock);
}

function renderBlock(block: Block): Out {
  switch (block.t) {
    case 'p':
      return html`<p dir="auto">${renderInline(block.c)}</p>`;
    case 'quote':
      return html`<blockquote dir="auto">${renderBlocks(block.c)}</blockquote>`;
    case 'ul':
      return html`<ul>${block.items.map((item) => html`<li dir="auto">${renderInline(item)}</li>`)}</ul>`;
    case 'ol':
      return html`<ol>${block.items.map((item) => html`<li dir="auto">${renderInline(item)}</li>`)}</ol>`;
    case 'pre':
      return html`<pre dir="ltr"><code>${block.v}</code></pre>`;
  }
}

export function renderInline(nodes: readonly Inline[]): Out[] {
  return nodes.map((node) => {
    if (typeof node === 'string') return node;
    switch (node.t) {
      case 'br':
        return html`<br />`;
      case 'code':
        return html`<code>${node.v}</code>`;
      case 'em':
        return html`<em>${renderInline(node.c)}</em>`;
      case 'strong':
        return html`<strong>${renderInline(node.c)}</strong>`;
      case 'strike':
        return html`<s>${renderInline(node.c)}</s>`;
      case 'spoiler':
        return html`<span class="spoiler" role="button" tabindex="0" aria-expanded="false" @click=${toggleSpoiler} @keydown=${spoilerKey}
          >${renderInline(node.c)}</span
        >`;
      case 'link':
        return html`<a href=${node.href} rel="noopener noreferrer ugc" target="_blank">${renderInline(node.c)}</a>`;
    }
  });
}

/** Reveals a spoiler. The class is not bound by the template, so a re-render leaves it as the reader set it. */
function toggleSpoiler(event: Event): void {
  const spoiler = event.currentTarget as HTMLElement;
  if (spoiler.classList.contains('shown') && (event.target as Element).closest('a')) return;
  const shown = spoiler.classList.toggle('shown');
  spoiler.setAttribute('aria-expanded', String(shown));
  if (!shown) return;
  // Once open, a click on a link inside it follows the link; before, it only reveals.
  event.preventDefault();
}

function spoilerKey(event: KeyboardEvent): void {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  event.preventDefault();
  toggleSpoiler(event);
}

/** The first line of a body as plain text, for reply quotes and announcements. */
export function excerpt(body: string, max = 120): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
