// Entry of a scan thread (parallel-scan.ts): repeat the scan's set-up from plain data, evaluate
// one part, send its findings back.

import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalogue } from '../rules/catalogue.js';
import { AigisError } from '../util/errors.js';
import { evaluatePart, type PartRequest } from './parallel-scan.js';
import { loadInputs } from './scan.js';

const request = workerData as PartRequest;
try {
  const catalogue = await loadCatalogue(request.catalogue);
  const loaded = await loadInputs(request.inputs, { ...request.options, catalogue });
  const { result: _result, ...part } = evaluatePart(loaded, { ...request.options, catalogue }, request.index, request.parts);
  parentPort!.postMessage({ ok: true, part });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  const place = err instanceof AigisError ? { file: err.file, pointer: err.pointer, line: err.line, column: err.column } : {};
  parentPort!.postMessage({ ok: false, error: { message: e.message, place, exitCode: err instanceof AigisError ? err.exitCode : 70, internal: !(err instanceof AigisError) } });
}
