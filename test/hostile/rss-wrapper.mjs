// Runs the built CLI exactly as bin/aigis.js does, then prints the process's peak resident
// memory (kilobytes, process.resourceUsage().maxRSS) as the last line of standard error, so
// that tests can assert a memory ceiling without /usr/bin/time.
const { main } = await import('../../dist/aigis.js');

process.on('exit', () => {
  process.stderr.write(`\nAIGIS_TEST_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
process.exitCode = await main(process.argv.slice(2));
