// Preloaded into a measured process (`node --import ./bench/peak-rss.ts …`): reports its peak resident memory
// when it exits, for bench/audit.ts to read from stderr.
process.on('exit', () => {
  process.stderr.write(`peak-rss-kib ${process.resourceUsage().maxRSS}\n`);
});
