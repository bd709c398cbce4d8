// Steps that add derived facts to the model after the base subjects and links exist (component
// fingerprints, exposure, …). Each runs once per scan, in this order, over the whole graph.

import type { ModelGraph } from './build.js';
import { enrichComponents } from './components.js';
import { enrichDefaultCredentials } from './credentials.js';
import { enrichExposure } from './exposure.js';
import { enrichAiRisk } from './ai-risk.js';

export type Enricher = (graph: ModelGraph) => void;

export const ENRICHERS: Enricher[] = [enrichComponents, enrichExposure, enrichAiRisk, enrichDefaultCredentials];
