// Registers French. Loaded on demand by `define` (and by the drop-in, as `hearth-fr.js`) when an element's
// language is French; import it directly to have French at once.
import { registerLanguage } from './catalogue.js';
import { fr } from './fr.js';

registerLanguage('fr', fr);
