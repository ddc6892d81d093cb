package normalize

// Version numbers the readings of this normaliser. Every stored item is
// stamped with the version that read it; bump it whenever a change reads
// texts differently, and `treffpunkt renormalize` (run by the worker after
// an upgrade) re-reads the items stamped with an older one.
const Version = 1
