import { EXIT, UsageError, type Command } from '../command.js';

const USAGE = `mxlab images <build|bootstrap-base|list> [names…]

  build [names…]     build the container images that are missing (all by default:
                     node postfix exim opensmtpd swaks), tagged mxlab/NAME:HASH by a content
                     hash of the build context plus the base image id; present tags are skipped
  bootstrap-base     make the base image mxlab/base:bookworm offline (debootstrap + docker
                     import; root, ~40 s) for machines that cannot pull debian:bookworm-slim
  list               print the tags the images have now, and whether they exist

  environment: MXLAB_BASE_IMAGE (a local Debian bookworm image to build on); DOCKER_HOST,
               DOCKER_TLS_VERIFY, DOCKER_CERT_PATH (the engine: it may be remote)
  exit codes: 0 ok, 2 usage, 3 Docker or build failure`;

/** `mxlab images`: builds and lists the docker runtime's images. */
export const imagesCommand: Command = {
  name: 'images',
  usage: USAGE,
  async run(args, io) {
    const [verb, ...rest] = args;
    const progress = (line: string) => io.stderr.write(`${line}\n`);
    const { IMAGE_NAMES, isImageName } = await import('../../images/catalog.js');
    const names = rest.filter((a) => !a.startsWith('-'));
    for (const n of names) if (!isImageName(n)) throw new UsageError(`unknown image "${n}"; images: ${IMAGE_NAMES.join(', ')}`);
    const selected = names.length ? names.filter(isImageName) : [...IMAGE_NAMES];
    if (verb === 'bootstrap-base') {
      const { bootstrapBase } = await import('../../images/base.js');
      const { assertDocker } = await import('../../images/docker-cli.js');
      await assertDocker();
      const base = await bootstrapBase(progress, { force: rest.includes('--force') });
      io.stdout.write(`${base.ref} ${base.id}\n`);
      return EXIT.ok;
    }
    if (verb === 'build') {
      const { ensureImages } = await import('../../images/build.js');
      const t0 = Date.now();
      const built = await ensureImages(selected, { progress, signal: io.signal });
      for (const b of built) io.stdout.write(`${b.tag} ${b.built ? `built in ${(b.ms / 1000).toFixed(1)} s` : 'present'}\n`);
      progress(`images: ${built.filter((b) => b.built).length} built, ${built.filter((b) => !b.built).length} present, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return EXIT.ok;
    }
    if (verb === 'list') {
      const { resolveBase } = await import('../../images/base.js');
      const { assertDocker, imageId } = await import('../../images/docker-cli.js');
      const { imageTags } = await import('../../images/build.js');
      await assertDocker();
      const base = await resolveBase(progress, { bootstrap: false });
      const tags = await imageTags(selected, base);
      io.stdout.write(`base ${base.ref} ${base.id}\n`);
      for (const tag of Object.values(tags)) io.stdout.write(`${tag} ${(await imageId(tag)) ? 'present' : 'missing'}\n`);
      return EXIT.ok;
    }
    throw new UsageError(verb ? `unknown images command "${verb}"` : 'images needs a command: build, bootstrap-base or list');
  },
};
