// Package eventtime owns watermark strategies: how a record's event
// timestamp is taken and how watermarks are generated from the timestamps
// seen (bounded out-of-orderness, monotonous, custom generators) and when an
// input counts as idle. The runtime runs one generator per source split.
package eventtime
