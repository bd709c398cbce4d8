// Loaded with `node --import` where /usr/bin/time is missing: writes the process's peak RSS
// (bytes) to $AIGIS_BENCH_RSS when it exits.
import fs from 'node:fs';

process.on('exit', () => {
  if (process.env.AIGIS_BENCH_RSS) fs.writeFileSync(process.env.AIGIS_BENCH_RSS, `${process.resourceUsage().maxRSS * 1024}\n`);
});
