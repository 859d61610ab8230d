/** The package version, shown in results and `mxlab --version`. */
export const VERSION = '0.1.0';
