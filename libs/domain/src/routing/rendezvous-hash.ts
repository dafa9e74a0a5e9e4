import type { RoutingMemory, RoutingMember } from './routing-types.js';

/**
 * 32-bit FNV-1a over the string's UTF-16 code units. Deterministic and seedless on purpose: every routing-query
 * instance must pin a key to the same member.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's finalizer: a bijection on 32 bits that spreads every input bit over the whole word. */
export function fmix32(value: number): number {
  let hash = value;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

export const stringHash = (text: string): number => fmix32(fnv1a32(text));

/** The rendezvous weight of a member for a key; the member with the highest weight wins the key. */
export const rendezvousWeight = (keyHash: number, memberHash: number): number =>
  fmix32(Math.imul(keyHash ^ memberHash, 0x9e3779b1) ^ keyHash);

/** The members' hashes, index for index, computed again only when the member list is another array. */
export function memberHashes(memory: RoutingMemory, members: readonly RoutingMember[]): Uint32Array {
  if (memory.hashedMembers !== members) {
    const hashes = new Uint32Array(members.length);
    members.forEach((member, index) => (hashes[index] = stringHash(member.gatewayId)));
    memory.hashedMembers = members;
    memory.memberHashes = hashes;
  }
  return memory.memberHashes;
}

/**
 * Highest-random-weight choice among `members` (the indexes in `candidates`, or all of them): removing a
 * member moves only the keys it held, and adding one takes about 1/n of the keys, each from whichever member
 * held it. Ties (1 in 2^32) go to the smaller id, so the choice never depends on the members' order.
 * Returns an index in `members`, or -1 when there is no candidate.
 */
export function rendezvousIndex(
  key: string,
  members: readonly RoutingMember[],
  memory: RoutingMemory,
  candidates?: readonly number[],
): number {
  const hashes = memberHashes(memory, members);
  const keyHash = stringHash(key);
  const count = candidates === undefined ? members.length : candidates.length;
  let best = -1;
  let bestWeight = -1;
  for (let i = 0; i < count; i += 1) {
    const index = candidates === undefined ? i : (candidates[i] as number);
    const weight = rendezvousWeight(keyHash, hashes[index] as number);
    if (weight > bestWeight || (weight === bestWeight && isSmallerId(members, index, best))) {
      best = index;
      bestWeight = weight;
    }
  }
  return best;
}

const isSmallerId = (members: readonly RoutingMember[], index: number, than: number): boolean =>
  (members[index] as RoutingMember).gatewayId < (members[than] as RoutingMember).gatewayId;
