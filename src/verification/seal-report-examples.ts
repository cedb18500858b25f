import type { DocumentVerification } from './document-verifier.js';
import { SubIndication, type ValidationReport } from './report.js';

/**
 * Answers of the seal, signature and document verifications as the service gave them (from a test
 * run: a seal tongban made for the demo enterprise, the shared fixtures), for the OpenAPI document.
 */

type Example<T> = { summary: string; value: T };

/** POST /api/v1/verify/seal */
export const SEAL_EXAMPLES = {
  passed: {
    summary: 'TOTAL_PASSED: a seal tongban made, good now',
    value: {
      indication: 'TOTAL_PASSED',
      checks: [
        { name: 'format', status: 'PASSED', message: 'GB/T 38540 (version 4) seal 福州通办示范科技有限公司 (35010000000001)' },
        {
          name: 'seal',
          status: 'PASSED',
          message:
            "the maker's signature over the seal information verifies (SM2 with SM3); the seal is valid from 2026-12-07T16:46:48.000Z to 2027-12-07T16:46:48.000Z, at 2026-12-07T16:46:48.690Z too",
        },
        {
          name: 'chain',
          status: 'PASSED',
          message: 'the maker’s certificate: issued by tongban SM2 Issuing CA 1, chaining to tongban SM2 Root CA',
        },
        {
          name: 'revocation',
          status: 'PASSED',
          message: 'the seal: not revoked (tongban’s register of seals); the maker’s certificate: not revoked',
        },
        { name: 'validity', status: 'PASSED', message: 'the maker’s certificate: valid at 2026-12-07T16:46:48.690Z' },
      ],
      issuer: { commonName: 'tongban SM2 Seal Maker', organizationName: 'tongban' },
      seal: {
        esID: '35010000000001',
        name: '福州通办示范科技有限公司',
        type: 1,
        format: 'GB/T 38540',
        vendor: 'tongban',
        validStart: '2026-12-07T16:46:48.000Z',
        validEnd: '2027-12-07T16:46:48.000Z',
        maker: { commonName: 'tongban SM2 Seal Maker', organizationName: 'tongban' },
        sha256: '685404d8a0d64134b37fd2ba00a952473661ff0ba2fd0a299ce93851f574cd5b',
      },
      validationTime: '2026-12-07T16:46:48.690Z',
    },
  },
  expired: {
    summary: 'TOTAL_FAILED / EXPIRED: another maker’s seal (ofdrw’s test seal), expired now',
    value: {
      indication: 'TOTAL_FAILED',
      subIndication: SubIndication.EXPIRED,
      checks: [
        { name: 'format', status: 'PASSED', message: 'GB/T 38540 (version 4) seal OFD R&W 测试用印章 (51f044b76510434e9bc67a1185c2fba5)' },
        {
          name: 'seal',
          status: 'FAILED',
          message:
            "the maker's signature over the seal information verifies (SM2 with SM3); the seal is valid from 2020-04-22T02:09:00.000Z to 2022-04-22T02:09:00.000Z: expired at 2026-12-07T16:46:48.711Z",
        },
        {
          name: 'chain',
          status: 'INDETERMINATE',
          message: 'the maker’s certificate: no path from this certificate to a tongban root certificate or an operator’s trust anchor',
        },
        {
          name: 'revocation',
          status: 'INDETERMINATE',
          message:
            'the seal: not checked: its maker is not known (no chain); the maker’s certificate: not checked: the certificate is not one tongban issued',
        },
        { name: 'validity', status: 'FAILED', message: 'the maker’s certificate: the certificate expired at 2022-04-21T14:39:38.000Z' },
      ],
      issuer: { commonName: 'Test Certificate', organizationName: 'OFD R&W' },
      seal: {
        esID: '51f044b76510434e9bc67a1185c2fba5',
        name: 'OFD R&W 测试用印章',
        type: 3,
        format: 'GB/T 38540',
        vendor: 'OFDR&WTest',
        validStart: '2020-04-22T02:09:00.000Z',
        validEnd: '2022-04-22T02:09:00.000Z',
        maker: { commonName: 'Test Certificate', organizationName: 'OFD R&W' },
        sha256: 'b73dd33ec01c66a99ce9b99f898027363553ebccfe0bd1cb85bec36e6c3e05fd',
      },
      validationTime: '2026-12-07T16:46:48.711Z',
    },
  },
  forged: {
    summary: 'TOTAL_FAILED / SIG_CRYPTO_FAILURE: a seal whose maker’s signature does not verify',
    value: {
      indication: 'TOTAL_FAILED',
      subIndication: SubIndication.SIG_CRYPTO_FAILURE,
      checks: [
        { name: 'format', status: 'PASSED', message: 'GB/T 38540 (version 4) seal 测试单位名称 合同专用章 (esID130600)' },
        {
          name: 'seal',
          status: 'FAILED',
          message:
            "the maker's signature over the seal information: the SM2 with SM3 signature does not verify; the seal is valid from 2020-10-13T09:45:58.000Z to 2021-04-16T09:45:58.000Z: expired at 2026-12-07T16:46:48.724Z",
        },
        {
          name: 'chain',
          status: 'INDETERMINATE',
          message: 'the maker’s certificate: no path from this certificate to a tongban root certificate or an operator’s trust anchor',
        },
        {
          name: 'revocation',
          status: 'INDETERMINATE',
          message:
            'the seal: not checked: its maker is not known (no chain); the maker’s certificate: not checked: the certificate is not one tongban issued',
        },
        { name: 'validity', status: 'FAILED', message: 'the maker’s certificate: the certificate expired at 2019-01-02T01:32:18.000Z' },
      ],
      issuer: { commonName: 'test111', organizationName: '河北戈德防伪科技有限公司' },
      seal: {
        esID: 'esID130600',
        name: '测试单位名称 合同专用章',
        type: 4,
        format: 'GB/T 38540',
        vendor: 'Vid HebeiGede',
        validStart: '2020-10-13T09:45:58.000Z',
        validEnd: '2021-04-16T09:45:58.000Z',
        maker: { commonName: 'test111', organizationName: '河北戈德防伪科技有限公司' },
        sha256: 'e52b164451ebddd48e01ed466546e5b248572588d2dd8c255a987efa7393b9be',
      },
      validationTime: '2026-12-07T16:46:48.724Z',
    },
  },
  malformed: {
    summary: 'TOTAL_FAILED / FORMAT_FAILURE: not a seal',
    value: {
      indication: 'TOTAL_FAILED',
      subIndication: SubIndication.FORMAT_FAILURE,
      checks: [
        { name: 'format', status: 'FAILED', message: 'not an electronic seal: SESeal: truncated contents' },
        { name: 'seal', status: 'INDETERMINATE', message: 'not checked: the input could not be read' },
        { name: 'chain', status: 'INDETERMINATE', message: 'not checked: the input could not be read' },
        { name: 'revocation', status: 'INDETERMINATE', message: 'not checked: the input could not be read' },
        { name: 'validity', status: 'INDETERMINATE', message: 'not checked: the input could not be read' },
      ],
      validationTime: '2026-12-07T16:46:48.735Z',
    },
  },
} satisfies Record<string, Example<ValidationReport>>;

