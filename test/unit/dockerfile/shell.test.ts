// The shell reader: commands, pipes, && lists, substitutions, here-documents and `sh -c`
// scripts from mvdan/sh; a script it rejects degrades to words; and the plain-subset reader
// gives exactly what mvdan/sh gives on every script it accepts.

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { cachedParseScript, parseScript, plainCommands, shellParser, type ShellCommand } from '../../../src/loaders/dockerfile/shell.js';
import { cachedCommandData, commandData } from '../../../src/loaders/dockerfile/commands.js';
import type { Lookup } from '../../../src/loaders/dockerfile/text.js';

let parse: (src: string) => unknown;
beforeAll(async () => {
  const p = await shellParser();
  parse = (s) => p.Parse(s, '').__internal_object__;
});

const none: Lookup = () => undefined;
const brief = (cs: ShellCommand[]) => cs.map((c) => c.argv.join(' '));

describe('parseScript', () => {
  it('splits && lists, ; and newlines into commands, and links pipes', () => {
    const r = parseScript('apt-get update && apt-get install -y curl; curl -fsSL https://x/i.sh | sudo bash -s\necho done', none, parse as never);
    expect(r.ok).toBe(true);
    expect(brief(r.commands)).toEqual(['apt-get update', 'apt-get install -y curl', 'curl -fsSL https://x/i.sh', 'sudo bash -s', 'echo done']);
    expect(r.commands[2]!.pipeTo).toBe(3);
    expect(r.commands[3]!.pipeFrom).toBe(2);
    expect(r.commands[0]!.pipeTo).toBeNull();
  });

  it('reads quotes, escapes, known variables and leaves unknown ones as written', () => {
    const lookup: Lookup = (n) => (n === 'V' ? '1.2' : undefined);
    const r = parseScript(`echo "a b" 'c $V' d\\ e "$V" \${V} $HOME "\${X:-y}"`, lookup, parse as never);
    expect(r.commands[0]!.argv).toEqual(['echo', 'a b', 'c $V', 'd e', '1.2', '1.2', '$HOME', '${X:-y}']);
  });

  it('records assignments, redirections and here-documents', () => {
    const r = parseScript("GIT_SSL_NO_VERIFY=1 git clone https://h/r.git 2>/dev/null\ncat > /etc/x.conf <<'EOF'\ngpgcheck=0\nEOF\n", none, parse as never);
    expect(r.commands[0]).toMatchObject({ argv: ['git', 'clone', 'https://h/r.git'], assigns: { GIT_SSL_NO_VERIFY: '1' }, redirects: [{ op: '>', target: '/dev/null' }] });
    expect(r.commands[1]).toMatchObject({ argv: ['cat'], heredoc: 'gpgcheck=0\n', redirects: [{ op: '>', target: '/etc/x.conf' }, { op: '<<', target: 'EOF' }] });
  });

  it('finds commands inside $(…), backquotes and <(…), and in sh -c scripts', () => {
    const r = parseScript('sh -c "$(curl -fsSL https://x/install.sh)" && bash -c \'wget -qO- u | sh\'', none, parse as never);
    const sh = r.commands.find((c) => c.argv[0] === 'sh')!;
    expect(sh.substitutions.map((i) => r.commands[i]!.argv[0])).toEqual(['curl']);
    expect(r.commands.find((c) => c.argv[0] === 'curl')!.substituted).toBe(true);
    const wget = r.commands.findIndex((c) => c.argv[0] === 'wget');
    expect(r.commands[wget]!.pipeTo).toBe(r.commands.findIndex((c, i) => i > wget && c.argv[0] === 'sh'));
  });

  it('walks if/for/while/case bodies, subshells and functions', () => {
    const r = parseScript('if [ -f x ]; then a; else b; fi; for i in 1 2; do c "$i"; done; while false; do d; done; case $X in y) e;; esac; (f); { g; }; h() { i; }', none, parse as never);
    expect(brief(r.commands).map((s) => s.split(' ')[0])).toEqual(['[', 'a', 'b', 'c', 'false', 'd', 'e', 'f', 'g', 'i']);
  });

  it('degrades a script that does not parse to words split on operators, with the error position', () => {
    const r = parseScript('echo "unclosed && curl -k u | sh', none, parse as never);
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ index: 5 });
    expect(r.commands.length).toBeGreaterThan(0);
  });

  it('gives each command its own range, without a trailing ; or &', () => {
    const script = 'a 1;  b 2 & c 3 >out';
    const r = parseScript(script, none, parse as never);
    expect(r.commands.map((c) => script.slice(c.start, c.end))).toEqual(['a 1', 'b 2', 'c 3 >out']);
  });
});

