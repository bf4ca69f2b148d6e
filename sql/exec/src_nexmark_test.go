package exec_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/sql"
	"github.com/eddy-streams/eddy/sql/exec"
)

// TestNexmarkTypeFilterKeepsWatermarks checks the nexmark scan that reads
// one event type (event_type = 2 in its filter): the other events are set
// apart instead of filtered, yet still move the watermark. Here the
// auctions' row time is their expiry, ahead of the bids, so the auctions
// set the watermark and many bids are late: the counts of a window
// aggregation equal those of the same filter written so that the scan
// cannot read it (event_type + 0 = 2). It also checks that the scan
// without a watermark drops the other events.
func TestNexmarkTypeFilterKeepsWatermarks(t *testing.T) {
	defer func(p bool) { *exec.PunctuatedWatermarks = p }(*exec.PunctuatedWatermarks)
	*exec.PunctuatedWatermarks = true
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ddl := `CREATE TABLE nx (
    event_type INT,
    auction ROW<id BIGINT, expires TIMESTAMP(3)>,
    bid ROW<auction BIGINT, price BIGINT, dateTime TIMESTAMP(3)>,
    dateTime AS CASE WHEN event_type = 1 THEN auction.expires ELSE bid.dateTime END,
    WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND
) WITH ('connector' = 'nexmark', 'events.num' = '60000', 'first-event.rate' = '2000');
CREATE VIEW pushed AS SELECT bid.price, dateTime FROM nx WHERE event_type = 2;
CREATE VIEW opaque AS SELECT bid.price, dateTime FROM nx WHERE event_type + 0 = 2;
CREATE TABLE plain (event_type INT, bid ROW<price BIGINT>) WITH ('connector' = 'nexmark', 'events.num' = '30000');`
	s := sql.NewSession(sql.Options{Config: map[string]string{"parallelism.default": "1"}})
	if _, err := s.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	run := func(q string) []string {
		t.Helper()
		r, err := s.Execute(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var rows []string
		for _, row := range r.Final() {
			var b strings.Builder
			for i, v := range row {
				if i > 0 {
					b.WriteByte('|')
				}
				fmt.Fprint(&b, v)
			}
			rows = append(rows, b.String())
		}
		slices.Sort(rows)
		return rows
	}
	// As over the suite's bid view, the filter under the window.
	const window = `SELECT window_start, COUNT(*), SUM(price) FROM TABLE(TUMBLE(TABLE %s, DESCRIPTOR(dateTime), INTERVAL '1' SECOND)) GROUP BY window_start, window_end`
	pushed, opaque := run(fmt.Sprintf(window, "pushed")), run(fmt.Sprintf(window, "opaque"))
	if len(pushed) < 10 || !slices.Equal(pushed, opaque) {
		t.Fatalf("windows with the pushed type filter:\n%v\nwith the filter the scan cannot read:\n%v", pushed, opaque)
	}
	// Fewer bids than in the source: some were late.
	all := run(`SELECT COUNT(*) FROM nx WHERE event_type = 2`)
	var windowed, total int64
	for _, r := range pushed {
		n, _ := strconv.ParseInt(strings.Split(r, "|")[1], 10, 64)
		windowed += n
	}
	total, _ = strconv.ParseInt(all[0], 10, 64)
	if windowed >= total {
		t.Errorf("the windows count %d of %d bids: no bid was late, the test checks nothing", windowed, total)
	}
	if got, want := run(`SELECT COUNT(*), SUM(bid.price) FROM plain WHERE event_type = 2`), run(`SELECT COUNT(*), SUM(bid.price) FROM plain WHERE event_type + 0 = 2`); !slices.Equal(got, want) {
		t.Errorf("without a watermark: %v, want %v", got, want)
	}
}
