// Package event owns the vocabulary of the data path: timestamps, watermark
// bounds, checkpoint barriers and the element kinds that travel between
// tasks in order.
package event
