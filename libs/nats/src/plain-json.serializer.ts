import {
  SERVICE_ERROR_CODE_HEADER,
  SERVICE_ERROR_HEADER,
  WIRE_STATUS,
  isWireError,
  type WireError,
} from '@gwpool/contracts';
import { headers, type MsgHdrs } from '@nats-io/transport-node';
import type { Serializer } from '@nestjs/microservices';
import { headerText } from './bounded-wire-error.js';

interface OutgoingPacket {
  response?: unknown;
  err?: unknown;
}

const INTERNAL: WireError = { code: 'INTERNAL', message: 'internal error' };

export function errorHeaders(error: WireError): MsgHdrs {
  const h = headers();
  h.set(SERVICE_ERROR_CODE_HEADER, String(WIRE_STATUS[error.code]));
  h.set(SERVICE_ERROR_HEADER, headerText(error.message));
  return h;
}

/** Replies are the bare result object, or `{error}` with the NATS service error headers; no Nest envelope. */
export class PlainJsonSerializer implements Serializer<OutgoingPacket, { data: string; headers?: MsgHdrs }> {
  serialize(packet: OutgoingPacket): { data: string; headers?: MsgHdrs } {
    if (packet.err !== undefined && packet.err !== null) {
      const error = isWireError(packet.err) ? packet.err : INTERNAL;
      return { data: JSON.stringify({ error }), headers: errorHeaders(error) };
    }
    return { data: JSON.stringify(packet.response ?? null) };
  }
}
