// Loaded with `node --import` where /usr/bin/time is missing: writes the process's peak RSS
// (KiB) and CPU seconds (user, system) to $AIGIS_BENCH_RSS when it exits, as
// `/usr/bin/time -f '%M %U %S'` would.
import fs from 'node:fs';

process.on('exit', () => {
  const u = process.resourceUsage();
  if (process.env.AIGIS_BENCH_RSS) fs.writeFileSync(process.env.AIGIS_BENCH_RSS, `${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}\n`);
});
