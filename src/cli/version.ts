import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../rules/paths.js';

export const TOOL = { name: 'aigis', informationUri: 'https://github.com/aigis-dev/aigis' };

let version: string | undefined;

export function toolVersion(): string {
  version ??= JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version as string;
  return version;
}
