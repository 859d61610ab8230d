/** Samples `process.memoryUsage.rss()` every `everyMs` while `fn` runs; growth = peak − value at start. */
export async function withRss(fn, everyMs = 50) {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, startRss: start, peakRss: peak, growth: peak - start };
  } finally {
    clearInterval(timer);
  }
}
