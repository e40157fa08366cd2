/** Building HTML as strings safely: every text and attribute value goes through `escapeHtml`. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Markup that is already safe; `Cell`s and sections take it as is. */
export interface RawHtml {
  html: string;
}

export function raw(html: string): RawHtml {
  return { html };
}

/** Text or markup to HTML: text is escaped, `RawHtml` kept. */
export function toHtml(content: string | number | RawHtml): string {
  return typeof content === 'object' ? content.html : escapeHtml(content);
}

/** JSON for a `<script type="application/json">`: `<` is escaped so no `</script>` can end it early. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
