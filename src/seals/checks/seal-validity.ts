import { SubIndication } from '../../verification/report.js';
import type { DecodedSeal } from '../asn1/model.js';
import { sealPropertyOf } from '../signed-parts.js';
import type { SealCheck } from './seal-check.js';

/** Whether the seal was valid at `at` (a stamp's signing time, or now for a seal alone): validStart ≤ at ≤ validEnd. */
export function checkSealValidity(seal: DecodedSeal, at: Date): SealCheck {
  const { validStart, validEnd } = sealPropertyOf(seal);
  const period = `${validStart.toISOString()} to ${validEnd.toISOString()}`;
  if (at < validStart)
    return {
      status: 'FAILED',
      message: `the seal is valid from ${period}: not yet at ${at.toISOString()}`,
      subIndication: SubIndication.NOT_YET_VALID,
    };
  if (at > validEnd)
    return {
      status: 'FAILED',
      message: `the seal is valid from ${period}: expired at ${at.toISOString()}`,
      subIndication: SubIndication.EXPIRED,
    };
  return { status: 'PASSED', message: `the seal is valid from ${period}, at ${at.toISOString()} too` };
}
