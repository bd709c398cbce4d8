// Package URLs (https://github.com/package-url/purl-spec) for the image inventory, built with
// packageurl-js so that names and qualifiers are normalised and escaped as the spec says.

import { createRequire } from 'node:module';
import type { PackageFact } from '../loaders/image/content.js';

interface PackageURLClass {
  new (type: string, namespace: string | null, name: string, version: string | null, qualifiers: Record<string, string> | null, subpath: string | null): { toString(): string };
}

// packageurl-js is CommonJS; load it the same way from the sources and from the bundle.
const { PackageURL } = createRequire(import.meta.url)('packageurl-js') as { PackageURL: PackageURLClass };

export interface OsInfo {
  id: string;
  versionId?: string;
}

export function packageUrl(p: Pick<PackageFact, 'ecosystem' | 'name' | 'version' | 'arch'>, os?: OsInfo): string {
  try {
    switch (p.ecosystem) {
      case 'deb': {
        const q: Record<string, string> = {};
        if (p.arch) q.arch = p.arch;
        if (os) q.distro = os.versionId ? `${os.id}-${os.versionId}` : os.id;
        return new PackageURL('deb', os?.id ?? 'debian', p.name, p.version, Object.keys(q).length ? q : null, null).toString();
      }
      case 'apk': {
        const q: Record<string, string> = {};
        if (p.arch) q.arch = p.arch;
        if (os?.versionId) q.distro = `${os.id}-${os.versionId}`;
        return new PackageURL('apk', os?.id ?? 'alpine', p.name, p.version, Object.keys(q).length ? q : null, null).toString();
      }
      case 'npm': {
        const scoped = /^(@[^/]+)\/(.+)$/.exec(p.name);
        return new PackageURL('npm', scoped ? scoped[1]! : null, scoped ? scoped[2]! : p.name, p.version, null, null).toString();
      }
      case 'pypi':
        return new PackageURL('pypi', null, p.name, p.version, null, null).toString();
      case 'conda':
        return new PackageURL('conda', null, p.name, p.version, null, null).toString();
    }
  } catch {
    // A name the spec cannot express (empty, control characters): fall through.
  }
  return `pkg:generic/${encodeURIComponent(p.name)}@${encodeURIComponent(p.version)}`;
}
