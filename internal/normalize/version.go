package normalize

// Version identifies the readings of this normaliser. Stored items carry
// the version that read them, so that `treffpunkt renormalize` can find the
// items an upgrade reads differently. Bump it with every change that can
// change a reading (rules, word lists, the date grammar, the gazetteer).
const Version = 35
