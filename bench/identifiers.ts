import { canonicalCitizenId, checkCitizenId } from '../src/identifiers/citizen-id.js';
import { citizenIdAt, makeUscc } from '../src/identifiers/generate.js';
import { canonicalUscc, checkUscc } from '../src/identifiers/uscc.js';
import { rate, record, section } from './lib.js';

/** Identifier validations per second, beside a bare regular-expression shape check. */
export function benchIdentifiers(): void {
  section('Identifiers (single core, in process)');
  const ids = Array.from({ length: 100_000 }, (_, i) => citizenIdAt(i * 1601));
  const usccs = Array.from({ length: 10_000 }, (_, i) => makeUscc({ organisationBody: `MA${String(i).padStart(6, '0')}` }));
  const shape = /^\d{17}[\dX]$/;
  const regex = rate((i) => shape.test(ids[i % ids.length]));
  const baseline = { name: 'regex shape check', value: regex };
  record({
    section: 'identifiers',
    name: 'citizen ID full check (checkCitizenId)',
    value: rate((i) => checkCitizenId(ids[i % ids.length])),
    unit: 'checks/s',
    baseline,
  });
  record({
    section: 'identifiers',
    name: 'citizen ID fast path (canonicalCitizenId)',
    value: rate((i) => canonicalCitizenId(ids[i % ids.length])),
    unit: 'checks/s',
    baseline,
  });
  record({
    section: 'identifiers',
    name: 'USCC full check (checkUscc)',
    value: rate((i) => checkUscc(usccs[i % usccs.length])),
    unit: 'checks/s',
    baseline,
  });
  record({
    section: 'identifiers',
    name: 'USCC fast path (canonicalUscc)',
    value: rate((i) => canonicalUscc(usccs[i % usccs.length])),
    unit: 'checks/s',
    baseline,
  });
}
