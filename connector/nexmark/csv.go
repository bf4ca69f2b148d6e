package nexmark

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"
)

// CSV files: one per event type, with a header row of the suite's column
// names (PersonColumns, AuctionColumns, BidColumns), fields quoted as
// encoding/csv quotes them (only when needed), records ended by "\n", times
// as YYYY-MM-DD HH:MM:SS.sss in UTC.

// CSV file names WriteCSV writes.
const (
	PersonFile  = "person.csv"
	AuctionFile = "auction.csv"
	BidFile     = "bid.csv"
)

// AppendPersonCSV appends p as one CSV record, newline included.
func AppendPersonCSV(dst []byte, p *Person) []byte {
	dst = strconv.AppendInt(dst, p.ID, 10)
	dst = appendCSVField(append(dst, ','), p.Name)
	dst = appendCSVField(append(dst, ','), p.EmailAddress)
	dst = appendCSVField(append(dst, ','), p.CreditCard)
	dst = appendCSVField(append(dst, ','), p.City)
	dst = appendCSVField(append(dst, ','), p.State)
	dst = AppendTime(append(dst, ','), p.DateTime)
	dst = appendCSVField(append(dst, ','), p.Extra)
	return append(dst, '\n')
}

// AppendAuctionCSV appends a as one CSV record, newline included.
func AppendAuctionCSV(dst []byte, a *Auction) []byte {
	dst = strconv.AppendInt(dst, a.ID, 10)
	dst = appendCSVField(append(dst, ','), a.ItemName)
	dst = appendCSVField(append(dst, ','), a.Description)
	dst = strconv.AppendInt(append(dst, ','), a.InitialBid, 10)
	dst = strconv.AppendInt(append(dst, ','), a.Reserve, 10)
	dst = AppendTime(append(dst, ','), a.DateTime)
	dst = AppendTime(append(dst, ','), a.Expires)
	dst = strconv.AppendInt(append(dst, ','), a.Seller, 10)
	dst = strconv.AppendInt(append(dst, ','), a.Category, 10)
	dst = appendCSVField(append(dst, ','), a.Extra)
	return append(dst, '\n')
}

// AppendBidCSV appends b as one CSV record, newline included.
func AppendBidCSV(dst []byte, b *Bid) []byte {
	dst = strconv.AppendInt(dst, b.Auction, 10)
	dst = strconv.AppendInt(append(dst, ','), b.Bidder, 10)
	dst = strconv.AppendInt(append(dst, ','), b.Price, 10)
	dst = appendCSVField(append(dst, ','), b.Channel)
	dst = appendCSVField(append(dst, ','), b.URL)
	dst = AppendTime(append(dst, ','), b.DateTime)
	dst = appendCSVField(append(dst, ','), b.Extra)
	return append(dst, '\n')
}

// AppendEventCSV appends the record of e (its type says which file it
// belongs to).
func AppendEventCSV(dst []byte, e Event) []byte {
	switch e.Type {
	case PersonEvent:
		return AppendPersonCSV(dst, e.Person)
	case AuctionEvent:
		return AppendAuctionCSV(dst, e.Auction)
	default:
		return AppendBidCSV(dst, e.Bid)
	}
}

// appendCSVHeader appends a header row.
func appendCSVHeader(dst []byte, columns []string) []byte {
	for i, c := range columns {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendCSVField(dst, c)
	}
	return append(dst, '\n')
}

