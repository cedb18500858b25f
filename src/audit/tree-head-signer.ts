import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KeyStore } from '../keys/keystore.service.js';
import { MerkleTree } from './merkle/index.js';
import { AUDIT_LOG } from './audit-entries.js';
import { auditHashSource, committedSize, insertHead, latestHead, writeCompletedSubtrees } from './audit-tree.js';
import { treeHeadBytes, type SignedTreeHead } from './tree-head.js';

/** A replica signs a tree head at most this often, while entries arrive. */
export const TREE_HEAD_INTERVAL_MS = 10_000;

/**
 * Signs tree heads of one log (the audit log, or the public issuance log) with the `audit` key
 * (issue 14 §2, §3). Its appender tells it when it has committed entries; it then signs within
 * TREE_HEAD_INTERVAL_MS of its last head, only if the log grew (any replica's entries count), and
 * once more at shutdown. Before signing it writes the subtree hashes the growth completed, so roots
 * and proofs stay cheap at any size.
 */
export class LogHeadSigner implements OnApplicationShutdown {
  private readonly logger = new Logger('audit');
  private timer: NodeJS.Timeout | undefined;
  private lastSignedAt = 0;
  private signing: Promise<SignedTreeHead | null> | undefined;
  private grown = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: KeyStore,
    /** Which log: 'audit' or 'issuance' (a key of the tables in audit-tree.ts). */
    readonly log: string,
  ) {}

  /** Entries were committed: a head is due within the interval. */
  noteGrowth(): void {
    this.grown = true;
    if (this.timer) return;
    const wait = Math.max(0, this.lastSignedAt + TREE_HEAD_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.signIfGrown().catch((err: unknown) => this.logger.warn(`no tree head signed: ${(err as Error).message}`));
    }, wait);
    this.timer.unref();
  }

  /** Signs a head if entries were committed here since the last one. */
  async signIfGrown(): Promise<SignedTreeHead | null> {
    if (!this.grown) return null;
    return this.sign();
  }

  /**
   * Signs a head over the log as committed now, unless the latest head already covers it. One at a
   * time: a call during another signing waits for it, then signs what was committed since.
   */
  async sign(): Promise<SignedTreeHead | null> {
    while (this.signing) await this.signing.catch(() => null);
    this.signing = this.signNow().finally(() => (this.signing = undefined));
    return this.signing;
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async signNow(): Promise<SignedTreeHead | null> {
    this.grown = false;
    this.lastSignedAt = Date.now();
    const size = await committedSize(this.dataSource, this.log);
    const latest = await latestHead(this.dataSource, this.log);
    if (latest && latest.treeSize >= size) return null;
    await writeCompletedSubtrees(this.dataSource, latest?.treeSize ?? 0, size, this.log);
    const rootHash = await new MerkleTree(auditHashSource(this.dataSource, this.log)).root(size);
    const unsigned = { log: this.log, treeSize: size, rootHash, timestamp: Date.now() };
    const { kid, signature } = await this.keys.sign('audit', treeHeadBytes(unsigned));
    const head = { ...unsigned, kid, signature };
    await insertHead(this.dataSource, head);
    return head;
  }
}

/** The audit log's signer (the AuditService's). */
@Injectable()
export class TreeHeadSigner extends LogHeadSigner {
  constructor(dataSource: DataSource, keys: KeyStore) {
    super(dataSource, keys, AUDIT_LOG);
  }
}
