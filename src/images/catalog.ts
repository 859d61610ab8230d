/** The images mxlab builds: one directory under containers/ each. */
export const IMAGE_NAMES = ['node', 'postfix', 'exim', 'opensmtpd', 'swaks'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

export function isImageName(s: string): s is ImageName {
  return (IMAGE_NAMES as readonly string[]).includes(s);
}

/** `mxlab/NAME:HASH`: the content hash of the build context plus the base image id. */
export function imageTag(name: ImageName, hash: string): string {
  return `mxlab/${name}:${hash}`;
}
