// The software inventory of an image as CycloneDX 1.6 JSON, built with @cyclonedx/cyclonedx-library:
// the image is the BOM's subject (a `container` component), its packages are `library`
// components with package URLs, model weight files are `machine-learning-model` components, the
// distribution is an `operating-system` component and the CUDA/cuDNN/NCCL versions found are
// `library` components (NumPy arrays are `data`). Each says where it was found (aigis:path,
// aigis:layer).

import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { Subject } from '../model/types.js';
import type { ImageModel, ImagePackage } from '../model/image.js';

type Obj = Record<string, unknown>;

const prop = (name: string, value: string | number) => new Models.Property(name, String(value));

function imageComponent(data: Obj, version: string): Models.Component {
  const name = String(data.ref ?? data.name);
  const c = new Models.Component(Enums.ComponentType.Container, name, {
    bomRef: `image:${String(data.digest ?? data.configDigest ?? name)}`,
    ...(data.digest || data.configDigest ? { version: String(data.digest ?? data.configDigest) } : {}),
  });
  if (data.platform) c.properties.add(prop('aigis:platform', String(data.platform)));
  if (data.configDigest) c.properties.add(prop('aigis:config-digest', String(data.configDigest)));
  c.properties.add(prop('aigis:format', String(data.format)));
  c.properties.add(prop('aigis:scanner-version', version));
  return c;
}

function packageComponent(p: ImagePackage, prefix: string): Models.Component {
  const c = new Models.Component(Enums.ComponentType.Library, p.name, {
    bomRef: `${prefix}pkg:${p.purl}`,
    version: p.version,
    purl: p.purl,
  });
  if (p.license) c.licenses.add(new Models.NamedLicense(p.license));
  c.properties.add(prop('aigis:ecosystem', p.ecosystem));
  c.properties.add(prop('aigis:path', p.path));
  c.properties.add(prop('aigis:layer', p.layerDigest));
  if (p.source) c.properties.add(prop('aigis:source-package', p.source));
  return c;
}

function modelComponent(m: ImageModel, prefix: string): Models.Component {
  // NumPy arrays are data a model reads, not a model.
  const type = m.format === 'numpy' ? Enums.ComponentType.Data : Enums.ComponentType.MachineLearningModel;
  const c = new Models.Component(type, m.path.slice(m.path.lastIndexOf('/') + 1), {
    bomRef: `${prefix}model:${m.path}`,
  });
  c.properties.add(prop('aigis:path', m.path));
  c.properties.add(prop('aigis:layer', m.layerDigest));
  c.properties.add(prop('aigis:model-format', m.format));
  c.properties.add(prop('aigis:pickle', String(m.pickle)));
  c.properties.add(prop('aigis:size', m.size));
  return c;
}

function contents(data: Obj, prefix: string): Models.Component[] {
  const out: Models.Component[] = [];
  const os = data.os as { id: string; versionId?: string; name?: string } | null;
  if (os) {
    const c = new Models.Component(Enums.ComponentType.OperatingSystem, os.id, { bomRef: `${prefix}os:${os.id}`, ...(os.versionId ? { version: os.versionId } : {}) });
    if (os.name) c.description = os.name;
    out.push(c);
  }
  const seen = new Set<string>();
  for (const p of data.packages as ImagePackage[]) {
    const c = packageComponent(p, prefix);
    // The same package can be listed twice (a wheel in two environments): one component each.
    let ref = c.bomRef.value!;
    for (let i = 2; seen.has(ref); i++) ref = `${c.bomRef.value}#${i}`;
    seen.add(ref);
    c.bomRef.value = ref;
    out.push(c);
  }
  const gpu = data.gpu as Record<string, { version: string; from: string; path: string } | null>;
  const names: Record<string, string> = { cuda: 'CUDA', cudnn: 'cuDNN', nccl: 'NCCL' };
  for (const lib of ['cuda', 'cudnn', 'nccl']) {
    const g = gpu[lib];
    if (!g) continue;
    const c = new Models.Component(Enums.ComponentType.Library, names[lib]!, { bomRef: `${prefix}gpu:${lib}`, version: g.version, group: 'nvidia' });
    c.properties.add(prop('aigis:path', g.path));
    c.properties.add(prop('aigis:version-source', g.from));
    out.push(c);
  }
  for (const m of data.models as ImageModel[]) out.push(modelComponent(m, prefix));
  return out;
}

/** One BOM for the image subjects of one archive (several images become nested containers). */
export function imageBom(images: Subject[], toolVersion: string, file: string): string {
  const bom = new Models.Bom();
  bom.metadata.timestamp = new Date();
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'aigis', { version: toolVersion }));
  if (images.length === 1) {
    const data = images[0]!.data;
    bom.metadata.component = imageComponent(data, toolVersion);
    for (const c of contents(data, '')) {
      bom.components.add(c);
      bom.metadata.component.dependencies.add(c.bomRef);
    }
  } else {
    bom.metadata.component = new Models.Component(Enums.ComponentType.File, file, { bomRef: `archive:${file}` });
    images.forEach((s, i) => {
      const img = imageComponent(s.data, toolVersion);
      img.bomRef.value = `${img.bomRef.value}#${i}`;
      for (const c of contents(s.data, `${i}:`)) img.components.add(c);
      bom.components.add(img);
      bom.metadata.component!.dependencies.add(img.bomRef);
    });
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return serializer.serialize(bom, { sortLists: true, space: 2 }) + '\n';
}
