// @hearth/protocol/confusables — confusable names: "Аnn" with a Cyrillic А reads as "Ann". Unicode's
// confusables data (UTS #39, through the maintained `unhomoglyph` package, the table Matrix clients use for
// the same check) maps each look-alike to a prototype; two names with the same skeleton look the same.
//
// A separate entry point, handed to the rules engine by its host (`RulesContext.nameSkeletons`): the table is
// about 100 KB of CommonJS, so it must stay out of everything a browser loads — the drop-in, and the memory
// hub that core ships. The reference server passes it to every admission and command.
import unhomoglyph from 'unhomoglyph';

const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/** UTS #39's skeleton: NFD, invisible characters dropped, each confusable mapped to its prototype, NFD again. */
function skeleton(text: string): string {
  return unhomoglyph(text.normalize('NFD').replace(INVISIBLE, '')).normalize('NFD');
}

/** Skeletons already computed, by name: a join compares against every member's name. Bounded. */
const cache = new Map<string, readonly string[]>();
const CACHE_MAX = 10_000;

/**
 * The skeletons a display name is compared by: of the name as written and of its lower case (the table maps
 * "I" to "l" but not "i", so "Ian" and "lan" meet only through the first; "ANN" and "Аnn" only through the
 * second). Two names confuse when they share one.
 */
export function nameSkeletons(name: string): readonly string[] {
  let found = cache.get(name);
  if (!found) {
    const base = name.normalize('NFKC').trim();
    found = [...new Set([skeleton(base), skeleton(base.toLowerCase())])];
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(name, found);
  }
  return found;
}

