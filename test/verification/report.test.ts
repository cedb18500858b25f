import {
  INDICATION_OF,
  ReportBuilder,
  ReportContractError,
  SubIndication,
  type CheckStatus,
  type Indication,
  type Verdict,
} from '../../src/verification/report.js';

const AT = '2026-01-02T03:04:05.000Z';

/** A builder with the certificate checks, all PASSED but those given. */
function checked(statuses: Partial<Record<'format' | 'signature' | 'chain' | 'validity' | 'revocation', CheckStatus>> = {}): ReportBuilder {
  const builder = new ReportBuilder(AT);
  for (const name of ['format', 'signature', 'chain', 'validity', 'revocation'] as const)
    builder.check(name, statuses[name] ?? 'PASSED', `${name} message`);
  return builder;
}

describe('the verification report vocabulary (ETSI EN 319 102-1 table 5)', () => {
  it('puts each sub-indication under the one indication the standard lists it under', () => {
    const under = (indication: Indication) =>
      Object.values(SubIndication)
        .filter((sub) => INDICATION_OF[sub] === indication)
        .sort();
    expect(under('TOTAL_FAILED')).toEqual(['EXPIRED', 'FORMAT_FAILURE', 'HASH_FAILURE', 'NOT_YET_VALID', 'REVOKED', 'SIG_CRYPTO_FAILURE']);
    expect(under('INDETERMINATE')).toEqual(
      [
        'SIG_CONSTRAINTS_FAILURE',
        'CHAIN_CONSTRAINTS_FAILURE',
        'CERTIFICATE_CHAIN_GENERAL_FAILURE',
        'CRYPTO_CONSTRAINTS_FAILURE',
        'POLICY_PROCESSING_ERROR',
        'SIGNATURE_POLICY_NOT_AVAILABLE',
        'TIMESTAMP_ORDER_FAILURE',
        'NO_SIGNING_CERTIFICATE_FOUND',
        'NO_CERTIFICATE_CHAIN_FOUND',
        'REVOKED_NO_POE',
        'REVOKED_CA_NO_POE',
        'OUT_OF_BOUNDS_NO_POE',
        'OUT_OF_BOUNDS_NOT_REVOKED',
        'CRYPTO_CONSTRAINTS_FAILURE_NO_POE',
        'NO_POE',
        'TRY_LATER',
        'SIGNED_DATA_NOT_FOUND',
      ].sort(),
    );
    expect(under('TOTAL_PASSED')).toEqual([]);
    // The enum's values are its names: what portals read in the JSON.
    for (const [name, value] of Object.entries(SubIndication)) expect(value).toBe(name);
  });

  it('admits only the allowed pairs as a Verdict, at compile time too', () => {
    const ok: Verdict[] = [
      { indication: 'TOTAL_PASSED' },
      { indication: 'TOTAL_FAILED', subIndication: SubIndication.REVOKED },
      { indication: 'INDETERMINATE', subIndication: SubIndication.NO_CERTIFICATE_CHAIN_FOUND },
    ];
    // @ts-expect-error NO_CERTIFICATE_CHAIN_FOUND is INDETERMINATE's
    const wrong: Verdict = { indication: 'TOTAL_FAILED', subIndication: SubIndication.NO_CERTIFICATE_CHAIN_FOUND };
    // @ts-expect-error TOTAL_PASSED takes no sub-indication
    const passedWithReason: Verdict = { indication: 'TOTAL_PASSED', subIndication: SubIndication.TRY_LATER };
    // @ts-expect-error INDETERMINATE needs one
    const noReason: Verdict = { indication: 'INDETERMINATE' };
    expect(ok).toHaveLength(3);
    expect([wrong, passedWithReason, noReason]).toHaveLength(3);
  });
});