/** POST /api/v1/verify/signature */
export const STAMP_EXAMPLES = {
  passed: {
    summary: 'TOTAL_PASSED: a stamp with a tongban seal and the document it signed',
    value: {
      indication: 'TOTAL_PASSED',
      checks: [
        {
          name: 'format',
          status: 'PASSED',
          message: 'GB/T 38540 (version 4) SES_Signature with seal 福州通办示范科技有限公司 (35010000000001)',
        },
        { name: 'dataHash', status: 'PASSED', message: 'the stamp’s data hash is the SM3 of the document given' },
        { name: 'signature', status: 'PASSED', message: "the signer's signature over the stamp (TBS_Sign) verifies (SM2 with SM3)" },
        {
          name: 'seal',
          status: 'PASSED',
          message:
            "the maker's signature over the seal information verifies (SM2 with SM3); the seal is valid from 2026-12-07T16:46:48.000Z to 2027-12-07T16:46:48.000Z, at 2026-12-07T16:46:48.000Z too",
        },
        { name: 'certList', status: 'PASSED', message: "the signer's certificate is the seal's allowed certificate 1 of 1" },
        {
          name: 'chain',
          status: 'PASSED',
          message:
            'the signer’s certificate: issued by tongban SM2 Issuing CA 1, chaining to tongban SM2 Root CA; the maker’s certificate: issued by tongban SM2 Issuing CA 1, chaining to tongban SM2 Root CA',
        },
        {
          name: 'revocation',
          status: 'PASSED',
          message:
            'the seal: not revoked (tongban’s register of seals); the signer’s certificate: not revoked; the maker’s certificate: not revoked',
        },
        {
          name: 'validity',
          status: 'PASSED',
          message:
            'the signer’s certificate: valid at 2026-12-07T16:46:48.000Z; the maker’s certificate: valid at 2026-12-07T16:46:48.000Z',
        },
      ],
      subject: { commonName: '福州通办示范科技有限公司', organizationName: '福州通办示范科技有限公司', uscc: '91350100MA2YTB8K4L' },
      issuer: { commonName: 'tongban SM2 Issuing CA 1', organizationName: 'tongban' },
      signingTime: '2026-12-07T16:46:48.000Z',
      signature: { type: 'Seal', algorithm: 'SM2 with SM3', propertyInfo: 'contract.txt' },
      seal: {
        esID: '35010000000001',
        name: '福州通办示范科技有限公司',
        type: 1,
        format: 'GB/T 38540',
        vendor: 'tongban',
        validStart: '2026-12-07T16:46:48.000Z',
        validEnd: '2027-12-07T16:46:48.000Z',
        maker: { commonName: 'tongban SM2 Seal Maker', organizationName: 'tongban' },
        sha256: '685404d8a0d64134b37fd2ba00a952473661ff0ba2fd0a299ce93851f574cd5b',
      },
      validationTime: '2026-12-07T16:46:48.741Z',
    },
  },
  noDocument: {
    summary: 'INDETERMINATE / SIGNED_DATA_NOT_FOUND: the same stamp without its document or digest',
    value: {
      indication: 'INDETERMINATE',
      subIndication: SubIndication.SIGNED_DATA_NOT_FOUND,
      checks: [
        {
          name: 'format',
          status: 'PASSED',
          message: 'GB/T 38540 (version 4) SES_Signature with seal 福州通办示范科技有限公司 (35010000000001)',
        },
        { name: 'dataHash', status: 'INDETERMINATE', message: 'not checked: neither the document nor its digest was given' },
        { name: 'signature', status: 'PASSED', message: "the signer's signature over the stamp (TBS_Sign) verifies (SM2 with SM3)" },
        {
          name: 'seal',
          status: 'PASSED',
          message:
            "the maker's signature over the seal information verifies (SM2 with SM3); the seal is valid from 2026-12-07T16:46:48.000Z to 2027-12-07T16:46:48.000Z, at 2026-12-07T16:46:48.000Z too",
        },
        { name: 'certList', status: 'PASSED', message: "the signer's certificate is the seal's allowed certificate 1 of 1" },
        {
          name: 'chain',
          status: 'PASSED',
          message:
            'the signer’s certificate: issued by tongban SM2 Issuing CA 1, chaining to tongban SM2 Root CA; the maker’s certificate: issued by tongban SM2 Issuing CA 1, chaining to tongban SM2 Root CA',
        },
        {
          name: 'revocation',
          status: 'PASSED',
          message:
            'the seal: not revoked (tongban’s register of seals); the signer’s certificate: not revoked; the maker’s certificate: not revoked',
        },
        {
          name: 'validity',
          status: 'PASSED',
          message:
            'the signer’s certificate: valid at 2026-12-07T16:46:48.000Z; the maker’s certificate: valid at 2026-12-07T16:46:48.000Z',
        },
      ],
      subject: { commonName: '福州通办示范科技有限公司', organizationName: '福州通办示范科技有限公司', uscc: '91350100MA2YTB8K4L' },
      issuer: { commonName: 'tongban SM2 Issuing CA 1', organizationName: 'tongban' },
      signingTime: '2026-12-07T16:46:48.000Z',
      signature: { type: 'Seal', algorithm: 'SM2 with SM3', propertyInfo: 'contract.txt' },
      seal: {
        esID: '35010000000001',
        name: '福州通办示范科技有限公司',
        type: 1,
        format: 'GB/T 38540',
        vendor: 'tongban',
        validStart: '2026-12-07T16:46:48.000Z',
        validEnd: '2027-12-07T16:46:48.000Z',
        maker: { commonName: 'tongban SM2 Seal Maker', organizationName: 'tongban' },
        sha256: '685404d8a0d64134b37fd2ba00a952473661ff0ba2fd0a299ce93851f574cd5b',
      },
      validationTime: '2026-12-07T16:46:48.762Z',
    },
  },
  otherDocument: {
    summary: 'TOTAL_FAILED / HASH_FAILURE: the same stamp with another document',
    value: {
      indication: 'TOTAL_FAILED',
      subIndication: SubIndication.HASH_FAILURE,
      checks: [
        {
          name: 'format',
          status: 'PASSED',
          message: 'GB/T 38540 (version 4) SES_Signature with seal 福州通办示范科技有限公司 (35010000000001)',
        },
        { name: 'dataHash', status: 'FAILED', message: 'the stamp’s data hash is not the SM3 of the document given: it signed other data' },
        { name: 'signature', status: 'PASSED', message: "the signer's signature over the stamp (TBS_Sign) verifies (SM2 with SM3)" },
        {
          name: 'seal',
          status: 'PASSED',
          message:
            "the maker's signature over the seal information verifies (SM2 with SM3); the seal is valid from 2026-12-07T16:46:48.000Z to 2027-12-07T16:46:48.000Z, at 2026-12-07T16:46:48.000Z too",
        },
        { name: 'certList', status: 'PASSED', message: "the signer's certificate is the seal's allowed certificate 1 of 1" },
        {
          name: 'chain',
          status: 'PASSED',
          message:
            'the signer’s certificate: issued by tongban SM2 Issuing CA 1, chaining to tongban SM2 Root CA; the maker’s certificate: issued by tongban SM2 Issuing CA 1, chaining to tongban SM2 Root CA',
        },
        {
          name: 'revocation',
          status: 'PASSED',
          message:
            'the seal: not revoked (tongban’s register of seals); the signer’s certificate: not revoked; the maker’s certificate: not revoked',
        },
        {
          name: 'validity',
          status: 'PASSED',
          message:
            'the signer’s certificate: valid at 2026-12-07T16:46:48.000Z; the maker’s certificate: valid at 2026-12-07T16:46:48.000Z',
        },
      ],
      subject: { commonName: '福州通办示范科技有限公司', organizationName: '福州通办示范科技有限公司', uscc: '91350100MA2YTB8K4L' },
      issuer: { commonName: 'tongban SM2 Issuing CA 1', organizationName: 'tongban' },
      signingTime: '2026-12-07T16:46:48.000Z',
      signature: { type: 'Seal', algorithm: 'SM2 with SM3', propertyInfo: 'contract.txt' },
      seal: {
        esID: '35010000000001',
        name: '福州通办示范科技有限公司',
        type: 1,
        format: 'GB/T 38540',
        vendor: 'tongban',
        validStart: '2026-12-07T16:46:48.000Z',
        validEnd: '2027-12-07T16:46:48.000Z',
        maker: { commonName: 'tongban SM2 Seal Maker', organizationName: 'tongban' },
        sha256: '685404d8a0d64134b37fd2ba00a952473661ff0ba2fd0a299ce93851f574cd5b',
      },
      validationTime: '2026-12-07T16:46:48.773Z',
    },
  },
} satisfies Record<string, Example<ValidationReport>>;

