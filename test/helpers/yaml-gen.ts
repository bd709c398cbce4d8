// Generators of YAML streams for differential tests of the fast YAML path: random trees of
// maps, sequences and scalars (1.1 spellings, quoting, block scalars, multi-line scalars)
// written in random styles (indentation, flows, comments at any indentation, blank lines,
// separators, Helm `# Source:` lines, BOM, CRLF), and random edits of them.

import fc from 'fast-check';

type Tree = { t: 'map'; entries: Array<[string, number, Tree]> } | { t: 'seq'; items: Tree[] } | { t: 'scalar'; text: string; style: number };

export const SPELLINGS = [
  'yes', 'Yes', 'YES', 'no', 'No', 'on', 'On', 'ON', 'off', 'OFF', 'y', 'Y', 'n', 'N', 'true', 'True', 'false', 'FALSE',
  'null', 'Null', 'NULL', '~', '0777', '0o17', '0x1F', '0b101', '1_000', '-1', '+1', '0', '-0', '00', '08', '1.5', '.5',
  '1.', '-1.2E-3', '1e3', '6.02e+23', '.inf', '-.Inf', '.NaN', '2001-12-14', '2001-12-14T21:59:43.10-05:00', '22:30',
  '190:20:30', '1:2', '12345678901234567890', '0x', '1__0', '_1', 'a b', 'a:b', 'a: b', 'a #b', 'a#b', "it's",
  'say "hi"', 'é', '🚀', 'e0', 'E5', 'e', '.e1', '+e2', '\\', '-', '--x', '-x', '<<', '=', 'http://x.y/z?q=1#f', '[a]', '{a}', 'a,b', '*a', '&a', '!a',
  '|', '>', '%a', '@a', '`a', '?a', ':a', ' lead', 'trail ', 'multi\nline', 'two\n\nparas\n', '', 'nginx:1.25', 'true ',
];

// Text for block scalars and multi-line scalars: indented, blank (with and without spaces),
// comment-like and trailing-newline lines.
const multiLineText = fc
  .array(fc.constantFrom('line', 'two words', '  more indented', '', '   ', '# not a comment', 'key: value', '- item', 'é 🚀', '"q"'), { minLength: 1, maxLength: 5 })
  .map((lines) => lines.join('\n'))
  .chain((t) => fc.constantFrom(t, `${t}\n`, `${t}\n\n`, `\n${t}`));

const scalarText = fc.oneof(
  { weight: 1, arbitrary: multiLineText },
  { weight: 4, arbitrary: fc.constantFrom(...SPELLINGS) },
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9./-]{0,12}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.integer({ min: -1000, max: 100000 }).map(String) },
);
const keyText = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z][a-zA-Z0-9.\/_-]{0,10}$/) },
  { weight: 2, arbitrary: fc.constantFrom('name', 'image', 'yes', 'on', 'y', '1', '0777', 'null', '~', 'a b', 'é', '1.0', '<<', '"q"', 'a:b') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('scalar' as const), text: scalarText, style: fc.nat(9) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('map' as const), entries: fc.array(fc.tuple(keyText, fc.nat(9), tie('node')), { maxLength: 5 }) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('seq' as const), items: fc.array(tie('node'), { maxLength: 4 }) }) },
  ),
})).node;

interface Style {
  seqIndent: number;
  mapIndent: number;
  comments: number;
  blank: number;
  flow: number;
  trailingSpace: boolean;
}

const style: fc.Arbitrary<Style> = fc.record({
  seqIndent: fc.constantFrom(0, 2, 4),
  mapIndent: fc.constantFrom(2, 2, 4, 1, 3),
  comments: fc.nat(4),
  blank: fc.nat(3),
  flow: fc.nat(3),
  trailingSpace: fc.boolean(),
});