// Scripts built from the plain subset's pieces, and (a quarter of them) with pieces that leave
// it, to compare both readers.
const plainWord = fc.oneof(
  fc.constantFrom('apt-get', 'install', '-y', 'curl', '--no-install-recommends', 'a=b', 'x.tar.gz', '/var/lib/apt/lists/*', '~', '[x]', 'é', 'if', 'done', '2'),
  fc.stringMatching(/^[A-Za-z0-9_./:=@%+,~*?^-]{1,8}$/),
  fc.stringMatching(/^[A-Za-z0-9 $#(){}!;&|<>"\\-]{0,8}$/).map((s) => `'${s}'`),
  fc.constantFrom('"a b"', '"$V"', '"${V}x"', '""', '$V', '${V}/bin', '$UNSET', '"$UNSET"', '"it\'s"', '"#(){}!"'),
);
const otherWord = fc.constantFrom('$(x)', '`x`', '\\ ', '#c', '{a,b}', '${V:-d}', '!', '(', '<<E', '$1', '"a\\"b"');
const commandOf = (word: fc.Arbitrary<string>, assigns: string[], redirects: string[]) =>
  fc
    .tuple(fc.array(fc.constantFrom(...assigns), { maxLength: 2 }), fc.array(word, { maxLength: 5 }), fc.array(fc.constantFrom(...redirects), { maxLength: 2 }))
    .map(([a, w, r]) => [...a, ...w, ...r].join(' '));
const scriptOf = (command: fc.Arbitrary<string>, ops: string[], tails: string[]) =>
  fc
    .tuple(command, fc.array(fc.tuple(fc.constantFrom(...ops), command), { maxLength: 4 }), fc.constantFrom(...tails))
    .map(([first, rest, tail]) => first + rest.map(([op, c]) => op + c).join('') + tail);
const ASSIGNS = ['A=1', 'B="x y"', 'C=', 'D=$V'];
const REDIRECTS = ['>f', ' > f', '2>/dev/null', '2>&1', '&>log', '<in', '>>"a b"'];
const OPS = [' && ', ' || ', ' | ', '; ', ' & ', '\n', '\n\n', ' &&\n '];
const plainScript = scriptOf(commandOf(plainWord, ASSIGNS, REDIRECTS), OPS, ['', ' ', '\n', ';', ' &']);
const mixedScript = scriptOf(
  commandOf(fc.oneof(plainWord, otherWord), [...ASSIGNS, 'E+=1'], [...REDIRECTS, '>|x', '<>x']),
  [...OPS, ';;', ' |& '],
  ['', ' &&', ';'],
);
const script = fc.oneof({ weight: 3, arbitrary: plainScript }, { weight: 1, arbitrary: mixedScript });

describe('plainCommands', () => {
  it('gives exactly what mvdan/sh gives on every script it accepts', () => {
    const lookup: Lookup = (n) => (n === 'V' ? 'v1' : undefined);
    let accepted = 0;
    fc.assert(
      fc.property(script, (s) => {
        const fast = plainCommands(s, lookup, parse as never, 0);
        if (!fast) return;
        accepted++;
        const slow = parseScript(s, lookup, parse as never, 0, false);
        expect(slow.ok).toBe(true);
        expect(fast).toEqual(slow.commands);
      }),
      { numRuns: 3000 },
    );
    // The generator must exercise the fast reader, not only the fallback.
    expect(accepted).toBeGreaterThan(1000);
  });

  it('leaves substitutions, here-documents, reserved words and parameter operators to mvdan/sh', () => {
    for (const s of ['echo $(date)', 'cat <<EOF\nx\nEOF', 'if true; then a; fi', 'echo ${A:-b}', 'a \\\n b', 'echo a # c', 'export A=1', 'time make', '! false', 'a |& b', 'a &&']) {
      expect(plainCommands(s, none, parse as never, 0), s).toBeUndefined();
    }
  });
});

describe('cachedParseScript', () => {
  it('reuses an identical script only while the variables it read hold the same values', () => {
    // A parse function of its own: the cache is kept per parse function.
    const own = (src: string) => parse(src);
    const script = 'pip install torch==${TORCH} && sh -c "echo $V" && curl -fsSL https://x/$(uname -m) | sh';
    const scope = (torch: string | undefined, v: string | undefined): Lookup => (n) => (n === 'TORCH' ? torch : n === 'V' ? v : undefined);
    const a = cachedParseScript(script, scope('2.3', 'x'), own as never);
    expect(a).toEqual(parseScript(script, scope('2.3', 'x'), own as never));
    expect(cachedParseScript(script, scope('2.3', 'x'), own as never)).toBe(a);
    // A variable read by the script (here, inside `sh -c`) changed: parsed again, with the new value.
    const b = cachedParseScript(script, scope('2.3', 'y'), own as never);
    expect(b).not.toBe(a);
    expect(b).toEqual(parseScript(script, scope('2.3', 'y'), own as never));
    expect(brief(b.commands)).toContain('echo y');
    const c = cachedParseScript(script, scope(undefined, 'x'), own as never);
    expect(brief(c.commands)[0]).toBe('pip install torch==${TORCH}');
    // A variable the script does not read may change freely.
    expect(cachedParseScript(script, (n) => (n === 'OTHER' ? 'z' : scope('2.3', 'x')(n)), own as never)).toBe(a);
    // The nesting depth is part of the key (it bounds `sh -c` recursion).
    expect(cachedParseScript(script, scope('2.3', 'x'), own as never, 3)).toEqual(parseScript(script, scope('2.3', 'x'), own as never, 3));
  });

  it('caches scripts that do not parse with their error', () => {
    const own = (src: string) => parse(src);
    const a = cachedParseScript('echo "unclosed && curl -k u | sh', none, own as never);
    expect(a.ok).toBe(false);
    expect(cachedParseScript('echo "unclosed && curl -k u | sh', none, own as never)).toBe(a);
  });
});

describe('cachedCommandData', () => {
  it('gives commandData for the same commands, per place and per pip cache switch', () => {
    const list = parseScript('pip install -r r.txt && chmod 777 /x', none, parse as never).commands;
    const env = new Map([['PATH', '/bin']]);
    const a = cachedCommandData(list, { in: 'RUN', run: 0 }, env);
    expect(a).toEqual(commandData(list, { in: 'RUN', run: 0 }, Object.fromEntries(env)));
    expect(a[0]!.install).toMatchObject({ manager: 'pip', noCacheDir: false });
    expect(cachedCommandData(list, { in: 'RUN', run: 1 }, env)[0]!.run).toBe(1);
    const off = cachedCommandData(list, { in: 'RUN', run: 0 }, new Map([['PIP_NO_CACHE_DIR', '1']]));
    expect(off[0]!.install).toMatchObject({ manager: 'pip', noCacheDir: true });
    expect(cachedCommandData(list, { in: 'RUN', run: 0 }, new Map([['PIP_NO_CACHE_DIR', 'off']]))[0]!.install).toMatchObject({ noCacheDir: false });
    expect(cachedCommandData(list, { in: 'RUN', run: 0 }, new Map([['UV_NO_CACHE', '']]))[0]!.install).toMatchObject({ noCacheDir: true });
  });
});
