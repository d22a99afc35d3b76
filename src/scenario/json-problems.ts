import type { z } from 'zod';
import { InputError } from '../core/errors.js';
import { formatPath } from './format-path.js';
import { flattenIssues } from './zod-messages.js';

/**
 * The problems of a JSON file lbsim wrote itself (result.json, compare.json, a baseline): one per
 * zod issue, named by key path. They carry no line: such files are checked, not hand-edited.
 */
export function jsonInputError(file: string, issues: readonly z.core.$ZodIssue[]): InputError {
  return new InputError(
    flattenIssues(issues).map((p) => ({
      file,
      line: 1,
      col: 1,
      path: formatPath(p.path),
      message: p.message,
    })),
  );
}
