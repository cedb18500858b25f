import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createAdapterClass, deleteExpiredPayloads } from '../../src/oidc/adapter.js';
import type { ClientStore } from '../../src/clients/client-store.js';
import { openServices } from '../support/context.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';

describe(`oidc-provider storage on ${backend}`, () => {
  let t: TestEnv;
  let app: INestApplicationContext;
  let db: DataSource;
  let Adapter: ReturnType<typeof createAdapterClass>;
  beforeAll(async () => {
    t = await makeTestEnv();
    app = await openServices(t.config);
    db = app.get(DataSource);
    Adapter = createAdapterClass(db, {
      metadataFor: (id: string) => Promise.resolve(id === 'known' ? { client_id: 'known' } : undefined),
    } as unknown as ClientStore);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('stores, finds, consumes and destroys a model', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c1', { jti: 'c1', grantId: 'g1', kind: 'AuthorizationCode' }, 60);
    expect(await codes.find('c1')).toMatchObject({ jti: 'c1', grantId: 'g1' });
    expect(await new Adapter('AccessToken').find('c1')).toBeUndefined();
    await codes.consume('c1');
    expect(await codes.find('c1')).toMatchObject({ consumed: true });
    await codes.destroy('c1');
    expect(await codes.find('c1')).toBeUndefined();
  });

  it('finds sessions by uid and revokes everything of a grant', async () => {
    await new Adapter('Session').upsert('s1', { jti: 's1', uid: 'u1', kind: 'Session' }, 60);
    expect(await new Adapter('Session').findByUid('u1')).toMatchObject({ jti: 's1' });
    await new Adapter('AccessToken').upsert('a1', { jti: 'a1', grantId: 'g2' }, 60);
    await new Adapter('RefreshToken').upsert('r1', { jti: 'r1', grantId: 'g2' }, 60);
    await new Adapter('AccessToken').upsert('a2', { jti: 'a2', grantId: 'other' }, 60);
    await new Adapter('AccessToken').revokeByGrantId('g2');
    expect(await new Adapter('AccessToken').find('a1')).toBeUndefined();
    expect(await new Adapter('RefreshToken').find('r1')).toBeUndefined();
    expect(await new Adapter('AccessToken').find('a2')).toMatchObject({ jti: 'a2' });
  });

  it("reads a token's grant in the same statement, for the Grant.find that follows, once", async () => {
    const grants = new Adapter('Grant');
    const refreshTokens = new Adapter('RefreshToken');
    await grants.upsert('g3', { jti: 'g3', accountId: 'acc', clientId: 'known' }, 60);
    await refreshTokens.upsert('r3', { jti: 'r3', grantId: 'g3' }, 60);

    // Read with the token: still the grant as the token's statement saw it, then gone from the prefetch.
    expect(await refreshTokens.find('r3')).toMatchObject({ jti: 'r3' });
    await db.query(`DELETE FROM oidc_payloads WHERE kind = 'Grant' AND id = 'g3'`);
    expect(await grants.find('g3')).toMatchObject({ jti: 'g3', accountId: 'acc' });
    expect(await grants.find('g3')).toBeUndefined();

    // Writing or deleting the grant after the token was read: the database answers.
    await grants.upsert('g3', { jti: 'g3', accountId: 'acc', clientId: 'known' }, 60);
    await refreshTokens.find('r3');
    await grants.upsert('g3', { jti: 'g3', accountId: 'acc', clientId: 'known', rev: 2 }, 60);
    expect(await grants.find('g3')).toMatchObject({ rev: 2 });
    await refreshTokens.find('r3');
    await grants.destroy('g3');
    expect(await grants.find('g3')).toBeUndefined();
  });

  it('treats expired rows as gone at once, and deletes them after a grace period', async () => {
    await new Adapter('Interaction').upsert('i1', { jti: 'i1' }, 60);
    await db.query(`UPDATE oidc_payloads SET expires_at = now() - interval '1 second' WHERE id = 'i1'`);
    expect(await new Adapter('Interaction').find('i1')).toBeUndefined();
    expect(await deleteExpiredPayloads(db)).toBe(0); // still within the grace period
    await db.query(`UPDATE oidc_payloads SET expires_at = now() - interval '10 minutes' WHERE id = 'i1'`);
    expect(await deleteExpiredPayloads(db)).toBe(1);
    expect(await db.query(`SELECT 1 FROM oidc_payloads WHERE id = 'i1'`)).toEqual([]);
  });

  it('reads clients from the client store and refuses dynamic registration', async () => {
    expect(await new Adapter('Client').find('known')).toEqual({ client_id: 'known' });
    expect(await new Adapter('Client').find('unknown')).toBeUndefined();
    await expect(new Adapter('Client').upsert('x', {}, 0)).rejects.toThrow(/managed by tongban/);
  });
});

describe(`consuming a code twice at the same moment on ${backend}`, () => {
  let t: TestEnv;
  let app: INestApplicationContext;
  beforeAll(async () => {
    t = await makeTestEnv();
    app = await openServices(t.config);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('lets exactly one of the racing consumers win', async () => {
    const Adapter = createAdapterClass(app.get(DataSource), {} as ClientStore);
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('race', { jti: 'race' }, 60);
    const outcomes = await Promise.allSettled([codes.consume('race'), codes.consume('race'), codes.consume('race')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason.error)).toEqual(['invalid_grant', 'invalid_grant']);
  });
});