// appendCSVField appends s quoted as encoding/csv's Writer (comma ',',
// UseCRLF false) quotes it: only if it holds a comma, a quote, CR or LF,
// starts with a space, or is `\.`; quotes inside are doubled.
func appendCSVField(dst []byte, s string) []byte {
	if !csvNeedsQuotes(s) {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

func csvNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	if s[0] < utf8.RuneSelf {
		return asciiSpace[s[0]]
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// asciiSpace marks the ASCII bytes unicode.IsSpace accepts.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// AppendTime appends the epoch millisecond ms as YYYY-MM-DD HH:MM:SS.sss in
// UTC (proleptic Gregorian calendar).
func AppendTime(dst []byte, ms int64) []byte {
	const msPerDay = 86400000
	days, rem := ms/msPerDay, ms%msPerDay
	if rem < 0 {
		days--
		rem += msPerDay
	}
	y, m, d := civilFromDays(days)
	if y < 0 {
		dst = append(dst, '-')
		y = -y
	}
	if y < 1000 {
		dst = append(dst, "000"[:4-digits(y)]...)
	}
	dst = strconv.AppendInt(dst, y, 10)
	dst = append(dst, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10), ' ')
	sec := rem / 1000
	h, mi, s, milli := sec/3600, sec/60%60, sec%60, rem%1000
	return append(dst, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+s/10), byte('0'+s%10), '.', byte('0'+milli/100), byte('0'+milli/10%10), byte('0'+milli%10))
}

// digits returns the number of decimal digits of 0 ≤ y < 1000 (1 for 0).
func digits(y int64) int {
	switch {
	case y >= 100:
		return 3
	case y >= 10:
		return 2
	default:
		return 1
	}
}

// civilFromDays converts days since 1970-01-01 to a date (Howard Hinnant's
// days_from_civil inverse).
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// csvChunkEvents is how many events a worker of WriteCSV renders at once.
const csvChunkEvents = 8192

type csvChunk struct {
	person, auction, bid []byte
}

// WriteCSV writes the events of cfg (which must be bounded: Events > 0) to
// person.csv, auction.csv and bid.csv in dir (created if missing; existing
// files are replaced), each with a header row, records in event order.
// parallelism goroutines generate the events; the files are the same, byte
// for byte, for any parallelism.
func WriteCSV(dir string, cfg Config, parallelism int) (err error) {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.Events <= 0 {
		return errors.New("nexmark: WriteCSV needs a bounded configuration (events.num > 0)")
	}
	if parallelism < 1 {
		return fmt.Errorf("nexmark: WriteCSV parallelism must be at least 1, got %d", parallelism)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("nexmark: %w", err)
	}
	var files [3]*os.File
	var writers [3]*bufio.Writer
	defer func() {
		for _, f := range files {
			if f != nil {
				if cerr := f.Close(); cerr != nil && err == nil {
					err = fmt.Errorf("nexmark: %w", cerr)
				}
			}
		}
	}()
	for i, name := range []string{PersonFile, AuctionFile, BidFile} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("nexmark: %w", err)
		}
		files[i] = f
		writers[i] = bufio.NewWriterSize(f, 1<<20)
	}
	for i, cols := range [][]string{PersonColumns, AuctionColumns, BidColumns} {
		if _, err := writers[i].Write(appendCSVHeader(nil, cols)); err != nil {
			return fmt.Errorf("nexmark: %w", err)
		}
	}

	type job struct {
		start, end int64
		out        chan *csvChunk
	}
	jobs := make(chan job)
	order := make(chan chan *csvChunk, 2*parallelism) // bounds the chunks in flight
	free := make(chan *csvChunk, 3*parallelism)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // dispatcher
		defer wg.Done()
		defer close(jobs)
		defer close(order)
		for start := int64(0); start < cfg.Events; start += csvChunkEvents {
			out := make(chan *csvChunk, 1)
			select {
			case order <- out:
			case <-done:
				return
			}
			select {
			case jobs <- job{start: start, end: min(start+csvChunkEvents, cfg.Events), out: out}:
			case <-done:
				return
			}
		}
	}()
	for range parallelism {
		wg.Add(1)
		go func() { // worker
			defer wg.Done()
			g, _ := NewGenerator(cfg) // cfg is valid
			for j := range jobs {
				var c *csvChunk
				select {
				case c = <-free:
				default:
					c = &csvChunk{}
				}
				c.person, c.auction, c.bid = c.person[:0], c.auction[:0], c.bid[:0]
				for n := j.start; n < j.end; n++ {
					switch e := g.Generate(n); e.Type {
					case PersonEvent:
						c.person = AppendPersonCSV(c.person, e.Person)
					case AuctionEvent:
						c.auction = AppendAuctionCSV(c.auction, e.Auction)
					default:
						c.bid = AppendBidCSV(c.bid, e.Bid)
					}
				}
				j.out <- c
			}
		}()
	}
	var werr error
	for out := range order {
		c := <-out
		for i, b := range [][]byte{c.person, c.auction, c.bid} {
			if _, err := writers[i].Write(b); err != nil && werr == nil {
				werr = err
			}
		}
		select {
		case free <- c:
		default:
		}
		if werr != nil {
			break
		}
	}
	close(done)
	wg.Wait()
	if werr != nil {
		return fmt.Errorf("nexmark: %w", werr)
	}
	for _, w := range writers {
		if err := w.Flush(); err != nil {
			return fmt.Errorf("nexmark: %w", err)
		}
	}
	return nil
}
