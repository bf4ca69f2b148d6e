// Package ratelimit paces a source reader to a rate of records per second
// of wall time without busy waiting: the reader asks how many records it
// may emit now, and when the answer is none it waits on a channel that is
// ready at the next due time (a source reader's Available).
package ratelimit
