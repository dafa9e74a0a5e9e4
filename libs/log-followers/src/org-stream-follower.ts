import { PROJECTOR_CHECKPOINT } from '@gwpool/catalog-docs';
import { ORG_STREAM_PREFIX, orgFromStreamId } from '@gwpool/domain';
import type { EventLog, EventSubscription, RecordedEvent } from '@gwpool/event-log';
import type { ReadModelStore, ViewDoc } from '@gwpool/read-model';
import { Logger } from '@nestjs/common';
import { PositionGate } from './position-gate.js';

const RETRY_MS = 1000;

/** What a follower keeps: loaded from the views' snapshot, then fed each event of an org's stream after it. */
export interface OrgStreamFold {
  load(docs: readonly ViewDoc[]): void;
  apply(org: string, recorded: RecordedEvent): void;
}

/**
 * Loads the views as of the projector's checkpoint (one consistent snapshot), then follows every org stream of the
 * log from that checkpoint, resuming after the last event applied when the subscription fails.
 */
export class OrgStreamFollower {
  /** Position of the last event applied. */
  position: string | null = null;
  /** Who waits for this follower to apply a position (read-your-writes). */
  readonly gate: PositionGate;
  private readonly logger: Logger;
  private subscription?: EventSubscription;
  private following?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly log: EventLog,
    private readonly views: ReadModelStore,
    private readonly fold: OrgStreamFold,
    name: string,
    private readonly checkpointName = PROJECTOR_CHECKPOINT,
  ) {
    this.logger = new Logger(name);
    this.gate = new PositionGate((a, b) => log.comparePositions(a, b));
  }

  async start(): Promise<void> {
    const snapshot = await this.views.loadSnapshot(this.checkpointName);
    this.fold.load(snapshot.docs);
    this.position = snapshot.position;
    this.gate.advance(undefined, snapshot.position);
    this.following = this.follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.following;
  }

  apply(recorded: RecordedEvent): void {
    this.position = recorded.position;
    const org = orgFromStreamId(recorded.streamId);
    if (org !== undefined) this.fold.apply(org, recorded);
    this.gate.advance(org, recorded.position);
  }

  private async follow(): Promise<void> {
    while (!this.stopped) {
      try {
        this.subscription = this.log.subscribeToAll({ after: this.position, streamPrefix: ORG_STREAM_PREFIX });
        for await (const recorded of this.subscription) this.apply(recorded);
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(`event subscription failed, resuming in ${RETRY_MS} ms: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}
