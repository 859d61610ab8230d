/**
 * HTML escaping for attacker-controlled text (SMTP lines, banners, log lines). Everything that
 * reaches the page goes through `esc`: markup characters become entities, and control bytes
 * (NUL, ESC, bare CR …) become a visible `\xNN` so nothing invisible or invalid lands in the file.
 */
const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  const s = typeof value === 'string' ? value : value === undefined ? '' : String(value);
  return s
    .replace(/[<>&"']/g, (c) => ENTITIES[c]!)
    .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `<span class="ctl">\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}</span>`)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** A JSON-ish value for display (expected/actual of a check). */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(showValue).join(', ')}]`;
  return String(JSON.stringify(v));
}

/** `2267.5 ms` → `2.267 s`-style stamp used in every timeline. */
export const stamp = (t: number) => `${(t / 1000).toFixed(3)} s`;

/** For attribute values and ids: entities only, control bytes as plain `\xNN`. */
export function escAttr(value: string): string {
  return value
    .replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[<>&"']/g, (c) => ENTITIES[c]!)
    .replace(/[\ud800-\udfff]/g, '\ufffd');
}
