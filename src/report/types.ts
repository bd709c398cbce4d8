import type { Catalogue } from '../engine/rule.js';
import type { ScanResult } from '../engine/scan.js';
import type { Severity } from '../model/types.js';

export interface ReportContext {
  result: ScanResult;
  catalogue: Catalogue;
  failOn: Severity | 'none';
  /** The run fails: a finding at or above failOn, or an input error. */
  failed: boolean;
  tool: { name: string; version: string; informationUri: string };
  cwd: string;
  /** ANSI colours (text reporter only). */
  color: boolean;
  /** What was scanned, for reporters that describe the run (`aigis scan examples/`). */
  command: string;
  /** Reporter-specific options from the command line (e.g. sarifRoot, chartDir). */
  options: Record<string, unknown>;
}

/**
 * Renders one report: the whole text, or its pieces in order for a report that can run to tens
 * of megabytes (JSON). Each piece is masked for secrets on its own (src/cli/output.ts), so pieces
 * must meet outside any string the input supplied (between two findings), where no secret can run
 * across.
 */
export type Reporter = (ctx: ReportContext) => string | Iterable<string>;
