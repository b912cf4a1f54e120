import { html, type TemplateResult } from 'lit';

/**
 * A name (or other words someone chose) set apart from the text around it. Right-to-left letters or a bidi
 * control in it (U+202E RIGHT-TO-LEFT OVERRIDE, say) would otherwise reorder the label it sits in — "In reply
 * to Ann: …" read backwards after the name. `<bdi>` isolates its content and takes its direction from it.
 */
export const isolate = (text: string): TemplateResult => html`<bdi>${text}</bdi>`;
