/**
 * `s`, made one piece in memory. A string built by `+` or a template is a tree of its pieces in
 * V8 (a "cons string", 32 bytes a node); reading a character makes V8 copy it into one piece and
 * leave the tree behind for the collector. For strings kept to the end of a scan, by the
 * tens of thousands (the origin pointers of every subject), that halves their memory and the
 * collector's work (bench/README.md). Only a cost-free hint: any engine gives the same string.
 */
export function flat(s: string): string {
  // Shorter strings are never trees; and a value that is not a string (data is data) goes by.
  if (typeof s === 'string' && s.length > 12) s.charCodeAt(0);
  return s;
}
