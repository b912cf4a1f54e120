/** Version carried in every frame as `v`. A peer answers a frame of another version with `unsupported_version`. */
export const PROTOCOL_VERSION = 1 as const;

/**
 * Explicit limits of the wire contract. Servers enforce them; clients check them before sending so a user
 * learns at once that a message is too long instead of after a round trip.
 */
export const LIMITS = {
  /** Largest encoded frame a peer accepts, in UTF-8 bytes. */
  frameMaxBytes: 32 * 1024,
  /** Longest message body, in characters (UTF-16 code units, as the browser counts them). */
  bodyMaxChars: 4000,
  contentWarningMaxChars: 120,
  displayNameMaxChars: 40,
  flairMaxChars: 24,
  threadTitleMaxChars: 120,
  threadKeyMaxChars: 200,
  reactionMaxChars: 32,
  /** Distinct reactions one message can carry. */
  reactionsPerMessage: 20,
  /** Size of a circle's own reaction set. */
  circleReactionsMax: 40,
  reasonMaxChars: 500,
  normsMaxChars: 4000,
  circleNameMaxChars: 80,
  circleDescriptionMaxChars: 500,
  historyPageMax: 200,
  /** Default member cap of a circle: small on purpose. */
  memberCapDefault: 150,
  /** Longest mute a moderator can set: 28 days. */
  muteMaxMs: 28 * 24 * 60 * 60 * 1000,
  /** Longest invite lifetime when it expires at all: 7 days. */
  inviteMaxLifetimeMs: 7 * 24 * 60 * 60 * 1000,
  /** Default invite lifetime: 24 hours. */
  inviteDefaultLifetimeMs: 24 * 60 * 60 * 1000,
  /** Shortest invite code; nanoid's default length. */
  inviteCodeMinChars: 21,
} as const;

/** Power levels of roles, as Matrix does it: a role may act on members of a strictly lower level. */
export const ROLE_LEVEL = { owner: 100, moderator: 50, member: 0 } as const;
