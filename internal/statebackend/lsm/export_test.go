package lsm

import "time"

// WaitForCompactions waits until the backend's database runs no
// compaction, so that tests of checkpoint files see a settled LSM.
func WaitForCompactions(b *Backend) {
	idle := 0
	for idle < 5 {
		time.Sleep(10 * time.Millisecond)
		if b.db.Metrics().Compact.NumInProgress == 0 {
			idle++
		} else {
			idle = 0
		}
	}
}

// DiskUsage returns the bytes the backend's database takes on disk.
func DiskUsage(b *Backend) uint64 { return b.db.Metrics().DiskSpaceUsage() }
