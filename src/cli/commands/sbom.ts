import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { discover } from '../../loaders/discover.js';
import { DEFAULT_LIMITS } from '../../loaders/index.js';
import { loadImageInput } from '../../loaders/image/index.js';
import { loadCatalogue } from '../../rules/catalogue.js';
import { imageBom } from '../../sbom/cyclonedx.js';
import { AigisError, UsageError } from '../../util/errors.js';
import { IMAGE_OPTIONS, IMAGE_USAGE, imageLoaderOptions } from '../image-options.js';
import type { CliIO } from '../io.js';
import { toolVersion } from '../version.js';
import type { Command } from './types.js';

const USAGE = `Usage: aigis sbom [options] IMAGE

Write the software inventory of an image archive (docker save, skopeo copy … docker-archive:
or oci-archive:, or an OCI layout directory) as CycloneDX 1.6 JSON: the distribution, dpkg,
apk, Python, conda and npm packages with package URLs, CUDA/cuDNN/NCCL versions, and model
weight files (machine-learning-model components with their format).

Options:
  -o, --output FILE       write the SBOM to FILE instead of standard output
      --rules DIR         add the data tables in DIR (e.g. more model file extensions); repeatable
${IMAGE_USAGE}
  -h, --help              show this help

Exit codes: 0 written, 2 bad input or usage.`;

export const sbomCommand: Command = {
  summary: 'write the CycloneDX SBOM of an image archive',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        rules: { type: 'string', multiple: true },
        ...IMAGE_OPTIONS,
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('sbom needs exactly one IMAGE (an image archive or an OCI layout directory)');
    const options = imageLoaderOptions(values);
    const found = discover(positionals, { cwd: io.cwd });
    if (found.errors.length) throw found.errors[0]!;
    const input = found.inputs[0];
    if (!input) throw new AigisError('no image found here', { file: positionals[0] });
    // A file with another extension (image.img) is still read as an image.
    const catalogue = await loadCatalogue({ ruleDirs: values.rules });
    // Paths are as the user wrote them, relative to the working directory (messages show them).
    const result = await loadImageInput(
      { kind: 'image', path: input.path, explicit: true },
      { limits: DEFAULT_LIMITS, stdin: io.stdin ?? (async () => Buffer.alloc(0)), options, tables: catalogue.tables },
    );
    const images = result.subjects.filter((s) => s.target === 'image');
    if (!images.length) {
      const reason = result.subjects.find((s) => s.target === 'problem')?.data.message;
      throw new AigisError(`no readable image in the archive${reason ? `: ${String(reason)}` : ''}`, { file: positionals[0] });
    }
    const json = imageBom(images, toolVersion(), positionals[0]!);
    if (values.output === undefined) io.stdout.write(json);
    else {
      const file = path.resolve(io.cwd, values.output);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, json);
    }
    return 0;
  },
};
