import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { canonicalCitizenId } from '../identifiers/citizen-id.js';
import { KeyStore } from '../keys/keystore.service.js';

const COOKIE = 'tongban_prefill';
const AAD = 'tongban login-prefill v1';
/** How long the ID number waits for the sign-in page: as long as a sign-in page stays valid by default. */
const PREFILL_SECONDS = 600;
/** oidc-provider's interaction uids (nanoid); anything else is not one. */
export const INTERACTION_UID = /^[A-Za-z0-9_-]{10,64}$/;

/**
 * The ID number a citizen just registered with, carried to the sign-in page of the portal they
 * came from so that its field is filled in — without ever appearing in a URL or a log line: an
 * httpOnly cookie scoped to that one interaction's path (`/interaction/<uid>`), sealed under the
 * KeyStore's `data` key (AES-GCM, the AAD naming its purpose) together with the interaction uid
 * and an expiry, so it is of no use elsewhere, later, or to anyone who reads the cookie jar.
 */
@Injectable()
export class LoginPrefill {
  constructor(private readonly keys: KeyStore) {}

  async set(req: HttpRequest, res: FastifyReply, uid: string, idNumber: string): Promise<void> {
    if (!INTERACTION_UID.test(uid)) return;
    const exp = Math.floor(Date.now() / 1000) + PREFILL_SECONDS;
    const { value } = await this.keys.sealText(JSON.stringify({ uid, id: idNumber, exp }), AAD);
    res.setCookie(COOKIE, value, {
      path: `/interaction/${uid}`,
      httpOnly: true,
      sameSite: 'lax',
      secure: req.protocol === 'https',
      maxAge: PREFILL_SECONDS,
    });
  }

  /** The ID number for this interaction's sign-in page, if the citizen has just registered with it. */
  async read(req: HttpRequest, uid: string): Promise<string | undefined> {
    const sealed = req.cookies?.[COOKIE];
    if (!sealed || sealed.length > 1000) return undefined;
    try {
      const data = JSON.parse(await this.keys.openText(sealed, AAD)) as { uid?: unknown; id?: unknown; exp?: unknown };
      if (data.uid !== uid || typeof data.exp !== 'number' || data.exp * 1000 <= Date.now() || typeof data.id !== 'string')
        return undefined;
      return canonicalCitizenId(data.id) ?? undefined;
    } catch {
      // Sealed under a key since retired, or not ours: nothing to fill in.
      return undefined;
    }
  }
}
