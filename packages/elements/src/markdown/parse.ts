// A deliberately small markdown subset for message bodies, parsed to a tiny tree that templates render.
// Never HTML: a body is text, and anything not recognised below stays text.

export type Inline =
  | string
  | { t: 'em' | 'strong' | 'strike' | 'spoiler'; c: Inline[] }
  | { t: 'code'; v: string }
  | { t: 'link'; href: string; c: Inline[] }
  | { t: 'br' };

export type Block =
  | { t: 'p'; c: Inline[] }
  | { t: 'quote'; c: Block[] }
  | { t: 'ul' | 'ol'; items: Inline[][] }
  | { t: 'pre'; v: string };

/** Nesting deeper than this (quotes in quotes, emphasis in emphasis) is shown as plain text. */
const MAX_DEPTH = 4;

const BULLET = /^\s{0,3}[-*+]\s+/;
const NUMBERED = /^\s{0,3}\d{1,3}[.)]\s+/;
const QUOTE = /^\s{0,3}>\s?/;
const FENCE = /^\s{0,3}```/;

/**
 * The scheme allow-list for every link: `http:`, `https:` and `mailto:`. Anything else (`javascript:`,
 * `data:`, relative paths that would resolve against the host page) is not a link.
 */
export function safeUrl(raw: string): string | null {
  if (!/^(https?:\/\/|mailto:)/i.test(raw)) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : null;
  } catch {
    return null;
  }
}

export function parse(body: string, depth = 0): Block[] {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length) blocks.push({ t: 'p', c: parseInline(paragraph.join('\n'), depth) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (FENCE.test(line)) {
      endParagraph();
      const code: string[] = [];
      for (i++; i < lines.length && !FENCE.test(lines[i]!); i++) code.push(lines[i]!);
      i++; // the closing fence (or the end of the body)
      blocks.push({ t: 'pre', v: code.join('\n') });
    } else if (QUOTE.test(line) && depth < MAX_DEPTH) {
      endParagraph();
      const quoted: string[] = [];
      for (; i < lines.length && QUOTE.test(lines[i]!); i++) quoted.push(lines[i]!.replace(QUOTE, ''));
      blocks.push({ t: 'quote', c: parse(quoted.join('\n'), depth + 1) });
    } else if (BULLET.test(line) || NUMBERED.test(line)) {
      endParagraph();
      const marker = BULLET.test(line) ? BULLET : NUMBERED;
      const items: Inline[][] = [];
      for (; i < lines.length && marker.test(lines[i]!); i++) items.push(parseInline(lines[i]!.replace(marker, ''), depth));
      blocks.push({ t: marker === BULLET ? 'ul' : 'ol', items });
    } else if (line.trim() === '') {
      endParagraph();
      i++;
    } else {
      paragraph.push(line);
      i++;
    }
  }
  endParagraph();
  return blocks;
}

const PAIRS: [string, 'strong' | 'strike' | 'spoiler' | 'em'][] = [
  ['**', 'strong'],
  ['~~', 'strike'],
  ['||', 'spoiler'],
  ['*', 'em'],
  ['_', 'em'],
];
const LINK = /^\[([^\]\n]{1,500})\]\(([^()\s]{1,2000})\)/;
const AUTOLINK = /^(?:https?:\/\/|mailto:)[^\s<>"]+/i;
const WORD = /[\p{L}\p{N}_]/u;

export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const push = (node: Inline) => {
    if (plain) out.push(plain);
    plain = '';
    out.push(node);
  };
  for (let i = 0; i < text.length; ) {
    const ch = text[i]!;
    const rest = text.slice(i);
    if (ch === '\\' && i + 1 < text.length && /[\\`*_~|[\]()>#+\-.!]/.test(text[i + 1]!)) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '\n') {
      push({ t: 'br' });
      i++;
      continue;
    }
    if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        push({ t: 'code', v: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '[') {
      const match = LINK.exec(rest);
      const href = match && safeUrl(match[2]!);
      if (match && href) {
        push({ t: 'link', href, c: depth < MAX_DEPTH ? parseInline(match[1]!, depth + 1) : [match[1]!] });
        i += match[0].length;
        continue;
      }
    }
    if ((ch === 'h' || ch === 'H' || ch === 'm' || ch === 'M') && !WORD.test(text[i - 1] ?? ' ')) {
      const match = AUTOLINK.exec(rest);
      if (match) {
        // Sentence punctuation right after a URL belongs to the sentence.
        const raw = match[0].replace(/[.,;:!?'’)\]]+$/, '');
        const href = safeUrl(raw);
        if (href) {
          push({ t: 'link', href, c: [raw] });
          i += raw.length;
          continue;
        }
      }
    }
    const pair = depth < MAX_DEPTH && PAIRS.find(([mark]) => rest.startsWith(mark));
    if (pair) {
      const [mark, t] = pair;
      const end = closing(text, mark, i + mark.length);
      if (end !== -1) {
        push({ t, c: parseInline(text.slice(i + mark.length, end), depth + 1) });
        i = end + mark.length;
        continue;
      }
    }
    plain += ch;
    i++;
  }
  if (plain) out.push(plain);
  return out;
}

/** Where a delimiter run opened at `from` closes: non-empty, not padded with spaces, `_` not inside words. */
function closing(text: string, mark: string, from: number): number {
  const first = text[from];
  if (first === undefined || /\s/.test(first)) return -1;
  if (mark === '_' && WORD.test(text[from - 2] ?? ' ')) return -1;
  for (let end = text.indexOf(mark, from); end !== -1; end = text.indexOf(mark, end + 1)) {
    if (end === from) continue;
    if (/\s/.test(text[end - 1]!)) continue;
    if (mark === '_' && WORD.test(text[end + 1] ?? ' ')) continue;
    if (mark === '*' && text[end + 1] === '*') {
      end++; // part of a ** run, not the end of this emphasis
      continue;
    }
    return end;
  }
  return -1;
}
