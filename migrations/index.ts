import { Registry1764201600000 } from './1764201600000-registry.js';
import { Accounts1764288000000 } from './1764288000000-accounts.js';
import { Oidc1764374400000 } from './1764374400000-oidc.js';
import { Pki1764460800000 } from './1764460800000-pki.js';
import { Agents1764547200000 } from './1764547200000-agents.js';
import { EnterpriseLogin1764633600000 } from './1764633600000-enterprise-login.js';
import { RecoveryCodes1764721000000 } from './1764721000000-recovery-codes.js';
import { Sm2Crls1764808000000 } from './1764808000000-sm2-crls.js';
import { Seals1765000000000 } from './1765000000000-seals.js';
import { SignInHistory1765100000000 } from './1765100000000-sign-in-history.js';
import { EnterpriseQrFirst1765200000000 } from './1765200000000-enterprise-qr-first.js';
import { TrustAnchors1765400000000 } from './1765400000000-trust-anchors.js';
import { LicenceTypes1765500000000 } from './1765500000000-licence-types.js';
import { Licences1765600000000 } from './1765600000000-licences.js';
import { LicenceShares1765700000000 } from './1765700000000-licence-shares.js';
import { Audit1765800000000 } from './1765800000000-audit.js';
import { IssuanceLog1765900000000 } from './1765900000000-issuance-log.js';

/** Every migration, oldest first. Add new ones at the end. */
export const migrations = [
  Registry1764201600000,
  Accounts1764288000000,
  Oidc1764374400000,
  Pki1764460800000,
  Agents1764547200000,
  EnterpriseLogin1764633600000,
  RecoveryCodes1764721000000,
  Sm2Crls1764808000000,
  Seals1765000000000,
  SignInHistory1765100000000,
  EnterpriseQrFirst1765200000000,
  TrustAnchors1765400000000,
  LicenceTypes1765500000000,
  Licences1765600000000,
  LicenceShares1765700000000,
  Audit1765800000000,
  IssuanceLog1765900000000,
];
