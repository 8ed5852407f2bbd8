// One client of the store: the guest's ring or the runtime's own dom0 back ends. A connection
// has an identity for permission checks (its domid, and whether it is privileged as dom0's
// tools are), its open transactions, its watches, and the queue of messages waiting to go out
// (replies and watch events in order, as xenstored's out_list).
import type { Transaction } from './transactions.ts';
import type { Watch } from './watches.ts';

export interface OutMessage {
  type: number;
  reqId: number;
  txId: number;
  payload: Uint8Array;
  /** A watch event (not a reply): never counted as outstanding, may be dropped as a duplicate. */
  event: boolean;
  /** Bytes of header + payload already copied into the ring. */
  written: number;
}

export class Connection {
  /** The transaction the request being processed runs in (from its tx_id), else null. */
  transaction: Transaction | null = null;
  readonly transactions = new Map<number, Transaction>();
  nextTransactionId = 0;
  readonly watches: Watch[] = [];
  readonly out: OutMessage[] = [];
  /** Set when the connection is ignored after a protocol error: no more input or output. */
  ignored = false;

  constructor(readonly id: number, readonly privileged: boolean) {}

  /** Replies queued and not completely written (xenstored's outstanding-request count). */
  outstanding(): number {
    let n = 0;
    for (const m of this.out) if (!m.event) n++;
    return n;
  }
}
