// Trimming the end of a string without a regular expression: `s.replace(/\/+$/, '')` retries
// the run from every position of it (V8 backtracks), which is quadratic in a long run that does
// not end the string — a hostile path of a megabyte of slashes would take minutes.

/** `s` without the characters at its end that `drop` accepts (one character at a time). */
export function trimEndWhile(s: string, drop: (ch: string) => boolean): string {
  let end = s.length;
  while (end > 0 && drop(s[end - 1]!)) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** `s` without trailing slashes. */
export function trimTrailingSlashes(s: string): string {
  return trimEndWhile(s, (ch) => ch === '/');
}
