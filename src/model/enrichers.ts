// Steps that add derived facts to the model after the base subjects and links exist (component
// fingerprints, exposure, …). Each runs once per scan, in this order, over the whole graph.

import type { ModelGraph } from './build.js';

export type Enricher = (graph: ModelGraph) => void;

export const ENRICHERS: Enricher[] = [];
