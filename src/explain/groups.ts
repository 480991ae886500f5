// Players are attributes; a player may own several feature columns. `groups[f]` is the player owning column f,
// or -1 for columns that are not players (always taken from the point being explained).

export function checkGroups(groups: Int32Array, nFeatures: number, nPlayers: number): void {
  if (groups.length !== nFeatures) {
    throw new RangeError(`groups has ${groups.length} entries for ${nFeatures} features`);
  }
  if (!Number.isInteger(nPlayers) || nPlayers < 0) throw new RangeError(`bad player count ${nPlayers}`);
  for (let f = 0; f < nFeatures; f++) {
    const g = groups[f];
    if (g < -1 || g >= nPlayers) throw new RangeError(`groups[${f}] = ${g} is outside [-1, ${nPlayers})`);
  }
}

/** Coalitions are bit masks (bit g set = player g present), so at most 32 players. */
export const MAX_MASK_PLAYERS = 32;

export function checkMaskPlayers(nPlayers: number, limit = MAX_MASK_PLAYERS): void {
  if (!Number.isInteger(nPlayers) || nPlayers < 0 || nPlayers > limit) {
    throw new RangeError(`player count must be an integer in [0, ${limit}], got ${nPlayers}`);
  }
}
