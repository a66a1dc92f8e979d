// Where to go after signing in: only a path on this site. Anything a
// browser could read as another host (`//evil`, `/\evil`, `/<tab>/evil`,
// a scheme, control characters, backslashes anywhere) goes to the
// dashboard home instead. Client-safe: the sign-in form and next-auth's
// redirect callback share it.
export const HOME_PATH = "/projects";

const UNSAFE = /[\u0000-\u0020\u007f\\]/;

/** A same-site path (with its query and fragment) for `value`, else HOME_PATH. */
export function safeRedirectPath(value: string | null | undefined): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2000) return HOME_PATH;
  if (!value.startsWith("/") || value.startsWith("//") || UNSAFE.test(value)) return HOME_PATH;
  let decoded: string;
  try {
    // Encoded forms of the same tricks (%5C, %09, %2F%2F) are refused too.
    decoded = decodeURIComponent(value);
  } catch {
    return HOME_PATH;
  }
  if (decoded.startsWith("//") || UNSAFE.test(decoded)) return HOME_PATH;
  const base = "http://same-site.invalid";
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return HOME_PATH;
  }
  if (url.origin !== base) return HOME_PATH;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** For next-auth's redirect callback: an absolute URL on baseUrl. */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  let path = url;
  if (!url.startsWith("/")) {
    try {
      const parsed = new URL(url);
      path = parsed.origin === new URL(base).origin ? `${parsed.pathname}${parsed.search}${parsed.hash}` : HOME_PATH;
    } catch {
      path = HOME_PATH;
    }
  }
  return `${base}${safeRedirectPath(path)}`;
}
