/**
 * Samples a resident set size every `everyMs` while `fn` runs; growth = peak − value at start.
 * `read` defaults to this process's RSS (`process.memoryUsage.rss()`).
 */
export async function withRss(fn, everyMs = 50, read = () => process.memoryUsage.rss()) {
  const start = read();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, read());
  }, everyMs);
  try {
    const result = await fn();
    peak = Math.max(peak, read());
    return { result, startRss: start, peakRss: peak, growth: peak - start };
  } finally {
    clearInterval(timer);
  }
}
