import { MalformedBody, MAX_BODY_BYTES, OversizedBody } from '@gwpool/contracts';
import type { Msg } from '@nats-io/transport-node';
import type { ConsumerDeserializer, IncomingEvent, IncomingRequest } from '@nestjs/microservices';

const decoder = new TextDecoder();

/**
 * A plain JSON body as handlers see it: undefined when empty, an OversizedBody (never parsed) over MAX_BODY_BYTES, a
 * MalformedBody when it is not JSON.
 */
export function plainJsonBody(data: Uint8Array): unknown {
  if (data.length > MAX_BODY_BYTES) return new OversizedBody(data.length);
  if (data.length === 0) return undefined;
  try {
    return JSON.parse(decoder.decode(data)) as unknown;
  } catch (error) {
    return new MalformedBody(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Reads a plain JSON body. A body that is not JSON, or is over MAX_BODY_BYTES (never parsed), still reaches the
 * handler as a MalformedBody or OversizedBody, so the caller gets a VALIDATION_FAILED reply instead of silence.
 */
export class PlainJsonDeserializer implements ConsumerDeserializer {
  deserialize(msg: Msg, options?: Record<string, unknown>): IncomingRequest | IncomingEvent {
    const data = plainJsonBody(msg.data);
    const pattern = (options?.['channel'] as string | undefined) ?? msg.subject;
    return msg.reply ? { pattern, data, id: msg.reply } : { pattern, data };
  }
}
