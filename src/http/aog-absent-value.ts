/**
 * Whether a field of an AOG request body counts as not given: absent, `null` or `""`. AOG's clients are written in
 * Go, which sends a field's zero value (`""`) for "unset" and `null` for an empty pointer.
 */
export function isAbsent(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}
