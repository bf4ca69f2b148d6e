package exec

import (
	"fmt"
	"strings"

	"github.com/eddy-streams/eddy/connector"
	gen "github.com/eddy-streams/eddy/connector/nexmark"
	"github.com/eddy-streams/eddy/sql/plan"
	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// The nexmark connector reads the Nexmark generator as the suite's table:
//
//	event_type INT, person ROW<...>, auction ROW<...>, bid ROW<...>
//
// Columns and ROW fields are matched by name, so a table may declare a
// subset. The scan's paths (event_type, bid.price …) become columns filled
// straight from the events: a query reading three bid fields never builds
// ROW values.

// nexmarkFields are the ROW fields of each event column, in the suite's
// order.
var nexmarkFields = map[string][]string{
	"person":  gen.PersonColumns,
	"auction": gen.AuctionColumns,
	"bid":     gen.BidColumns,
}

// nexmarkSourceFactory lets `eddy nexmark run --api sql` hand the SQL
// source the benchmark's own generator source (its options: rate limit,
// splits) instead of one built from the table's options.
type nexmarkSourceFactory func(cfg gen.Config) connector.Source[gen.Event]

func nexmarkConfig(opts map[string]string) (gen.Config, error) {
	cfg := gen.DefaultConfig()
	for k, v := range opts {
		if k == "connector" {
			continue
		}
		if err := cfg.Set(k, v); err != nil {
			return cfg, fmt.Errorf("option '%s': %w", k, err)
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func newNexmarkSource(spec *plan.ScanSpec, newSource nexmarkSourceFactory) (connector.Source[*vector.Chunk], error) {
	cfg, err := nexmarkConfig(spec.Options)
	if err != nil {
		return nil, err
	}
	s := &nexmarkSource{types: spec.PathTypes, keep: -1, watermarked: spec.Watermark != nil}
	if t, ok := nexmarkTypeFilter(spec); ok {
		s.keep = int(t)
	}
	for i, p := range spec.Paths {
		f, err := nexmarkPath(spec.Physical, p, spec.PathTypes[i])
		if err != nil {
			return nil, err
		}
		s.fills = append(s.fills, f)
		if col := spec.Physical[p[0]].Name; len(p) == 2 {
			t := payloadType(col)
			s.byType[t] = append(s.byType[t], i)
		} else {
			s.always = append(s.always, i)
		}
	}
	if newSource != nil {
		s.inner = newSource(cfg)
	} else {
		s.inner = gen.NewSource(cfg)
	}
	return s, nil
}

// nexmarkFill appends one path's value of an event to a vector. The fill
// of a field of person, auction or bid is called for events of that type
// only; the others get NULL without a call.
type nexmarkFill func(e *gen.Event, v *vector.Vector)

func nexmarkPath(phys []plan.Column, path []int, t types.Type) (nexmarkFill, error) {
	col := phys[path[0]]
	if col.Name == "event_type" {
		if len(path) != 1 {
			return nil, fmt.Errorf("nexmark: event_type has no fields")
		}
		return func(e *gen.Event, v *vector.Vector) { v.AppendInt64(int64(e.Type)) }, nil
	}
	if len(path) == 1 {
		fields := col.Type.Fields
		subs := make([]nexmarkFill, len(fields))
		for i := range fields {
			f, err := nexmarkField(col.Name, fields[i].Name, fields[i].Type)
			if err != nil {
				return nil, err
			}
			subs[i] = f
		}
		ts := make([]types.Type, len(fields))
		for i, f := range fields {
			ts[i] = f.Type
		}
		return func(e *gen.Event, v *vector.Vector) {
			if !hasPayload(e, col.Name) {
				v.AppendNull()
				return
			}
			row := make([]any, len(subs))
			for i, s := range subs {
				tmp := vector.New(ts[i], 1)
				s(e, tmp)
				row[i] = tmp.Get(0)
			}
			v.AppendAny(row)
		}, nil
	}
	if len(path) != 2 {
		return nil, fmt.Errorf("nexmark: %s has no nested fields below its own", col.Name)
	}
	f := col.Type.Fields[path[1]]
	return nexmarkField(col.Name, f.Name, f.Type)
}

func hasPayload(e *gen.Event, col string) bool { return e.Type == payloadType(col) }

// payloadType is the type of the events that fill column col.
func payloadType(col string) gen.EventType {
	switch col {
	case "person":
		return gen.PersonEvent
	case "auction":
		return gen.AuctionEvent
	}
	return gen.BidEvent
}

// nexmarkField returns the fill of field col.field, called for events
// with that payload only.
func nexmarkField(col, field string, t types.Type) (nexmarkFill, error) {
	i64 := func(get func(e *gen.Event) int64) nexmarkFill {
		return func(e *gen.Event, v *vector.Vector) { v.AppendInt64(get(e)) }
	}
	ts := func(get func(e *gen.Event) int64) nexmarkFill {
		return func(e *gen.Event, v *vector.Vector) {
			v.AppendTimestamp(types.TimestampValue{Millis: get(e)})
		}
	}
	str := func(get func(e *gen.Event) string) nexmarkFill {
		return func(e *gen.Event, v *vector.Vector) { v.AppendString(get(e)) }
	}
	var f nexmarkFill
	switch col + "." + field {
	case "person.id":
		f = i64(func(e *gen.Event) int64 { return e.Person.ID })
	case "person.name":
		f = str(func(e *gen.Event) string { return e.Person.Name })
	case "person.emailAddress":
		f = str(func(e *gen.Event) string { return e.Person.EmailAddress })
	case "person.creditCard":
		f = str(func(e *gen.Event) string { return e.Person.CreditCard })
	case "person.city":
		f = str(func(e *gen.Event) string { return e.Person.City })
	case "person.state":
		f = str(func(e *gen.Event) string { return e.Person.State })
	case "person.dateTime":
		f = ts(func(e *gen.Event) int64 { return e.Person.DateTime })
	case "person.extra":
		f = str(func(e *gen.Event) string { return e.Person.Extra })
	case "auction.id":
		f = i64(func(e *gen.Event) int64 { return e.Auction.ID })
	case "auction.itemName":
		f = str(func(e *gen.Event) string { return e.Auction.ItemName })
	case "auction.description":
		f = str(func(e *gen.Event) string { return e.Auction.Description })
	case "auction.initialBid":
		f = i64(func(e *gen.Event) int64 { return e.Auction.InitialBid })
	case "auction.reserve":
		f = i64(func(e *gen.Event) int64 { return e.Auction.Reserve })
	case "auction.dateTime":
		f = ts(func(e *gen.Event) int64 { return e.Auction.DateTime })
	case "auction.expires":
		f = ts(func(e *gen.Event) int64 { return e.Auction.Expires })
	case "auction.seller":
		f = i64(func(e *gen.Event) int64 { return e.Auction.Seller })
	case "auction.category":
		f = i64(func(e *gen.Event) int64 { return e.Auction.Category })
	case "auction.extra":
		f = str(func(e *gen.Event) string { return e.Auction.Extra })
	case "bid.auction":
		f = i64(func(e *gen.Event) int64 { return e.Bid.Auction })
	case "bid.bidder":
		f = i64(func(e *gen.Event) int64 { return e.Bid.Bidder })
	case "bid.price":
		f = i64(func(e *gen.Event) int64 { return e.Bid.Price })
	case "bid.channel":
		f = str(func(e *gen.Event) string { return e.Bid.Channel })
	case "bid.url":
		f = str(func(e *gen.Event) string { return e.Bid.URL })
	case "bid.dateTime":
		f = ts(func(e *gen.Event) int64 { return e.Bid.DateTime })
	case "bid.extra":
		f = str(func(e *gen.Event) string { return e.Bid.Extra })
	default:
		return nil, fmt.Errorf("nexmark: unknown field %s.%s", col, field)
	}
	return f, nil
}

// checkNexmarkTable validates a nexmark table's columns: names and types
// the generator can fill.
func checkNexmarkSchema(cols []plan.Column) error {
	for _, c := range cols {
		if c.Name == "event_type" {
			if !c.Type.IsIntegral() {
				return fmt.Errorf("nexmark column event_type must be an integer, got %s", c.Type)
			}
			continue
		}
		fields, ok := nexmarkFields[c.Name]
		if !ok {
			return fmt.Errorf("nexmark has no column '%s'; its columns are event_type, person, auction, bid", c.Name)
		}
		if c.Type.Kind != types.KindRow {
			return fmt.Errorf("nexmark column %s must be a ROW, got %s", c.Name, c.Type)
		}
		for _, f := range c.Type.Fields {
			known := false
			for _, n := range fields {
				known = known || n == f.Name
			}
			if !known {
				return fmt.Errorf("nexmark column %s has no field '%s'; its fields are %s", c.Name, f.Name, strings.Join(fields, ", "))
			}
			if _, err := nexmarkField(c.Name, f.Name, f.Type); err != nil {
				return err
			}
		}
	}
	return nil
}

// nexmarkTypeFilter finds, among the conjuncts of the scan's filter, one
// that keeps a single event type (event_type = 0, 1 or 2, as the suite's
// person, auction and bid views filter).
func nexmarkTypeFilter(spec *plan.ScanSpec) (gen.EventType, bool) {
	if spec.Filter == nil {
		return 0, false
	}
	for _, c := range plan.Conjuncts(spec.Filter) {
		if c.Kind != plan.Call || c.Func != "=" || len(c.Args) != 2 {
			continue
		}
		col, lit := c.Args[0], c.Args[1]
		if col.Kind == plan.Literal {
			col, lit = lit, col
		}
		if col.Kind != plan.ColRef || lit.Kind != plan.Literal || col.Index >= len(spec.Paths) {
			continue
		}
		if p := spec.Paths[col.Index]; len(p) != 1 || spec.Physical[p[0]].Name != "event_type" {
			continue
		}
		var v int64
		switch x := lit.Value.(type) {
		case int8:
			v = int64(x)
		case int16:
			v = int64(x)
		case int32:
			v = int64(x)
		case int64:
			v = x
		default:
			continue
		}
		if v >= int64(gen.PersonEvent) && v <= int64(gen.BidEvent) {
			return gen.EventType(v), true
		}
	}
	return 0, false
}

// nexmarkSource turns the generator's events into chunks of the scan's
// paths.
type nexmarkSource struct {
	inner connector.Source[gen.Event]
	fills []nexmarkFill
	types []types.Type
	// keep is the only event type the scan's filter keeps, or -1. The
	// other events go into a chunk of their own that only moves the
	// watermark (when the table has one; otherwise they are dropped), so
	// that the kept rows need no filtering and compaction.
	keep        int
	watermarked bool
	// always lists the paths filled for every event (event_type, whole
	// ROW columns); byType the fields of each event type's payload.
	always []int
	byType [3][]int
}

func (s *nexmarkSource) Boundedness() connector.Boundedness { return s.inner.Boundedness() }
func (s *nexmarkSource) CreateEnumerator(ctx connector.EnumeratorContext) (connector.Enumerator, error) {
	return s.inner.CreateEnumerator(ctx)
}
func (s *nexmarkSource) CreateReader(ctx connector.ReaderContext) (connector.Reader[*vector.Chunk], error) {
	r, err := s.inner.CreateReader(ctx)
	if err != nil {
		return nil, err
	}
	if t, ok := r.(interface{ SetTransient() }); ok {
		t.SetTransient() // add copies every event into the chunk
	}
	return &nexmarkReader{inner: r, src: s}, nil
}
func (s *nexmarkSource) EncodeSplit(sp connector.Split) ([]byte, error) {
	return s.inner.(connector.SplitCodec).EncodeSplit(sp)
}
func (s *nexmarkSource) DecodeSplit(b []byte) (connector.Split, error) {
	return s.inner.(connector.SplitCodec).DecodeSplit(b)
}

// pollsPerChunk is how many of the generator's polls (256 events each)
// make one chunk.
const pollsPerChunk = 4

type nexmarkReader struct {
	inner connector.Reader[gen.Event]
	src   *nexmarkSource
	// per-split chunks being filled during one Poll
	open  map[string]*splitChunks
	order []string
	out   connector.ReaderOutput[*vector.Chunk]
	// the chunks of the split of the previous event: a split's events come
	// in runs, so most events skip the map
	lastID    string
	lastChunk *splitChunks
	// dataSize is the string bytes of each path in the last chunk: a new
	// chunk's string lanes start that large instead of growing (and
	// copying) their way there.
	dataSize []int
}

func (r *nexmarkReader) Start() error                  { return r.inner.Start() }
func (r *nexmarkReader) AddSplits(s []connector.Split) { r.inner.AddSplits(s) }
func (r *nexmarkReader) NotifyNoMoreSplits()           { r.inner.NotifyNoMoreSplits() }
func (r *nexmarkReader) Available() <-chan struct{}    { return r.inner.Available() }
func (r *nexmarkReader) Close() error                  { return r.inner.Close() }
func (r *nexmarkReader) SnapshotSplits() ([]connector.Split, error) {
	return r.inner.(connector.SplitSnapshotter).SnapshotSplits()
}

func (r *nexmarkReader) Poll(out connector.ReaderOutput[*vector.Chunk]) (connector.InputStatus, error) {
	r.out = out
	if r.open == nil {
		r.open = map[string]*splitChunks{}
	}
	var st connector.InputStatus
	var err error
	for i := 0; i < pollsPerChunk; i++ {
		st, err = r.inner.Poll(eventOutput{r: r})
		if err != nil || st != connector.MoreAvailable {
			break
		}
	}
	for _, id := range r.order {
		r.flush(id)
	}
	r.order = r.order[:0]
	return st, err
}

// splitChunks are a split's rows of one Poll: kept, and aside (the events
// the scan's filter drops, for the watermark only).
type splitChunks struct {
	kept, aside *vector.Chunk
}

// asideCollector is the scan's output when it can take the aside rows
// with the kept ones (scanOutput).
type asideCollector interface {
	CollectWithAside(kept, aside *vector.Chunk)
}

func (r *nexmarkReader) flush(id string) {
	sc := r.open[id]
	if sc == nil {
		return
	}
	delete(r.open, id)
	if r.lastChunk == sc {
		r.lastChunk = nil
	}
	c := sc.kept
	if r.dataSize == nil {
		r.dataSize = make([]int, len(c.Cols))
	}
	for i, v := range c.Cols {
		r.dataSize[i] = len(v.Data)
	}
	out := r.out.ForSplit(id)
	if sc.aside != nil && sc.aside.Len() > 0 {
		if a, ok := out.(asideCollector); ok {
			a.CollectWithAside(c, sc.aside)
			return
		}
		// Not under a scan: the rows go on, for a filter to drop.
		out.Collect(sc.aside)
	}
	if c.Len() > 0 {
		out.Collect(c)
	}
}

func (r *nexmarkReader) add(id string, e *gen.Event) {
	sc := r.lastChunk
	if sc == nil || r.lastID != id {
		sc = r.open[id]
		if sc == nil {
			sc = &splitChunks{kept: r.newChunk()}
			r.open[id] = sc
			r.order = append(r.order, id)
		}
		r.lastID, r.lastChunk = id, sc
	}
	s := r.src
	c := sc.kept
	if s.keep >= 0 && int(e.Type) != s.keep {
		if !s.watermarked {
			return
		}
		if sc.aside == nil {
			sc.aside = vector.NewChunk(s.types, pollBatchRows/8)
		}
		c = sc.aside
	}
	cols := c.Cols
	for _, i := range s.always {
		s.fills[i](e, cols[i])
	}
	for t, paths := range s.byType {
		if gen.EventType(t) == e.Type {
			for _, i := range paths {
				s.fills[i](e, cols[i])
			}
			continue
		}
		for _, i := range paths {
			cols[i].AppendNull()
		}
	}
	c.SetLen(c.Len() + 1)
}

// newChunk returns an empty chunk for a poll's events, its string lanes
// sized as the last chunk's were.
func (r *nexmarkReader) newChunk() *vector.Chunk {
	c := vector.NewChunk(r.src.types, pollBatchRows)
	for i, n := range r.dataSize {
		if v := c.Cols[i]; v.Lane() == vector.LaneBytes && n > cap(v.Data) {
			v.Data = make([]byte, 0, n+n/8)
		}
	}
	return c
}

const pollBatchRows = 256 * pollsPerChunk

// eventOutput receives the generator's events for the reader.
type eventOutput struct{ r *nexmarkReader }

func (o eventOutput) Collect(e gen.Event)                       { o.r.add("", &e) }
func (o eventOutput) CollectWithTimestamp(e gen.Event, _ int64) { o.r.add("", &e) }
func (o eventOutput) ForSplit(id string) connector.SplitOutput[gen.Event] {
	return splitEvents{r: o.r, id: id}
}
func (o eventOutput) ReleaseSplit(id string) {
	o.r.flush(id)
	o.r.out.ReleaseSplit(id)
}

type splitEvents struct {
	r  *nexmarkReader
	id string
}

func (s splitEvents) Collect(e gen.Event)                       { s.r.add(s.id, &e) }
func (s splitEvents) CollectWithTimestamp(e gen.Event, _ int64) { s.r.add(s.id, &e) }
