/**
 * Naming the keys two configs disagree on, for errors that say what differs instead of printing
 * both configs.
 * @module
 */

/**
 * The keys whose values differ between `a` and `b` (compared as JSON, a missing key as `null`), in
 * `a`'s key order then `b`'s extra keys, each as `key: <a> (<aName>) vs <b> (<bName>)`, joined
 * with "; ". Empty when they agree.
 */
export function configDifferences(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  aName: string,
  bName: string,
): string {
  const show = (v: unknown) => JSON.stringify(v ?? null);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => show(a[k]) !== show(b[k]))
    .map((k) => `${k}: ${show(a[k])} (${aName}) vs ${show(b[k])} (${bName})`)
    .join("; ");
}