/** Emit a tree as YAML; choices come from `rnd` so that the text is a pure function of inputs. */
function emit(root: Tree, st: Style, seed: number): string {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const lines: string[] = [];
  const trivia = (indent: number): void => {
    if (rnd() < st.blank * 0.05) lines.push(' '.repeat(Math.floor(rnd() * 6)));
    if (rnd() < st.comments * 0.05) lines.push(`${' '.repeat(Math.max(0, indent + Math.floor(rnd() * 7) - 3))}# c${Math.floor(rnd() * 9)}`);
  };
  const tail = (): string => (rnd() < st.comments * 0.04 ? ' # t' : '') + (st.trailingSpace && rnd() < 0.2 ? '  ' : '');
  const quote = (text: string, styleNo: number): string => {
    if (styleNo <= 5) return text; // plain, whatever it reads as
    if (styleNo <= 7) return `'${text.replace(/'/g, "''").replace(/\n/g, '\n\n')}'`;
    return JSON.stringify(text);
  };
  // In block context a scalar may go on over lines indented deeper than its owner (or, to
  // test the errors, not deeper); long plain values wrap the way Go's YAML writer wraps them.
  const blockQuote = (text: string, styleNo: number, indent: number): string => {
    const pad = (): string => `\n${' '.repeat(Math.max(0, indent - (rnd() < 0.1 ? 1 : 0)) + Math.floor(rnd() * 3))}`;
    if (styleNo === 9 && rnd() < 0.5) return JSON.stringify(text).replace(/\\n/g, () => (rnd() < 0.3 ? `\\${pad()}` : pad()));
    const q = quote(text, styleNo);
    if (!q.includes('\n') && q.includes(' ') && rnd() < 0.3) return q.replace(/ /, pad);
    return q.replace(/\n/g, pad);
  };
  const flow = (t: Tree): string => {
    if (t.t === 'scalar') return quote(t.text, t.style);
    if (t.t === 'seq') return `[${t.items.map(flow).join(', ')}]`;
    return `{${t.entries.map(([k, ks, v]) => `${quote(k, ks)}:${ks >= 6 && rnd() < 0.3 ? '' : ' '}${flow(v)}`).join(rnd() < 0.2 ? ',' : ', ')}}`;
  };
  const small = (t: Tree): boolean => t.t === 'scalar' || (t.t === 'seq' ? t.items.length === 0 : t.entries.length === 0) || rnd() < st.flow * 0.1;
  // `head` is what precedes the node on its first line (`key:` or `-`), at column `col`.
  const node = (t: Tree, indent: number, head: string, inSeq: boolean): void => {
    if (t.t === 'scalar') {
      if (t.text.includes('\n') && t.style >= 2 && t.style <= 5) {
        const ind = ' '.repeat(indent + 2);
        const header = ['|', '|-', '|+', '>', '>-', '>+'][Math.floor(rnd() * 6)]!;
        lines.push(`${head} ${header}${tail()}`);
        for (const l of t.text.split('\n')) lines.push(l ? ind + l : ' '.repeat(Math.floor(rnd() * (indent + 5))));
        return;
      }
      lines.push(`${head} ${blockQuote(t.text, t.style, indent + 1)}${tail()}`);
      return;
    }
    if (small(t)) {
      lines.push(`${head} ${flow(t)}${tail()}`);
      return;
    }
    if (t.t === 'map') {
      if (!inSeq && head) lines.push(`${head}${tail()}`);
      const inner = inSeq || !head ? indent : indent + st.mapIndent;
      t.entries.forEach(([k, ks, v], i) => {
        const key = `${quote(k, ks)}${rnd() < 0.05 ? '  ' : ''}:${rnd() < 0.05 ? '  ' : ''}`;
        if (inSeq && i === 0) {
          node(v, inner, `${head} ${key}`, false);
        } else {
          trivia(inner);
          node(v, inner, `${' '.repeat(inner)}${key}`, false);
        }
      });
      trivia(inner);
      return;
    }
    const dashIndent = inSeq ? indent : indent + st.seqIndent;
    if (head) lines.push(`${head}${tail()}`);
    for (const item of t.items) {
      trivia(dashIndent);
      if (item.t === 'map' && item.entries.length > 0 && !small(item)) {
        node(item, dashIndent + 2, `${' '.repeat(dashIndent)}-`, true);
      } else node(item, dashIndent, `${' '.repeat(dashIndent)}-`, false);
    }
    trivia(dashIndent);
  };
  if (root.t === 'map' && root.entries.length > 0) {
    root.entries.forEach(([k, ks, v]) => {
      trivia(0);
      node(v, 0, `${quote(k, ks)}:`, false);
    });
  } else if (root.t === 'seq' && root.items.length > 0) {
    if (rnd() < 0.5) node({ t: 'map', entries: [['items', 0, root]] }, 0, '', false);
    else node(root, -st.seqIndent, '', false);
  } else {
    lines.push(`k: ${flow(root)}`);
  }
  trivia(0);
  return lines.join('\n') + '\n';
}

export const stream = fc
  .record({
    docs: fc.array(fc.tuple(tree, style, fc.nat()), { minLength: 1, maxLength: 3 }),
    separators: fc.array(fc.constantFrom('---\n', '---  \n', '--- # x\n', '---\n# Source: c/t.yaml\n', '...\n---\n', '---\n\n', '...\n# c\n---\n', '---\n---\n', '---\n# only a comment\n---\n'), { minLength: 3, maxLength: 3 }),
    leading: fc.constantFrom('', '---\n', '# Source: c/first.yaml\n', '\uFEFF', '\n\n'),
    crlf: fc.boolean(),
  })
  .map(({ docs, separators, leading, crlf }) => {
    let text = leading + docs.map(([t, st, seed], i) => (i > 0 ? separators[i - 1] : '') + emit(t, st, seed)).join('');
    if (crlf) text = text.replace(/\n/g, '\r\n');
    return text;
  });

const TOKENS = [' ', '  ', '\n', '#', '# c', ':', ': ', '-', '- ', '"', "'", '[', ']', '{', '}', ',', '|', '>', '&a ', '*a', '!', '\t', '\r\n', '---\n', '...\n', '\uFEFF', 'é', '🚀', 'yes', '0777', '~', '<<: ', '\\', '%', '@', '?', '\x07'];

/** Apply edits: token insertions, deletions, indentation changes, line duplication and removal. */
export function mutate(text: string, edits: Array<[number, number, number]>): string {
  let t = text;
  for (const [op, a, b] of edits) {
    const pos = t.length ? a % (t.length + 1) : 0;
    const lines = t.split('\n');
    const li = a % lines.length;
    switch (op % 6) {
      case 0:
        t = t.slice(0, pos) + TOKENS[b % TOKENS.length] + t.slice(pos);
        break;
      case 1:
        t = t.slice(0, pos) + t.slice(pos + 1 + (b % 3));
        break;
      case 2:
        lines[li] = ' '.repeat(1 + (b % 3)) + lines[li];
        t = lines.join('\n');
        break;
      case 3:
        lines[li] = lines[li]!.replace(/^ {1,2}/, '');
        t = lines.join('\n');
        break;
      case 4:
        lines.splice(li, 0, lines[li]!);
        t = lines.join('\n');
        break;
      default:
        lines.splice(li, 1);
        t = lines.join('\n');
    }
  }
  return t;
}

