/** The IPv4 address in brackets of a log line (`relay=host[10.0.0.2]:25`, `H=host [10.0.0.2]`). */
export function bracketedAddress(line: string | undefined): string | undefined {
  return /\[(\d{1,3}(?:\.\d{1,3}){3})\]/.exec(line ?? '')?.[1];
}
