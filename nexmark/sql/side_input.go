package sql

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// sideInputRows is the size of q13's side input: the suite joins bids on
// MOD(auction, 10000).
const sideInputRows = 10_000

// writeSideInput writes q13's side input, dir/side_input.csv: one row per
// key 0 … 9999, its value the key spelled out in decimal.
func writeSideInput(dir string) error {
	f, err := os.Create(filepath.Join(dir, "side_input.csv"))
	if err != nil {
		return fmt.Errorf("writing the side input: %w", err)
	}
	w := bufio.NewWriter(f)
	for k := range sideInputRows {
		fmt.Fprintf(w, "%d,%d\n", k, k)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("writing the side input: %w", err)
	}
	return f.Close()
}