describe('ReportBuilder', () => {
  it('builds a report in design §9’s shape, keys in its order, with the verdict as given', () => {
    const subject = Object.freeze({ commonName: 'Acme', uscc: '91350100M000100Y43' });
    const issuer = Object.freeze({ commonName: 'tongban Issuing CA 1' });
    const report = checked()
      .subject(subject)
      .issuer(issuer)
      .signingTime(new Date('2026-01-01T00:00:00Z'))
      .section('certificate', { serial: '0a' })
      .build({ indication: 'TOTAL_PASSED' });
    expect(report).toEqual({
      indication: 'TOTAL_PASSED',
      checks: ['format', 'signature', 'chain', 'validity', 'revocation'].map((name) => ({
        name,
        status: 'PASSED',
        message: `${name} message`,
      })),
      subject: { commonName: 'Acme', uscc: '91350100M000100Y43' },
      issuer: { commonName: 'tongban Issuing CA 1' },
      signingTime: '2026-01-01T00:00:00.000Z',
      certificate: { serial: '0a' },
      validationTime: AT,
    });
    expect(Object.keys(report)).toEqual(['indication', 'checks', 'subject', 'issuer', 'signingTime', 'certificate', 'validationTime']);
    // Shared frozen names are carried, not copied.
    expect(report.subject).toBe(subject);
    const failed = checked({ revocation: 'FAILED' })
      .subject(subject)
      .build({ indication: 'TOTAL_FAILED', subIndication: SubIndication.REVOKED });
    expect(Object.keys(failed)).toEqual(['indication', 'subIndication', 'checks', 'subject', 'validationTime']);
    expect(JSON.parse(JSON.stringify(failed))).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'REVOKED' });
  });

  it('takes the indication from the module that checked, not from the checks', () => {
    // A chain check short of PASSED does not make it TOTAL_FAILED, nor does INDETERMINATE become anything else.
    const report = checked({ chain: 'INDETERMINATE', signature: 'INDETERMINATE', revocation: 'INDETERMINATE' }).build({
      indication: 'INDETERMINATE',
      subIndication: SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
    });
    expect(report).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
    // A revoked CA: a FAILED check, and still INDETERMINATE, because the standard says so.
    expect(
      checked({ revocation: 'FAILED' }).build({ indication: 'INDETERMINATE', subIndication: SubIndication.REVOKED_CA_NO_POE }).indication,
    ).toBe('INDETERMINATE');
  });

  it('refuses a pair the standard does not allow', () => {
    const pairs: Array<[string, SubIndication]> = [
      ['TOTAL_FAILED', SubIndication.NO_CERTIFICATE_CHAIN_FOUND], // the old answer for a foreign chain
      ['TOTAL_FAILED', SubIndication.TRY_LATER],
      ['TOTAL_FAILED', SubIndication.REVOKED_CA_NO_POE],
      ['INDETERMINATE', SubIndication.REVOKED],
      ['INDETERMINATE', SubIndication.FORMAT_FAILURE],
      ['INDETERMINATE', SubIndication.HASH_FAILURE],
    ];
    for (const [indication, subIndication] of pairs) {
      expect(() => checked({ chain: 'FAILED' }).build({ indication, subIndication } as Verdict)).toThrow(ReportContractError);
      expect(() => checked({ chain: 'FAILED' }).build({ indication, subIndication } as Verdict)).toThrow(/ETSI EN 319 102-1/);
    }
    expect(() =>
      checked({ chain: 'FAILED' }).build({ indication: 'TOTAL_FAILED', subIndication: 'NO_SUCH_THING' as SubIndication }),
    ).toThrow(/unknown sub-indication/);
    expect(() => checked({ chain: 'FAILED' }).build({ indication: 'FAILED' as Indication, subIndication: SubIndication.REVOKED })).toThrow(
      /unknown indication/,
    );
    expect(() => checked({ chain: 'FAILED' }).build({ indication: 'TOTAL_FAILED' })).toThrow(/needs a sub-indication/);
    expect(() => checked({ chain: 'INDETERMINATE' }).build({ indication: 'INDETERMINATE' })).toThrow(/needs a sub-indication/);
  });

  it('refuses TOTAL_PASSED with a sub-indication, with a check not PASSED, or with nothing checked', () => {
    expect(() => checked().build({ indication: 'TOTAL_PASSED', subIndication: SubIndication.TRY_LATER })).toThrow(
      /TOTAL_PASSED takes no sub-indication/,
    );
    for (const status of ['FAILED', 'INDETERMINATE'] as const) {
      expect(() => checked({ revocation: status }).build({ indication: 'TOTAL_PASSED' })).toThrow(
        new RegExp(`TOTAL_PASSED with the revocation check ${status}`),
      );
    }
    expect(() => new ReportBuilder(AT).build({ indication: 'TOTAL_PASSED' })).toThrow(/nothing checked/);
  });

  it('refuses a verdict its checks do not show', () => {
    // TOTAL_FAILED needs a FAILED check; INDETERMINATE one short of PASSED.
    expect(() =>
      checked({ revocation: 'INDETERMINATE' }).build({ indication: 'TOTAL_FAILED', subIndication: SubIndication.REVOKED }),
    ).toThrow(/no check FAILED/);
    expect(() => checked().build({ indication: 'INDETERMINATE', subIndication: SubIndication.TRY_LATER })).toThrow(
      /no check short of PASSED/,
    );
    expect(
      checked({ revocation: 'INDETERMINATE' }).build({ indication: 'INDETERMINATE', subIndication: SubIndication.TRY_LATER }).subIndication,
    ).toBe('TRY_LATER');
  });

  it('makes one report per builder', () => {
    const builder = checked();
    builder.build({ indication: 'TOTAL_PASSED' });
    expect(() => builder.build({ indication: 'TOTAL_PASSED' })).toThrow(/built already/);
    expect(() => builder.check('format', 'FAILED', 'later')).toThrow(/built already/);
  });
});