/** POST /api/v1/verify/document */
export const DOCUMENT_EXAMPLES = {
  stamped: {
    summary: 'one stamp with a tongban seal: TOTAL_PASSED',
    value: {
      signatures: [
        {
          indication: 'TOTAL_PASSED',
          checks: [
            {
              name: 'format',
              status: 'PASSED',
              message: 'GB/T 38540 (version 4) SES_Signature with seal 福州通办示范科技有限公司 (35010000000001)',
            },
            {
              name: 'dataHash',
              status: 'PASSED',
              message: '6 of 6 references intact (SM3); the stamp’s data hash is the SM3 of its Signature.xml',
            },
            { name: 'signature', status: 'PASSED', message: "the signer's signature over the stamp (TBS_Sign) verifies (SM2 with SM3)" },
            {
              name: 'seal',
              status: 'PASSED',
              message:
                "the maker's signature over the seal information verifies (SM2 with SM3); the seal is valid from 2026-12-07T16:46:48.000Z to 2027-12-07T16:46:48.000Z, at 2026-12-07T16:46:48.000Z too",
            },
            { name: 'certList', status: 'PASSED', message: "the signer's certificate is the seal's allowed certificate 1 of 1" },
            {
              name: 'chain',
              status: 'PASSED',
              message:
                'the signer’s certificate: issued by tongban SM2 Issuing CA 1, chaining to tongban SM2 Root CA; the maker’s certificate: issued by tongban SM2 Issuing CA 1, chaining to tongban SM2 Root CA',
            },
            {
              name: 'revocation',
              status: 'PASSED',
              message:
                'the seal: not revoked (tongban’s register of seals); the signer’s certificate: not revoked; the maker’s certificate: not revoked',
            },
            {
              name: 'validity',
              status: 'PASSED',
              message:
                'the signer’s certificate: valid at 2026-12-07T16:46:48.000Z; the maker’s certificate: valid at 2026-12-07T16:46:48.000Z',
            },
          ],
          subject: { commonName: '福州通办示范科技有限公司', organizationName: '福州通办示范科技有限公司', uscc: '91350100MA2YTB8K4L' },
          issuer: { commonName: 'tongban SM2 Issuing CA 1', organizationName: 'tongban' },
          signingTime: '2026-12-07T16:46:48.000Z',
          signature: {
            id: 's001',
            type: 'Seal',
            path: 'Doc_0/Signs/Sign_0/Signature.xml',
            algorithm: 'SM2 with SM3',
            propertyInfo: '/Doc_0/Signs/Sign_0/Signature.xml',
            references: { total: 6, intact: 6 },
          },
          seal: {
            esID: '35010000000001',
            name: '福州通办示范科技有限公司',
            type: 1,
            format: 'GB/T 38540',
            vendor: 'tongban',
            validStart: '2026-12-07T16:46:48.000Z',
            validEnd: '2027-12-07T16:46:48.000Z',
            maker: { commonName: 'tongban SM2 Seal Maker', organizationName: 'tongban' },
            sha256: '685404d8a0d64134b37fd2ba00a952473661ff0ba2fd0a299ce93851f574cd5b',
          },
          validationTime: '2026-12-07T16:46:48.799Z',
        },
      ],
    },
  },
  otherCa: {
    summary: 'a tax bureau’s stamp (no trust anchor for its CA): INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND, integrity PASSED',
    value: {
      signatures: [
        {
          indication: 'INDETERMINATE',
          subIndication: SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
          checks: [
            {
              name: 'format',
              status: 'PASSED',
              message: 'GB/T 38540 (version 4) SES_Signature with seal 测试全国统一发票监制章国家税务总局重庆市税务局 (50011200000399)',
            },
            {
              name: 'dataHash',
              status: 'PASSED',
              message: '13 of 13 references intact (SM3); the stamp’s data hash is the SM3 of its Signature.xml',
            },
            { name: 'signature', status: 'PASSED', message: "the signer's signature over the stamp (TBS_Sign) verifies (SM2 with SM3)" },
            {
              name: 'seal',
              status: 'PASSED',
              message:
                "the maker's signature over the seal information verifies (SM2 with SM3); the seal is valid from 2020-10-07T16:00:00.000Z to 2023-10-07T16:00:00.000Z, at 2020-10-10T07:11:20.000Z too",
            },
            { name: 'certList', status: 'PASSED', message: "the signer's certificate is the seal's allowed certificate 1 of 1" },
            {
              name: 'chain',
              status: 'INDETERMINATE',
              message:
                'the signer’s certificate: no path from this certificate to a tongban root certificate or an operator’s trust anchor; the maker’s certificate: no path from this certificate to a tongban root certificate or an operator’s trust anchor',
            },
            {
              name: 'revocation',
              status: 'INDETERMINATE',
              message:
                'the seal: not checked: its maker is not known (no chain); the signer’s certificate: not checked: the certificate is not one tongban issued; the maker’s certificate: not checked: the certificate is not one tongban issued',
            },
            {
              name: 'validity',
              status: 'PASSED',
              message:
                'the signer’s certificate: valid at 2020-10-10T07:11:20.000Z; the maker’s certificate: valid at 2020-10-10T07:11:20.000Z',
            },
          ],
          subject: { commonName: '全国统一发票监制章国家税务总局重庆市税务局', organizationName: '融易算电子发票服务平台' },
          issuer: { commonName: '税务测试CA2(SM2)' },
          signingTime: '2020-10-10T07:11:20.000Z',
          signature: {
            id: '1',
            type: 'Seal',
            path: 'Doc_0/Signs/Sign_0/Signature.xml',
            algorithm: 'SM2 with SM3',
            propertyInfo: '/Doc_0/Signs/Sign_0/Signature.xml',
            references: { total: 13, intact: 13 },
          },
          seal: {
            esID: '50011200000399',
            name: '测试全国统一发票监制章国家税务总局重庆市税务局',
            type: 3,
            format: 'GB/T 38540',
            vendor: 'GOMAIN',
            validStart: '2020-10-07T16:00:00.000Z',
            validEnd: '2023-10-07T16:00:00.000Z',
            maker: { commonName: '国家税务总局电子印章测试系统' },
            sha256: '57ce074aa49f1cca574d7534438901227e03130539e92ab11bb3ea23dc804ce9',
          },
          validationTime: '2026-12-07T16:46:48.820Z',
        },
      ],
    },
  },
  sign: {
    summary: 'a signature of Type Sign (GB/T 35275, not a seal): never TOTAL_PASSED',
    value: {
      signatures: [
        {
          indication: 'INDETERMINATE',
          subIndication: SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
          checks: [
            {
              name: 'format',
              status: 'PASSED',
              message:
                'a signature of Type Sign (GB/T 33190 §18: a digital signature after GB/T 35275), not an electronic seal; its SignedValue.dat is a bare signature value (SEQUENCE { r, s }) with no certificate',
            },
            { name: 'dataHash', status: 'PASSED', message: '4 of 4 references intact (SM3)' },
            {
              name: 'signature',
              status: 'INDETERMINATE',
              message: 'not checked: no certificate comes with it, so whose key made it cannot be told',
            },
          ],
          signature: {
            id: 's001',
            type: 'Sign',
            path: 'Doc_0/Signs/Sign_0/Signature.xml',
            algorithm: 'SM2 with SM3',
            references: { total: 4, intact: 4 },
          },
          validationTime: '2026-12-07T16:46:48.840Z',
        },
      ],
    },
  },
  unsigned: {
    summary: 'an unsigned document',
    value: { signatures: [] },
  },
  unreadable: {
    summary: 'not an OFD package: one FORMAT_FAILURE report (never an empty list)',
    value: {
      signatures: [
        {
          indication: 'TOTAL_FAILED',
          subIndication: SubIndication.FORMAT_FAILURE,
          checks: [{ name: 'format', status: 'FAILED', message: 'not a readable OFD document: not a zip archive (too short)' }],
          validationTime: '2026-12-07T16:46:48.844Z',
        },
      ],
    },
  },
} satisfies Record<string, Example<DocumentVerification>>;
