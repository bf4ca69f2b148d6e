package sql

import (
	"strings"

	eddysql "github.com/eddy-streams/eddy/sql"
)

// countCharClass is the class name the suite's q14 creates count_char
// from.
const countCharClass = "com.github.nexmark.flink.udf.CountChar"

func init() {
	if err := eddysql.RegisterFunctionClass(countCharClass, countChar); err != nil {
		panic(err)
	}
}

// countChar is the suite's CountChar: how many times the first character
// of char occurs in text; 0 for a NULL text.
func countChar(text *string, char string) int64 {
	if text == nil || char == "" {
		return 0
	}
	c := string([]rune(char)[:1])
	return int64(strings.Count(*text, c))
}
