// How deep may this YAML nest? An estimate from one pass over the text, without parsing, so
// that text nested deeper than the limit never reaches the `yaml` library: its composer recurses
// once per level, and a stack overflow there is not always a catchable RangeError — when it
// strikes while V8 compiles a regular expression, the process aborts ("RegExpCompiler
// Allocation failed"). The estimate errs high (a `key: value` line inside a multi-line quoted
// scalar counts as a level, a bracket inside a plain flow scalar too); real manifests nest a few
// dozen levels, far below any limit it is compared with.

const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const NL = 0x0a;

interface Level {
  col: number;
  /** A sequence entry (`- `, `? `); otherwise a mapping key. */
  dash: boolean;
}

function isBlank(text: string, i: number, eol: number): boolean {
  if (i >= eol) return true;
  const c = text.charCodeAt(i);
  return c === SP || c === TAB || c === CR;
}

/** Offset at which the nesting of `text` (estimated) first exceeds `limit`, or -1. */
export function nestingExceeds(text: string, limit: number): number {
  const n = text.length;
  const block: Level[] = [];
  // Open flow collections; `pair` when a flow sequence holds an implicit `key: value` map.
  const flow: Array<{ seq: boolean; pair: boolean }> = [];
  let flowLevels = 0;
  let quote = 0; // the quote character of a scalar still open at the end of a line
  let scalarParent = -2; // inside a block scalar: the column its content must exceed
  // The converter counts the outermost collection as depth 0: `limit` levels below it are fine.
  const deep = () => block.length + flowLevels > limit + 1;

  // Scan a quoted scalar from `i` (after its opening quote) to its end or `eol`; returns the
  // position after the closing quote, or eol with `quote` left set.
  const skipQuote = (i: number, eol: number, q: number): number => {
    while (i < eol) {
      const c = text.charCodeAt(i);
      if (q === 0x22 && c === 0x5c) i += 2;
      else if (c === q) {
        if (q === 0x27 && text.charCodeAt(i + 1) === 0x27) i += 2;
        else {
          quote = 0;
          return i + 1;
        }
      } else i++;
    }
    quote = q;
    return eol;
  };

  // Flow context from `i` until the outermost collection closes (returns the position after
  // it) or the line ends (returns eol).
  const scanFlow = (i: number, eol: number): number => {
    while (i < eol) {
      const c = text.charCodeAt(i);
      if (c === 0x5b || c === 0x7b) {
        flow.push({ seq: c === 0x5b, pair: false });
        flowLevels++;
        if (deep()) return -1 - i;
        i++;
      } else if (c === 0x5d || c === 0x7d) {
        const top = flow.pop();
        if (top) flowLevels -= top.pair ? 2 : 1;
        i++;
        if (flow.length === 0) return i;
      } else if (c === 0x22 || c === 0x27) {
        i = skipQuote(i + 1, eol, c);
      } else if (c === 0x23 && (i === 0 || isBlank(text, i - 1, eol) || text.charCodeAt(i - 1) === NL)) {
        return eol;
      } else if (c === 0x3a && flow.length && flow[flow.length - 1]!.seq && !flow[flow.length - 1]!.pair) {
        const next = text.charCodeAt(i + 1);
        if (isBlank(text, i + 1, eol) || next === 0x2c || next === 0x5d || next === 0x7d) {
          flow[flow.length - 1]!.pair = true;
          flowLevels++;
          if (deep()) return -1 - i;
        }
        i++;
      } else i++;
    }
    return eol;
  };

  let pos = 0;
  while (pos < n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    let i = pos;
    while (i < eol && text.charCodeAt(i) === SP) i++;
    const indent = i - pos;
    const next = eol + 1;

    if (quote) {
      i = skipQuote(pos, eol, quote);
      if (quote) {
        pos = next;
        continue;
      }
    } else if (scalarParent !== -2) {
      const marker = indent === 0 && (text.startsWith('---', pos) || text.startsWith('...', pos)) && isBlank(text, pos + 3, eol);
      if (!marker && (isBlank(text, i, eol) || indent > scalarParent)) {
        pos = next;
        continue;
      }
      scalarParent = -2;
    }
    if (flow.length) {
      const r = scanFlow(i, eol);
      if (r < 0) return -1 - r;
      if (flow.length || quote) {
        pos = next;
        continue;
      }
      i = r;
    } else if (i === pos + indent) {
      // The first token of a line in block context closes the levels it is not inside of.
      if (indent === 0 && (text.startsWith('---', pos) || text.startsWith('...', pos)) && isBlank(text, pos + 3, eol)) {
        block.length = 0;
        i = pos + 3;
      } else if (i < eol && text.charCodeAt(i) !== 0x23 && !isBlank(text, i, eol)) {
        while (block.length && block[block.length - 1]!.col > indent) block.pop();
        const dash = (text.charCodeAt(i) === 0x2d || text.charCodeAt(i) === 0x3f) && isBlank(text, i + 1, eol);
        if (dash) {
          if (block.length && block[block.length - 1]!.col === indent && block[block.length - 1]!.dash) block.pop();
        } else {
          while (block.length && block[block.length - 1]!.col === indent) block.pop();
        }
      }
    }

    // The rest of the line in block context.
    while (i < eol) {
      const c = text.charCodeAt(i);
      if (c === SP || c === TAB || c === CR) {
        i++;
        continue;
      }
      if (c === 0x23 && (i === pos || isBlank(text, i - 1, eol))) break;
      if ((c === 0x2d || c === 0x3f || c === 0x3a) && isBlank(text, i + 1, eol)) {
        if (c !== 0x3a) {
          block.push({ col: i - pos, dash: true });
          if (deep()) return i;
        }
        i++;
        continue;
      }
      if (c === 0x5b || c === 0x7b) {
        const r = scanFlow(i, eol);
        if (r < 0) return -1 - r;
        i = r;
        continue;
      }
      if (c === 0x7c || c === 0x3e) {
        scalarParent = block.length ? block[block.length - 1]!.col : -1;
        break;
      }
      if (c === 0x26 || c === 0x21 || c === 0x2a) {
        while (i < eol && !isBlank(text, i, eol)) i++;
        continue;
      }
      const start = i;
      if (c === 0x22 || c === 0x27) {
        i = skipQuote(i + 1, eol, c);
        if (quote) break;
        while (i < eol && (text.charCodeAt(i) === SP || text.charCodeAt(i) === TAB)) i++;
        if (text.charCodeAt(i) === 0x3a && isBlank(text, i + 1, eol)) {
          block.push({ col: start - pos, dash: false });
          if (deep()) return start;
          i++;
        }
        continue;
      }
      // A plain scalar: a key when `: ` follows it on this line, else the value that ends it.
      let key = -1;
      for (let j = i; j < eol; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x3a && isBlank(text, j + 1, eol)) {
          key = j;
          break;
        }
        if (d === 0x23 && isBlank(text, j - 1, eol)) break;
      }
      if (key < 0) break;
      block.push({ col: start - pos, dash: false });
      if (deep()) return start;
      i = key + 1;
    }
    pos = next;
  }
  return -1;
}
