// Package faults holds Treffpunkt's fault and soak tests: PostgreSQL
// restarted in the middle of a crawl, the search backend down for a while,
// partner sites that hang, send garbage or point into a private network, a
// worker killed with SIGKILL, and a soak of the API under load while crawls
// run. They use real PostgreSQL (internal/pgtest), the partner-site mirror
// (internal/demosites) and, for the kill and soak tests, the treffpunkt
// binary built from this tree. All skip under -short; the soak runs for
// TREFFPUNKT_SOAK (default 20s; `make faults` runs it for 10m).
package faults
