// Commands by name; each is loaded only when run.

import type { Command } from './types.js';

export const COMMANDS: Record<string, () => Promise<Command>> = {
  scan: async () => (await import('./scan.js')).scanCommand,
  audit: async () => (await import('./audit.js')).auditCommand,
  webhook: async () => (await import('./webhook.js')).webhookCommand,
  rules: async () => (await import('./rules.js')).rulesCommand,
  explain: async () => (await import('./explain.js')).explainCommand,
  init: async () => (await import('./init.js')).initCommand,
  sbom: async () => (await import('./sbom.js')).sbomCommand,
};
