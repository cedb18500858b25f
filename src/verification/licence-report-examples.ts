import { SubIndication, type ValidationReport } from './report.js';

/** Licence reports as the service makes them (POST /api/v1/verify/licence, recorded from a run; the host made example.gov.cn). */
export const LICENCE_EXAMPLES = {
  passed: {
    summary: 'TOTAL_PASSED: a presentation of a residence permit disclosing two claims',
    value: {
      indication: 'TOTAL_PASSED',
      checks: [
        {
          name: 'format',
          status: 'PASSED',
          message: 'SD-JWT VC (typ dc+sd-jwt, vct https://id.example.gov.cn/licence-types/residence-permit) with 2 Disclosure(s)',
        },
        {
          name: 'signature',
          status: 'PASSED',
          message: 'ES256 signature of the issuer-signed JWT verified',
        },
        {
          name: 'chain',
          status: 'PASSED',
          message:
            'the signing certificate (tongban Licence Issuer): issued by tongban Issuing CA 1, chaining to tongban Root CA; valid and not revoked',
        },
        {
          name: 'dataHash',
          status: 'PASSED',
          message: '2 Disclosure(s), each digest in the issuer-signed JWT (sha-256)',
        },
        {
          name: 'validity',
          status: 'PASSED',
          message: 'valid from 2026-12-07T18:54:26.000Z until 2027-12-07T18:54:26.000Z',
        },
        {
          name: 'revocation',
          status: 'PASSED',
          message: 'not revoked or suspended (tongban’s status list 2, index 53323, signed 2026-12-07T18:54:26.000Z)',
        },
      ],
      subject: {
        kind: 'citizen',
        name: '张*',
      },
      issuer: {
        iss: 'https://id.example.gov.cn',
        commonName: 'tongban Licence Issuer',
        organizationName: 'tongban',
      },
      signingTime: '2026-12-07T18:54:26.000Z',
      licence: {
        type: 'residence-permit',
        typeName: {
          zh: '居住证',
          en: 'Residence permit',
        },
        vct: 'https://id.example.gov.cn/licence-types/residence-permit',
        issuedAt: '2026-12-07T18:54:26.000Z',
        validFrom: '2026-12-07T18:54:26.000Z',
        validUntil: '2027-12-07T18:54:26.000Z',
        status: 'valid',
        statusList: {
          idx: 53323,
          uri: 'https://id.example.gov.cn/api/v1/status-lists/2',
        },
        disclosed: {
          name: '张三',
          residence_address: '福建省福州市鼓楼区五四路1号',
        },
      },
      validationTime: '2026-12-07T18:54:26.248Z',
    },
  },
  byId: {
    summary: 'TOTAL_PASSED: the same licence by its identifier (no claims disclosed)',
    value: {
      indication: 'TOTAL_PASSED',
      checks: [
        {
          name: 'format',
          status: 'PASSED',
          message: 'SD-JWT VC (typ dc+sd-jwt, vct https://id.example.gov.cn/licence-types/residence-permit) with 4 Disclosure(s)',
        },
        {
          name: 'signature',
          status: 'PASSED',
          message: 'ES256 signature of the issuer-signed JWT verified',
        },
        {
          name: 'chain',
          status: 'PASSED',
          message:
            'the signing certificate (tongban Licence Issuer): issued by tongban Issuing CA 1, chaining to tongban Root CA; valid and not revoked',
        },
        {
          name: 'dataHash',
          status: 'PASSED',
          message: '4 Disclosure(s), each digest in the issuer-signed JWT (sha-256)',
        },
        {
          name: 'validity',
          status: 'PASSED',
          message: 'valid from 2026-12-07T18:54:26.000Z until 2027-12-07T18:54:26.000Z',
        },
        {
          name: 'revocation',
          status: 'PASSED',
          message: 'not revoked or suspended (tongban’s register of licences, now)',
        },
      ],
      subject: {
        kind: 'citizen',
        name: '张*',
        idNumberMasked: '110105********1239',
      },
      issuer: {
        iss: 'https://id.example.gov.cn',
        code: '11350100MB6660018U',
        commonName: 'tongban Licence Issuer',
        organizationName: 'tongban',
      },
      signingTime: '2026-12-07T18:54:26.000Z',
      licence: {
        id: '1.2.156.3005.2.11100000000013127D901.11350100MB6660018U.2.001.A',
        type: 'residence-permit',
        typeName: {
          zh: '居住证',
          en: 'Residence permit',
        },
        vct: 'https://id.example.gov.cn/licence-types/residence-permit',
        issuedAt: '2026-12-07T18:54:26.000Z',
        validFrom: '2026-12-07T18:54:26.000Z',
        validUntil: '2027-12-07T18:54:26.000Z',
        status: 'valid',
        statusList: {
          idx: 53323,
          uri: 'https://id.example.gov.cn/api/v1/status-lists/2',
        },
      },
      validationTime: '2026-12-07T18:54:26.381Z',
    },
  },
  suspended: {
    summary: 'INDETERMINATE / TRY_LATER: a suspended licence (it may be reinstated)',
    value: {
      indication: 'INDETERMINATE',
      subIndication: SubIndication.TRY_LATER,
      checks: [
        {
          name: 'format',
          status: 'PASSED',
          message: 'SD-JWT VC (typ dc+sd-jwt, vct https://id.example.gov.cn/licence-types/residence-permit) with 4 Disclosure(s)',
        },
        {
          name: 'signature',
          status: 'PASSED',
          message: 'ES256 signature of the issuer-signed JWT verified',
        },
        {
          name: 'chain',
          status: 'PASSED',
          message:
            'the signing certificate (tongban Licence Issuer): issued by tongban Issuing CA 1, chaining to tongban Root CA; valid and not revoked',
        },
        {
          name: 'dataHash',
          status: 'PASSED',
          message: '4 Disclosure(s), each digest in the issuer-signed JWT (sha-256)',
        },
        {
          name: 'validity',
          status: 'PASSED',
          message: 'valid from 2026-12-07T18:54:26.000Z until 2027-12-07T18:54:26.000Z',
        },
        {
          name: 'revocation',
          status: 'INDETERMINATE',
          message:
            'suspended (tongban’s status list 2, index 37695, signed 2026-12-07T18:54:26.000Z): it may be reinstated; ask again later',
        },
      ],
      subject: {
        kind: 'citizen',
        name: '张*',
        idNumberMasked: '110105********1239',
      },
      issuer: {
        iss: 'https://id.example.gov.cn',
        commonName: 'tongban Licence Issuer',
        organizationName: 'tongban',
      },
      signingTime: '2026-12-07T18:54:26.000Z',
      licence: {
        type: 'residence-permit',
        typeName: {
          zh: '居住证',
          en: 'Residence permit',
        },
        vct: 'https://id.example.gov.cn/licence-types/residence-permit',
        issuedAt: '2026-12-07T18:54:26.000Z',
        validFrom: '2026-12-07T18:54:26.000Z',
        validUntil: '2027-12-07T18:54:26.000Z',
        status: 'suspended',
        statusList: {
          idx: 37695,
          uri: 'https://id.example.gov.cn/api/v1/status-lists/2',
        },
        disclosed: {
          name: '张三',
          residence_address: '福建省福州市鼓楼区五四路1号',
          id_number: '110105199003071239',
          issuing_authority: '福州市公安局鼓楼分局',
        },
      },
      validationTime: '2026-12-07T18:54:26.610Z',
    },
  },
  revoked: {
    summary: 'TOTAL_FAILED / REVOKED: the licence revoked, by its credential',
    value: {
      indication: 'TOTAL_FAILED',
      subIndication: SubIndication.REVOKED,
      checks: [
        {
          name: 'format',
          status: 'PASSED',
          message: 'SD-JWT VC (typ dc+sd-jwt, vct https://id.example.gov.cn/licence-types/residence-permit) with 4 Disclosure(s)',
        },
        {
          name: 'signature',
          status: 'PASSED',
          message: 'ES256 signature of the issuer-signed JWT verified',
        },
        {
          name: 'chain',
          status: 'PASSED',
          message:
            'the signing certificate (tongban Licence Issuer): issued by tongban Issuing CA 1, chaining to tongban Root CA; valid and not revoked',
        },
        {
          name: 'dataHash',
          status: 'PASSED',
          message: '4 Disclosure(s), each digest in the issuer-signed JWT (sha-256)',
        },
        {
          name: 'validity',
          status: 'PASSED',
          message: 'valid from 2026-12-07T18:54:26.000Z until 2027-12-07T18:54:26.000Z',
        },
        {
          name: 'revocation',
          status: 'FAILED',
          message: 'revoked (tongban’s status list 2, index 37695, signed 2026-12-07T18:54:26.000Z)',
        },
      ],
      subject: {
        kind: 'citizen',
        name: '张*',
        idNumberMasked: '110105********1239',
      },
      issuer: {
        iss: 'https://id.example.gov.cn',
        commonName: 'tongban Licence Issuer',
        organizationName: 'tongban',
      },
      signingTime: '2026-12-07T18:54:26.000Z',
      licence: {
        type: 'residence-permit',
        typeName: {
          zh: '居住证',
          en: 'Residence permit',
        },
        vct: 'https://id.example.gov.cn/licence-types/residence-permit',
        issuedAt: '2026-12-07T18:54:26.000Z',
        validFrom: '2026-12-07T18:54:26.000Z',
        validUntil: '2027-12-07T18:54:26.000Z',
        status: 'revoked',
        statusList: {
          idx: 37695,
          uri: 'https://id.example.gov.cn/api/v1/status-lists/2',
        },
        disclosed: {
          name: '张三',
          residence_address: '福建省福州市鼓楼区五四路1号',
          id_number: '110105199003071239',
          issuing_authority: '福州市公安局鼓楼分局',
        },
      },
      validationTime: '2026-12-07T18:54:26.694Z',
    },
  },
  revokedById: {
    summary: 'TOTAL_FAILED / REVOKED: the same by its identifier, with when and why',
    value: {
      indication: 'TOTAL_FAILED',
      subIndication: SubIndication.REVOKED,
      checks: [
        {
          name: 'format',
          status: 'PASSED',
          message: 'SD-JWT VC (typ dc+sd-jwt, vct https://id.example.gov.cn/licence-types/residence-permit) with 4 Disclosure(s)',
        },
        {
          name: 'signature',
          status: 'PASSED',
          message: 'ES256 signature of the issuer-signed JWT verified',
        },
        {
          name: 'chain',
          status: 'PASSED',
          message:
            'the signing certificate (tongban Licence Issuer): issued by tongban Issuing CA 1, chaining to tongban Root CA; valid and not revoked',
        },
        {
          name: 'dataHash',
          status: 'PASSED',
          message: '4 Disclosure(s), each digest in the issuer-signed JWT (sha-256)',
        },
        {
          name: 'validity',
          status: 'PASSED',
          message: 'valid from 2026-12-07T18:54:26.000Z until 2027-12-07T18:54:26.000Z',
        },
        {
          name: 'revocation',
          status: 'FAILED',
          message: 'revoked at 2026-12-07T18:54:26.678Z: 以欺骗手段取得',
        },
      ],
      subject: {
        kind: 'citizen',
        name: '张*',
        idNumberMasked: '110105********1239',
      },
      issuer: {
        iss: 'https://id.example.gov.cn',
        code: '11350100MB6660018U',
        commonName: 'tongban Licence Issuer',
        organizationName: 'tongban',
      },
      signingTime: '2026-12-07T18:54:26.000Z',
      licence: {
        id: '1.2.156.3005.2.11100000000013127D901.11350100MB6660018U.3.001.V',
        type: 'residence-permit',
        typeName: {
          zh: '居住证',
          en: 'Residence permit',
        },
        vct: 'https://id.example.gov.cn/licence-types/residence-permit',
        issuedAt: '2026-12-07T18:54:26.000Z',
        validFrom: '2026-12-07T18:54:26.000Z',
        validUntil: '2027-12-07T18:54:26.000Z',
        status: 'revoked',
        statusList: {
          idx: 37695,
          uri: 'https://id.example.gov.cn/api/v1/status-lists/2',
        },
      },
      validationTime: '2026-12-07T18:54:26.719Z',
    },
  },
  tampered: {
    summary: 'TOTAL_FAILED / HASH_FAILURE: a Disclosure changed',
    value: {
      indication: 'TOTAL_FAILED',
      subIndication: SubIndication.HASH_FAILURE,
      checks: [
        {
          name: 'format',
          status: 'PASSED',
          message: 'SD-JWT VC (typ dc+sd-jwt, vct https://id.example.gov.cn/licence-types/residence-permit) with 4 Disclosure(s)',
        },
        {
          name: 'signature',
          status: 'PASSED',
          message: 'ES256 signature of the issuer-signed JWT verified',
        },
        {
          name: 'chain',
          status: 'PASSED',
          message:
            'the signing certificate (tongban Licence Issuer): issued by tongban Issuing CA 1, chaining to tongban Root CA; valid and not revoked',
        },
        {
          name: 'dataHash',
          status: 'FAILED',
          message: 'a Disclosure (claim "name") is not referenced by the credential: changed, or from another credential',
        },
        {
          name: 'validity',
          status: 'PASSED',
          message: 'valid from 2026-12-07T18:54:26.000Z until 2027-12-07T18:54:26.000Z',
        },
        {
          name: 'revocation',
          status: 'PASSED',
          message: 'not revoked or suspended (tongban’s status list 2, index 53323, signed 2026-12-07T18:54:26.000Z)',
        },
      ],
      subject: {
        kind: 'citizen',
      },
      issuer: {
        iss: 'https://id.example.gov.cn',
        commonName: 'tongban Licence Issuer',
        organizationName: 'tongban',
      },
      signingTime: '2026-12-07T18:54:26.000Z',
      licence: {
        type: 'residence-permit',
        typeName: {
          zh: '居住证',
          en: 'Residence permit',
        },
        vct: 'https://id.example.gov.cn/licence-types/residence-permit',
        issuedAt: '2026-12-07T18:54:26.000Z',
        validFrom: '2026-12-07T18:54:26.000Z',
        validUntil: '2027-12-07T18:54:26.000Z',
        status: 'valid',
        statusList: {
          idx: 53323,
          uri: 'https://id.example.gov.cn/api/v1/status-lists/2',
        },
      },
      validationTime: '2026-12-07T18:54:26.754Z',
    },
  },
  foreign: {
    summary: 'INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND: signed by a key whose certificate chains to no root tongban trusts',
    value: {
      indication: 'INDETERMINATE',
      subIndication: SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
      checks: [
        {
          name: 'format',
          status: 'PASSED',
          message: 'SD-JWT VC (typ dc+sd-jwt, vct https://id.example.gov.cn/licence-types/residence-permit) with 4 Disclosure(s)',
        },
        {
          name: 'signature',
          status: 'PASSED',
          message: 'ES256 signature of the issuer-signed JWT verified',
        },
        {
          name: 'chain',
          status: 'INDETERMINATE',
          message:
            'the signing certificate (Elsewhere Licence Issuer): no path from this certificate to a tongban root certificate or an operator’s trust anchor; not checked: the certificate is not one tongban issued',
        },
        {
          name: 'dataHash',
          status: 'PASSED',
          message: '4 Disclosure(s), each digest in the issuer-signed JWT (sha-256)',
        },
        {
          name: 'validity',
          status: 'PASSED',
          message: 'valid from 2026-12-07T18:54:27.000Z until 2026-12-08T18:54:27.000Z',
        },
        {
          name: 'revocation',
          status: 'INDETERMINATE',
          message: 'not checked: the credential’s issuer is not trusted',
        },
      ],
      subject: {
        kind: 'citizen',
        name: '张*',
        idNumberMasked: '110105********1239',
      },
      issuer: {
        iss: 'https://elsewhere.example',
      },
      signingTime: '2026-12-07T18:54:27.000Z',
      licence: {
        type: 'residence-permit',
        typeName: {
          zh: '居住证',
          en: 'Residence permit',
        },
        vct: 'https://id.example.gov.cn/licence-types/residence-permit',
        issuedAt: '2026-12-07T18:54:27.000Z',
        validFrom: '2026-12-07T18:54:27.000Z',
        validUntil: '2026-12-08T18:54:27.000Z',
        statusList: {
          idx: 53323,
          uri: 'https://id.example.gov.cn/api/v1/status-lists/2',
        },
      },
      validationTime: '2026-12-07T18:54:27.411Z',
    },
  },
  junk: {
    summary: 'TOTAL_FAILED / FORMAT_FAILURE: text that is no SD-JWT',
    value: {
      indication: 'TOTAL_FAILED',
      subIndication: SubIndication.FORMAT_FAILURE,
      checks: [
        {
          name: 'format',
          status: 'FAILED',
          message: 'not an SD-JWT: an SD-JWT has no whitespace',
        },
        {
          name: 'signature',
          status: 'INDETERMINATE',
          message: 'not checked: the SD-JWT could not be read',
        },
        {
          name: 'chain',
          status: 'INDETERMINATE',
          message: 'not checked: the SD-JWT could not be read',
        },
        {
          name: 'dataHash',
          status: 'INDETERMINATE',
          message: 'not checked: the SD-JWT could not be read',
        },
        {
          name: 'validity',
          status: 'INDETERMINATE',
          message: 'not checked: the SD-JWT could not be read',
        },
        {
          name: 'revocation',
          status: 'INDETERMINATE',
          message: 'not checked: the credential could not be read',
        },
      ],
      validationTime: '2026-12-07T18:54:27.449Z',
    },
  },
} satisfies Record<string, { summary: string; value: ValidationReport }>;
