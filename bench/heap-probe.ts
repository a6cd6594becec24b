// Preloaded into a measured stack (NODE_OPTIONS="--expose-gc --import ./bench/heap-probe.ts"): on SIGUSR2, collects
// garbage and prints the heap still in use, for bench/history.ts to read from its output. Resident memory alone says
// little about growth: V8 keeps the garbage of the last burst of work for a while, more or less of it from run to run.
process.on('SIGUSR2', () => {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('heap-probe needs --expose-gc');
  gc();
  gc();
  process.stdout.write(`heap-after-gc ${process.memoryUsage().heapUsed}\n`);
});
