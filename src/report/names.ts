/** A path component from arbitrary text: safe characters only, no leading dot (so never `.`/`..`), at most 80 characters. */
export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._=+@-]+/g, '_').replace(/^[._]+|_+$/g, '').slice(0, 80) || '_';
}

/** safeName, plus `-2`, `-3` … for names already handed out by this generator (case-insensitive). */
export function unique(): (s: string) => string {
  const seen = new Set<string>();
  return (s) => {
    const base = safeName(s);
    let name = base;
    for (let i = 2; seen.has(name.toLowerCase()); i++) name = `${base}-${i}`;
    seen.add(name.toLowerCase());
    return name;
  };
}
