package datastream

import (
	"context"
	"testing"
)

func TestSmokeMapFilter(t *testing.T) {
	env := NewEnv().SetParallelism(2)
	s := FromSlice(env, []int{1, 2, 3, 4, 5, 6})
	m := Map(s.Rebalance(), func(x int) int { return x * 10 }).Filter(func(x int) bool { return x > 20 })
	c := Collect(m)
	if _, err := env.Execute(context.Background(), "smoke"); err != nil {
		t.Fatal(err)
	}
	t.Log(c.Values())
}
