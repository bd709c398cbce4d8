// The enricher behind the GPU isolation, model supply-chain and AI secrets rules: runs after the
// components enricher (it reads `component`, `flags`, `envVars`) and adds the facts documented in
// docs/model.md under "GPU isolation", "Model supply chain" and "Vulnerable versions".

import { aiTables } from './ai-tables.js';
import type { ModelGraph } from './build.js';
import { enrichGpuContext } from './gpu-context.js';
import { enrichGpuStack } from './gpu-stack.js';
import { enrichSupplyChain } from './supply-chain.js';

export function enrichAiRisk(graph: ModelGraph): void {
  const t = aiTables(graph.tables.raw);
  enrichGpuContext(graph, t);
  enrichSupplyChain(graph, t);
  enrichGpuStack(graph, t);
}
