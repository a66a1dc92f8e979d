// Strings that are not well-formed UTF-16 (a lone surrogate such as the
// JSON escape "\ud800") have no UTF-8 form: stored, they would silently
// become U+FFFD, so what a client reads back would differ from what it
// wrote. Such input is refused with a 400 instead, wherever JSON comes in.
// In a /u regular expression \p{Surrogate} matches only unpaired
// surrogates (a pair is one astral code point).
const LONE_SURROGATE = /\p{Surrogate}/u;

export const NOT_WELL_FORMED = "not well-formed Unicode (it holds a lone surrogate, e.g. \\ud800), so it cannot be stored unchanged";

export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** The path of the first string (value or property name) that is not well-formed, or null. */
export function findMalformed(value: unknown, at = ""): string | null {
  if (typeof value === "string") return isWellFormed(value) ? null : at || "(body)";
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findMalformed(value[i], at ? `${at}.${i}` : String(i));
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const path = at ? `${at}.${k}` : k;
      if (!isWellFormed(k)) return at || "(body)";
      const found = findMalformed(v, path);
      if (found !== null) return found;
    }
  }
  return null;
}
