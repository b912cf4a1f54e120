// Shrinks the static text of Lit `html` and `css` templates in the built JavaScript. Terser leaves template
// strings alone, so without this every indentation space of every template ships to every reader.
//
// Line breaks are kept (a run of whitespace becomes its newlines, or one space), so line numbers and source
// maps stay right and whitespace keeps its meaning in HTML text. In CSS, comments go and the spaces around
// punctuation that never matter: after `{ } ; , :` and `>`, and before `{ } ; , >` and `)`.

/** @returns {import('rollup').Plugin} */
export function minifyTemplates() {
  return {
    name: 'hearth-minify-templates',
    transform(code, id) {
      if (!/[\\/]packages[\\/]elements[\\/]src[\\/]/.test(id) || !/\b(html|css)\s*`/.test(code)) return null;
      const edits = [];
      walk(this.parse(code), (node) => {
        if (node.type !== 'TaggedTemplateExpression' || node.tag.type !== 'Identifier') return;
        const kind = node.tag.name;
        if (kind !== 'html' && kind !== 'css') return;
        for (const quasi of node.quasi.quasis) {
          const raw = code.slice(quasi.start, quasi.end);
          const next = kind === 'css' ? minifyCss(raw) : collapse(raw);
          if (next !== raw) edits.push([quasi.start, quasi.end, next]);
        }
      });
      if (edits.length === 0) return null;
      let out = code;
      for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + text + out.slice(end);
      return { code: out, map: null };
    },
  };
}

function walk(node, visit) {
  if (!node || typeof node.type !== 'string') return;
  visit(node);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) for (const child of value) walk(child, visit);
    else if (value && typeof value === 'object' && typeof value.type === 'string') walk(value, visit);
  }
}

/** Every whitespace run becomes its line breaks, or a single space. */
function collapse(text) {
  return text.replace(/\s+/g, (run) => run.replace(/[^\n]/g, '') || ' ');
}

function minifyCss(text) {
  const lines = (s) => s.replace(/[^\n]/g, '');
  return collapse(text.replace(/\/\*[\s\S]*?\*\//g, lines))
    .replace(/([{};,:>])[ ]+/g, '$1')
    .replace(/[ ]+([{};,>)])/g, '$1')
    .replace(/;(\n*)}/g, '$1}');
}
