package nexmark

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func readFiles(t *testing.T, dir string) [3][]byte {
	t.Helper()
	var out [3][]byte
	for i, name := range []string{PersonFile, AuctionFile, BidFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}

func TestWriteCSVIsTheSameAtAnyParallelism(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Events = 3*csvChunkEvents + 123 // chunks, and a partial one
	var first [3][]byte
	for i, p := range []int{1, 4, 3} {
		dir := t.TempDir()
		if err := WriteCSV(dir, cfg, p); err != nil {
			t.Fatal(err)
		}
		files := readFiles(t, dir)
		if i == 0 {
			first = files
			continue
		}
		for f := range files {
			if !bytes.Equal(files[f], first[f]) {
				t.Fatalf("parallelism %d: file %d differs from parallelism 1", p, f)
			}
		}
	}
}

// TestWriteCSVHoldsTheEvents reads the files back with encoding/csv and
// compares them with the events, in order.
func TestWriteCSVHoldsTheEvents(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Events = 20000
	dir := t.TempDir()
	if err := WriteCSV(dir, cfg, 2); err != nil {
		t.Fatal(err)
	}
	var records [3][][]string
	for i, name := range []string{PersonFile, AuctionFile, BidFile} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		header := [][]string{PersonColumns, AuctionColumns, BidColumns}[i]
		if !slices.Equal(recs[0], header) {
			t.Fatalf("%s: header %v, want %v", name, recs[0], header)
		}
		records[i] = recs[1:]
	}
	if n := len(records[0]) + len(records[1]) + len(records[2]); n != int(cfg.Events) {
		t.Fatalf("%d records, want %d", n, cfg.Events)
	}
	if len(records[0]) != 400 || len(records[1]) != 1200 {
		t.Fatalf("%d persons and %d auctions, want 400 and 1200", len(records[0]), len(records[1]))
	}
	g := newGen(t, cfg)
	var next [3]int
	for n := range cfg.Events {
		e := g.Generate(n)
		rec := records[e.Type][next[e.Type]]
		next[e.Type]++
		var want []string
		switch e.Type {
		case PersonEvent:
			p := e.Person
			want = []string{itoa(p.ID), p.Name, p.EmailAddress, p.CreditCard, p.City, p.State, fmtTime(p.DateTime), p.Extra}
		case AuctionEvent:
			a := e.Auction
			want = []string{itoa(a.ID), a.ItemName, a.Description, itoa(a.InitialBid), itoa(a.Reserve), fmtTime(a.DateTime),
				fmtTime(a.Expires), itoa(a.Seller), itoa(a.Category), a.Extra}
		default:
			b := e.Bid
			want = []string{itoa(b.Auction), itoa(b.Bidder), itoa(b.Price), b.Channel, b.URL, fmtTime(b.DateTime), b.Extra}
		}
		if !slices.Equal(rec, want) {
			t.Fatalf("event %d: record %q, want %q", n, rec, want)
		}
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func fmtTime(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05.000") }

func TestWriteCSVErrors(t *testing.T) {
	dir := t.TempDir()
	if err := WriteCSV(dir, DefaultConfig(), 1); err == nil || !strings.Contains(err.Error(), "bounded") {
		t.Errorf("unbounded config: %v", err)
	}
	cfg := DefaultConfig()
	cfg.Events = 10
	if err := WriteCSV(dir, cfg, 0); err == nil || !strings.Contains(err.Error(), "parallelism") {
		t.Errorf("parallelism 0: %v", err)
	}
	cfg.HotAuctionRatio = 0
	if err := WriteCSV(dir, cfg, 1); err == nil || !strings.Contains(err.Error(), "bid.hot-ratio.auctions") {
		t.Errorf("invalid config: %v", err)
	}
	// A file where the directory should be.
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg = DefaultConfig()
	cfg.Events = 10
	if err := WriteCSV(file, cfg, 1); err == nil {
		t.Error("WriteCSV into a file succeeded")
	}
}

// TestCSVFieldsQuoteAsEncodingCSV compares the record renderers with
// encoding/csv's Writer on fields that need quoting.
func TestCSVFieldsQuoteAsEncodingCSV(t *testing.T) {
	fields := []string{"", "plain", "with space", " leading", "\tleading tab", "trailing ", `\.`, `a\.`, "comma,inside",
		`quote"inside`, `"quoted"`, "cr\rinside", "lf\ninside", "\u00a0nbsp", "\u2003em space", "\u3000ideographic", "\u0085nel",
		"\u1680ogham", "\u205fmath", "é accent", "\xc2", "\xe2\x80"}
	for _, f := range fields {
		var want bytes.Buffer
		w := csv.NewWriter(&want)
		if err := w.Write([]string{"1", f}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		got := append(appendCSVField([]byte("1,"), f), '\n')
		if string(got) != want.String() {
			t.Errorf("field %q: %q, encoding/csv writes %q", f, got, want.String())
		}
	}
	// Whole records of generated events.
	g := newGen(t, DefaultConfig())
	for n := range int64(3000) {
		e := g.Generate(n)
		var fields []string
		switch e.Type {
		case PersonEvent:
			p := e.Person
			fields = []string{itoa(p.ID), p.Name, p.EmailAddress, p.CreditCard, p.City, p.State, fmtTime(p.DateTime), p.Extra}
		case AuctionEvent:
			a := e.Auction
			fields = []string{itoa(a.ID), a.ItemName, a.Description, itoa(a.InitialBid), itoa(a.Reserve), fmtTime(a.DateTime),
				fmtTime(a.Expires), itoa(a.Seller), itoa(a.Category), a.Extra}
		default:
			b := e.Bid
			fields = []string{itoa(b.Auction), itoa(b.Bidder), itoa(b.Price), b.Channel, b.URL, fmtTime(b.DateTime), b.Extra}
		}
		var want bytes.Buffer
		w := csv.NewWriter(&want)
		_ = w.Write(fields)
		w.Flush()
		if got := AppendEventCSV(nil, e); string(got) != want.String() {
			t.Fatalf("event %d: %q, encoding/csv writes %q", n, got, want.String())
		}
	}
}

func TestAppendTime(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []int64{0, 1, 999, 1000, -1, -1000, -86400000, DefaultBaseTime, 951782400000 /* 2000-02-29 */, 253402300799999, -62135596800000}
	for range 100000 {
		cases = append(cases, r.Int64N(253402300799999+62135596800000)-62135596800000)
	}
	for _, ms := range cases {
		if got, want := string(AppendTime(nil, ms)), fmtTime(ms); got != want {
			t.Fatalf("AppendTime(%d) = %q, want %q", ms, got, want)
		}
	}
}
