import { badUserInput } from '../../errors.ts';

/**
 * One URL path segment from an id: `/`, `?`, `#` and `%` are percent-encoded so an id can never
 * address another upstream path; empty, `.` and `..` are refused before any call.
 */
export function segment(id: string): string {
  // Values can reach here from untyped JSON (federation's `_Any`): only a string is an id.
  if (typeof id !== 'string') throw badUserInput('An id must be a string');
  if (id === '' || id === '.' || id === '..') throw badUserInput('An id must not be empty, "." or ".."');
  return encodeURIComponent(id);
}
