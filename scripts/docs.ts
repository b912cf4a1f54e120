// Fills the generated parts of the guides from the elements' Custom Elements Manifest (written by the build
// from the JSDoc of each element) and the default colours in the elements' styles, so the reference cannot
// drift from the code. A guide marks a generated part with
//
//   <!-- generated:NAME -->
//   …replaced on every run…
//   <!-- /generated:NAME -->
//
// `npm run docs` rewrites them; `npm run docs -- --check` (and test/build/docs.test.ts) fails when one is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const GUIDES = ['docs/embedding.md', 'docs/theming.md', 'docs/elements.md'];
export const MANIFEST = 'packages/elements/dist/custom-elements.json';
const STYLES = 'packages/elements/src/shared/styles.ts';

interface Named {
  name: string;
  description?: string;
}
interface Attribute extends Named {
  fieldName?: string;
  type?: { text: string };
  default?: string;
}
interface Declaration {
  tagName?: string;
  summary?: string;
  description?: string;
  attributes?: Attribute[];
  members?: (Named & { kind: string; privacy?: string; static?: boolean; type?: { text: string }; readonly?: boolean })[];
  events?: Named[];
  cssParts?: Named[];
  cssProperties?: Named[];
}
export interface Manifest {
  modules: { path: string; declarations?: Declaration[] }[];
}

/** The elements in the order a reader meets them: the drop-in first, then its pieces. */
const ORDER = ['hearth-circle', 'hearth-join', 'hearth-thread-list', 'hearth-thread', 'hearth-message', 'hearth-composer', 'hearth-members', 'hearth-moderation', 'hearth-status'];

export function elementsOf(manifest: Manifest): Declaration[] {
  const all = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.tagName);
  return all.sort((a, b) => rank(a.tagName!) - rank(b.tagName!));
}
const rank = (tag: string) => (ORDER.includes(tag) ? ORDER.indexOf(tag) : ORDER.length);

/** Text for one table cell: one line, pipes escaped. */
const cell = (text = '') => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
const code = (text: string) => `\`${cell(text)}\``;

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The system tokens' built-in values, light and dark, read from the elements' shared styles. */
export function tokenDefaults(stylesSource: string): Map<string, { light: string; dark: string }> {
  const block = (name: string) => new RegExp(`const ${name} = css\`([\\s\\S]*?)\``).exec(stylesSource)?.[1] ?? '';
  const read = (text: string) => new Map([...text.matchAll(/var\((--hearth-[a-z-]+),\s*([^;]+?)\);/g)].map((m) => [m[1]!, m[2]!.trim()]));
  const light = read(block('tokens'));
  const dark = read(block('darkTokens'));
  const out = new Map<string, { light: string; dark: string }>();
  for (const [name, value] of light) out.set(name, { light: value, dark: dark.get(name) ?? value });
  return out;
}

