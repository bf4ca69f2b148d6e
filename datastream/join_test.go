package datastream

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eddy-streams/eddy/window"
)

type order struct {
	User   string
	Amount int
	TS     int64
}

type click struct {
	User string
	Page string
	TS   int64
}

type pair = TaggedUnion[order, click]

// TestWindowJoinHarness drives a window join's operator by hand: the cross
// product per key and window, emitted when the window fires, with the
// window's last millisecond as timestamp.
func TestWindowJoinHarness(t *testing.T) {
	env := NewEnv()
	orders := FromSlice(env, []order(nil))
	clicks := FromSlice(env, []click(nil))
	joined := WindowJoin(orders, clicks, func(o order) string { return o.User }, func(c click) string { return c.User },
		ok(window.TumblingEventTime[pair](10*ms, 0)),
		func(o order, c click) string { return fmt.Sprintf("%s:%d/%s", o.User, o.Amount, c.Page) })
	h, _ := windowHarness[pair](t, joined, nil)
	in := []struct {
		p  pair
		ts int64
	}{
		{pair{One: order{"ann", 10, 1}}, 1},
		{pair{Two: click{"ann", "home", 2}, IsTwo: true}, 2},
		{pair{One: order{"ann", 20, 3}}, 3},
		{pair{Two: click{"ann", "cart", 4}, IsTwo: true}, 4},
		{pair{One: order{"bob", 5, 5}}, 5},                     // no click of bob: nothing
		{pair{Two: click{"ann", "late", 12}, IsTwo: true}, 12}, // next window
	}
	for _, e := range in {
		if err := h.ProcessElement(e.p, e.ts); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.ProcessWatermark(9); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range h.Records() {
		got = append(got, fmt.Sprintf("%s@%d", r.Value, r.Timestamp))
	}
	want := []string{"ann:10/home@9", "ann:10/cart@9", "ann:20/home@9", "ann:20/cart@9"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
	h.ClearOutput()
	if err := h.EndInput(); err != nil {
		t.Fatal(err)
	}
	if got := h.Records(); len(got) != 0 {
		t.Fatalf("a window with one side only emitted %v", got)
	}
}

// TestWindowJoinAndCoGroupJobs runs a window join and a coGroup of two
// sources in parallel jobs and compares them with a reference.
func TestWindowJoinAndCoGroupJobs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	users := []string{"ann", "bob", "cid", "dee", "eve"}
	var orders []order
	var clicks []click
	for i := range 400 {
		ts := int64(i) * 2
		if rng.IntN(2) == 0 {
			orders = append(orders, order{users[rng.IntN(len(users))], rng.IntN(100), ts})
		} else {
			clicks = append(clicks, click{users[rng.IntN(len(users))], fmt.Sprintf("p%d", rng.IntN(9)), ts})
		}
	}
	const size = 25
	type key struct {
		user  string
		start int64
	}
	wantJoin := []string{}
	os, cs := map[key][]order{}, map[key][]click{}
	for _, o := range orders {
		k := key{o.User, o.TS - o.TS%size}
		os[k] = append(os[k], o)
	}
	for _, c := range clicks {
		k := key{c.User, c.TS - c.TS%size}
		cs[k] = append(cs[k], c)
	}
	wantCoGroup := []string{}
	for k, ol := range os {
		for _, o := range ol {
			for _, c := range cs[k] {
				wantJoin = append(wantJoin, fmt.Sprintf("%s %d %s @%d", o.User, o.Amount, c.Page, k.start+size-1))
			}
		}
	}
	for k := range mergeKeys(os, cs) {
		wantCoGroup = append(wantCoGroup, fmt.Sprintf("%s [%d] %d/%d", k.user, k.start, len(os[k]), len(cs[k])))
	}
	slices.Sort(wantJoin)
	slices.Sort(wantCoGroup)

	for _, p := range []int{1, 3} {
		env := NewEnv().SetParallelism(p)
		o := timedSource(env, orders, func(o order) int64 { return o.TS }, 0)
		c := timedSource(env, clicks, func(c click) int64 { return c.TS }, 0)
		userO, userC := func(o order) string { return o.User }, func(c click) string { return c.User }
		assigner := ok(window.TumblingEventTime[pair](size*ms, 0))
		joined := Collect(WindowJoin(o, c, userO, userC, assigner, func(o order, c click) string {
			return fmt.Sprintf("%s %d %s", o.User, o.Amount, c.Page)
		}))
		cogrouped := Collect(WindowCoGroup(o, c, userO, userC, assigner, func(os []order, cs []click, out Collector[string]) error {
			user := ""
			if len(os) > 0 {
				user = os[0].User
			} else {
				user = cs[0].User
			}
			ts := max(maxTS(os, func(o order) int64 { return o.TS }), maxTS(cs, func(c click) int64 { return c.TS }))
			out.Collect(fmt.Sprintf("%s [%d] %d/%d", user, ts-ts%size, len(os), len(cs)))
			return nil
		}))
		if _, err := env.Execute(context.Background(), "join"); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range joined.Records() {
			got = append(got, fmt.Sprintf("%s @%d", r.Value, r.Timestamp))
		}
		slices.Sort(got)
		if !slices.Equal(got, wantJoin) {
			t.Errorf("parallelism %d: join differs: got %d results, want %d\n%s", p, len(got), len(wantJoin), diffLines(got, wantJoin))
		}
		gotCo := cogrouped.Values()
		slices.Sort(gotCo)
		if !slices.Equal(gotCo, wantCoGroup) {
			t.Errorf("parallelism %d: coGroup differs\n%s", p, diffLines(gotCo, wantCoGroup))
		}
	}
}

// TestWindowCoGroupWithLateness configures the windows of a coGroup:
// allowed lateness re-fires a window for a late element of either side.
func TestWindowCoGroupWithLateness(t *testing.T) {
	env := NewEnv()
	ws := CoGroupWindows(FromSlice(env, []order(nil)), FromSlice(env, []click(nil)),
		func(o order) string { return o.User }, func(c click) string { return c.User },
		ok(window.TumblingEventTime[pair](10*ms, 0))).AllowedLateness(10 * time.Millisecond)
	s := WindowCoGroupApply(ws, func(os []order, cs []click, out Collector[string]) error {
		out.Collect(fmt.Sprintf("%d orders %d clicks", len(os), len(cs)))
		return nil
	})
	h, _ := windowHarness[pair](t, s, nil)
	steps := []func() error{
		func() error { return h.ProcessElement(pair{One: order{"ann", 1, 1}}, 1) },
		func() error { return h.ProcessWatermark(9) },
		func() error { return h.ProcessElement(pair{Two: click{"ann", "x", 5}, IsTwo: true}, 5) },
		func() error { return h.ProcessWatermark(19) },
		func() error { return h.ProcessElement(pair{Two: click{"ann", "y", 6}, IsTwo: true}, 6) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := strings.Join(h.Values(), "; "), "1 orders 0 clicks; 1 orders 1 clicks"; got != want {
		t.Fatalf("got %q want %q", got, want)
	}
}

func mergeKeys[K comparable, A, B any](a map[K]A, b map[K]B) map[K]bool {
	keys := map[K]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

func maxTS[T any](xs []T, ts func(T) int64) int64 {
	m := int64(-1 << 63)
	for _, x := range xs {
		m = max(m, ts(x))
	}
	return m
}

func diffLines(got, want []string) string {
	var b strings.Builder
	g, w := map[string]int{}, map[string]int{}
	for _, s := range got {
		g[s]++
	}
	for _, s := range want {
		w[s]++
	}
	n := 0
	for s, c := range g {
		if w[s] != c && n < 10 {
			fmt.Fprintf(&b, "  got %dx want %dx: %s\n", c, w[s], s)
			n++
		}
	}
	for s, c := range w {
		if g[s] == 0 && n < 10 {
			fmt.Fprintf(&b, "  missing %dx: %s\n", c, s)
			n++
		}
	}
	return b.String()
}
