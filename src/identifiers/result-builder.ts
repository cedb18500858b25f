import type { IdentifierErrorCode, IdentifierIssue, IdentifierResult, IdentifierWarningCode } from './identifier-result.js';

/** Internal helper shared by the citizen ID and USCC checkers. */
export function issue(code: IdentifierErrorCode | IdentifierWarningCode, message: string): IdentifierIssue {
  return { code, message };
}

export function invalid<P>(errors: IdentifierIssue[], warnings: IdentifierIssue[] = []): IdentifierResult<P> {
  const result: IdentifierResult<P> = { valid: false, errors };
  if (warnings.length > 0) result.warnings = warnings;
  return result;
}

export function valid<P>(canonical: string, parsed: P, warnings: IdentifierIssue[]): IdentifierResult<P> {
  const result: IdentifierResult<P> = { valid: true, canonical };
  if (warnings.length > 0) result.warnings = warnings;
  result.parsed = parsed;
  return result;
}