/** Every generated part, by name. */
export function renderParts(manifest: Manifest, stylesSource: string): Record<string, string> {
  const elements = elementsOf(manifest);
  const circle = elements.find((e) => e.tagName === 'hearth-circle')!;
  const defaults = tokenDefaults(stylesSource);
  const systemNames = new Set(circle.cssProperties?.filter((p) => defaults.has(p.name) || /^--hearth-(color|radius|space|font)/.test(p.name)).map((p) => p.name));

  const attributes = (d: Declaration) =>
    table(
      ['attribute', 'property', 'type', 'default', 'what it does'],
      (d.attributes ?? []).map((a) => [code(a.name), a.fieldName ? code(a.fieldName) : '', a.type ? code(a.type.text) : '', a.default ? code(a.default) : '', cell(a.description)]),
    );

  const system = table(
    ['custom property', 'what it sets', 'light default', 'dark default'],
    [...systemNames].map((name) => {
      const property = circle.cssProperties!.find((p) => p.name === name)!;
      const values = defaults.get(name);
      return [code(name), cell(property.description), values ? code(values.light) : 'inherited', values ? code(values.dark) : 'inherited'];
    }),
  );

  const perElement = table(
    ['custom property', 'element', 'what it sets'],
    elements.flatMap((d) => (d.cssProperties ?? []).filter((p) => !systemNames.has(p.name)).map((p) => [code(p.name), code(d.tagName!), cell(p.description)])),
  );

  const parts = table(
    ['element', 'part', 'what it is'],
    elements.flatMap((d) => (d.cssParts ?? []).map((p) => [code(d.tagName!), code(`::part(${p.name})`), cell(p.description)])),
  );

  const reference = elements
    .map((d) => {
      const members = (d.members ?? []).filter((m) => !m.static && !m.privacy && m.description);
      const attributeFields = new Set((d.attributes ?? []).map((a) => a.fieldName));
      const properties = members.filter((m) => m.kind === 'field' && !attributeFields.has(m.name));
      const methods = members.filter((m) => m.kind === 'method');
      const own = (d.cssProperties ?? []).filter((p) => !systemNames.has(p.name));
      const sections = [`## \`<${d.tagName}>\``, '', `*${cell(d.summary)}*`, '', d.description?.trim() ?? ''];
      if (d.attributes?.length) sections.push('', '**Attributes** (each is also a property)', '', attributes(d));
      if (properties.length) {
        sections.push('', '**Properties**', '', table(['property', 'type', 'what it holds'], properties.map((m) => [code(m.name) + (m.readonly ? ' (read-only)' : ''), m.type ? code(m.type.text) : '', cell(m.description)])));
      }
      if (methods.length) sections.push('', '**Methods**', '', table(['method', 'what it does'], methods.map((m) => [code(`${m.name}()`), cell(m.description)])));
      if (d.events?.length) sections.push('', '**Events**', '', table(['event', 'when'], d.events.map((e) => [code(e.name), cell(e.description)])));
      const styling = [
        d.cssParts?.length ? `parts ${d.cssParts.map((p) => code(p.name)).join(', ')}` : 'no parts',
        `the system tokens${own.length ? ` and ${own.map((p) => code(p.name)).join(', ')}` : ''}`,
      ];
      sections.push('', `**Styling**: ${styling.join('; ')} (see [theming](theming.md)).`);
      return sections.join('\n');
    })
    .join('\n\n');

  return {
    'circle-attributes': attributes(circle),
    'circle-events': table(['event', 'when'], (circle.events ?? []).map((e) => [code(e.name), cell(e.description)])),
    'system-tokens': system,
    'element-tokens': perElement,
    parts,
    reference,
  };
}

/** Replaces every generated part of a guide; throws on a part it does not know. */
export function fill(markdown: string, parts: Record<string, string>): string {
  return markdown.replace(/<!-- generated:([a-z-]+) -->\n[\s\S]*?<!-- \/generated:\1 -->/g, (_match, name: string) => {
    if (!(name in parts)) throw new Error(`unknown generated part "${name}"`);
    return `<!-- generated:${name} -->\n${parts[name]}\n<!-- /generated:${name} -->`;
  });
}

/** Fills every guide; returns those whose text changed (and writes them unless `check`). */
export function updateGuides(options: { check: boolean }): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, MANIFEST), 'utf8')) as Manifest;
  const parts = renderParts(manifest, readFileSync(path.join(root, STYLES), 'utf8'));
  const stale: string[] = [];
  for (const guide of GUIDES) {
    const file = path.join(root, guide);
    const before = readFileSync(file, 'utf8');
    const after = fill(before, parts);
    if (after === before) continue;
    stale.push(guide);
    if (!options.check) writeFileSync(file, after);
  }
  return stale;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale: string[];
  try {
    stale = updateGuides({ check });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && String((error as Error).message).includes('custom-elements.json')) {
      console.error(`${MANIFEST} is missing: run \`npm run build\` first.`);
      process.exit(1);
    }
    throw error;
  }
  if (check && stale.length) {
    console.error(`Out of date: ${stale.join(', ')}. Run \`npm run docs\` and commit the result.`);
    process.exit(1);
  }
  console.log(stale.length ? `${check ? 'Stale' : 'Updated'}: ${stale.join(', ')}` : 'The guides are up to date.');
}
