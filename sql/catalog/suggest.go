package catalog

import "strings"

// Suggest returns the candidate closest to name (case-insensitive edit
// distance), or "" when none is close enough to be a plausible typo. An
// exact case-insensitive match always wins: Flink identifiers are case
// sensitive, so `Price` for `price` is the commonest mistake.
func Suggest(name string, candidates []string) string {
	lower := strings.ToLower(name)
	best, bestD := "", len(name)/3+2
	for _, c := range candidates {
		if c == name {
			continue
		}
		lc := strings.ToLower(c)
		if lc == lower {
			return c
		}
		d := editDistance(lower, lc)
		if d >= len([]rune(name)) {
			continue // replacing every character is not a typo
		}
		if d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	return best
}

// DidYouMean formats the suggestion for name as "; did you mean 'x'?", or
// "" without one.
func DidYouMean(name string, candidates []string) string {
	if s := Suggest(name, candidates); s != "" {
		return "; did you mean '" + s + "'?"
	}
	return ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
