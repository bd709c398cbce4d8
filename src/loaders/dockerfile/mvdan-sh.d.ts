// mvdan-sh ships no types; shell.ts reads its GopherJS values directly.
declare module 'mvdan-sh' {
  const sh: unknown;
  export default sh;
}
