import { MalformedBody, MAX_BODY_BYTES, OversizedBody } from '@gwpool/contracts';
import type { Msg } from '@nats-io/transport-node';
import type { ConsumerDeserializer, IncomingEvent, IncomingRequest } from '@nestjs/microservices';

/**
 * Reads a plain JSON body. A body that is not JSON, or is over MAX_BODY_BYTES (never parsed), still reaches the
 * handler as a MalformedBody or OversizedBody, so the caller gets a VALIDATION_FAILED reply instead of silence.
 */
export class PlainJsonDeserializer implements ConsumerDeserializer {
  deserialize(msg: Msg, options?: Record<string, unknown>): IncomingRequest | IncomingEvent {
    let data: unknown;
    if (msg.data.length > MAX_BODY_BYTES) {
      data = new OversizedBody(msg.data.length);
    } else if (msg.data.length > 0) {
      try {
        data = msg.json();
      } catch (error) {
        data = new MalformedBody(error instanceof Error ? error.message : String(error));
      }
    }
    const pattern = (options?.['channel'] as string | undefined) ?? msg.subject;
    return msg.reply ? { pattern, data, id: msg.reply } : { pattern, data };
  }
}
