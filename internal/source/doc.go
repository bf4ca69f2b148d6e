// Package source owns running a connector.Source: the coordinator that hosts
// the split enumerator in the job master, and the source operator at the
// head of each source subtask, which polls the reader, assigns timestamps,
// generates watermarks per split (the minimum over active splits is the
// subtask's watermark), marks idleness, and ends bounded input with the
// maximum watermark.
package source
