// Attributes every byte of a built file to the source it came from, through the file's source map (the way
// source-map-explorer does it): the bytes from one mapped segment to the next belong to the first one's
// source. Used to show what each dependency and each element contributes to the drop-in.

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** Decodes one segment of base64 VLQ numbers. */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`not a base64 VLQ digit: ${char}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

interface RawSourceMap {
  sources: string[];
  mappings: string;
}

/** Source → the pieces of generated code attributed to it, in order (`(unmapped)` for any before the first mapping). */
export function attribute(code: string, map: RawSourceMap): Map<string, string[]> {
  const pieces = new Map<string, string[]>();
  const add = (source: string, text: string) => {
    if (text.length === 0) return;
    let list = pieces.get(source);
    if (!list) pieces.set(source, (list = []));
    list.push(text);
  };
  const lines = code.split('\n');
  const mappingLines = map.mappings.split(';');
  let sourceIndex = 0;
  // Bytes without a mapping of their own (a template literal rewritten by the template minifier, the lines a
  // multi-line literal spans) sit inside the code of the source mapped before them, so they go to it.
  let owner = '(unmapped)';
  for (let lineNo = 0; lineNo < lines.length; lineNo++) {
    const line = lines[lineNo]!;
    let column = 0;
    let from = 0;
    for (const raw of (mappingLines[lineNo] ?? '').split(',')) {
      if (!raw) continue;
      const fields = decodeSegment(raw);
      column += fields[0]!;
      if (fields.length < 4) continue;
      // Only the source index matters here; line, column and name deltas need no tracking.
      sourceIndex += fields[1]!;
      add(owner, line.slice(from, column));
      from = column;
      owner = map.sources[sourceIndex] ?? '(unknown)';
    }
    add(owner, line.slice(from) + (lineNo < lines.length - 1 ? '\n' : ''));
  }
  return pieces;
}

/**
 * Which part of Hearth, or which dependency, a source path belongs to: `lit-html`, `valibot`, `@hearth/core`,
 * `@hearth/elements: hearth-thread`, …
 */
export function ownerOf(source: string): string {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source);
  if (inModules) return inModules[1]!;
  for (const pkg of ['protocol', 'core', 'transport-websocket']) {
    if (source.includes(`/${pkg}/src/rules/`)) return `@hearth/${pkg}/rules`;
    if (source.includes(`/${pkg}/src/`)) return `@hearth/${pkg}`;
  }
  const element = /(?:^|\/)src\/([^/]+)\//.exec(source);
  if (element) return `@hearth/elements: ${element[1]}`;
  if (/(?:^|\/)src\/[^/]+\.ts$/.test(source)) return '@hearth/elements: entry';
  return source;
}
