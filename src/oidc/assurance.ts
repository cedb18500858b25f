/** Levels of assurance (design §5): the acr values tongban issues, and what each one proves. */
export const LOA_ACR = {
  1: 'urn:tongban:loa:1', // password
  2: 'urn:tongban:loa:2', // password + one-time code
  3: 'urn:tongban:loa:3', // certificate-backed (electronic business licence)
} as const;

export const ACR_VALUES = Object.values(LOA_ACR);

export function loaOf(acr: unknown): number {
  const match = typeof acr === 'string' ? /^urn:tongban:loa:([123])$/.exec(acr) : null;
  return match ? Number(match[1]) : 0;
}

/**
 * The level a request needs: `acr_values` lists acceptable values in order of preference, so the
 * lowest listed tongban level is enough; a client may insist on a minimum of its own.
 */
export function requiredLoa(acrValues: unknown, clientMinimum: unknown): number {
  const requested =
    typeof acrValues === 'string'
      ? acrValues
          .split(' ')
          .map(loaOf)
          .filter((level) => level > 0)
      : [];
  const fromRequest = requested.length ? Math.min(...requested) : 1;
  const minimum = typeof clientMinimum === 'number' && clientMinimum >= 1 && clientMinimum <= 3 ? clientMinimum : 1;
  return Math.max(fromRequest, minimum);
}
