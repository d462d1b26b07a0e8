// Test counts a phase hands to the top-level runner (runAll): written as JSON
// to the file named by HARNESS_STATS_FILE when that is set.
import * as fs from 'node:fs';

export interface PhaseStats {
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
}

export function writeStats(stats: PhaseStats): void {
  const file = process.env.HARNESS_STATS_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(stats));
}

export function readStats(file: string): PhaseStats | undefined {
  if (!fs.existsSync(file)) return undefined;
  const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!value || typeof value !== 'object') return undefined;
  const { passed, failed, pending } = value as Record<string, unknown>;
  if (typeof passed !== 'number' || typeof failed !== 'number') return undefined;
  return { passed, failed, pending: typeof pending === 'number' ? pending : 0 };
}
