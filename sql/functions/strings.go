package functions

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/eddy-streams/eddy/sql/types"
	"github.com/eddy-streams/eddy/sql/vector"
)

// String functions, as Flink's: positions are 1-based and count characters
// (code points), not bytes; NULL in gives NULL out unless stated.

// rowString returns row i of a bytes-lane vector as a string view.
func rowString(v *vector.Vector, i int) string { return v.StringAt(i) }

// strKernel builds a kernel producing a string per non-null row; f appends
// the value to dst and returns ok=false for a NULL result.
func strKernel(f func(dst []byte, v []*vector.Vector, i int) ([]byte, bool)) Kernel {
	return func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Reset()
		for i := 0; i < n; i++ {
			if anyNull(v, i) {
				out.AppendNull()
				continue
			}
			start := len(out.Data)
			data, ok := f(out.Data, v, i)
			out.Data = data
			if !ok {
				out.Data = out.Data[:start]
				out.AppendNull()
				continue
			}
			out.FinishBytes()
		}
		return nil
	}
}

// intKernel builds a kernel producing an integer per non-null row.
func intKernel(f func(v []*vector.Vector, i int) (int64, bool)) Kernel {
	return func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		out.Resize(n)
		mergeNulls(out, n, v...)
		for i := 0; i < n; i++ {
			if out.IsNull(i) {
				continue
			}
			x, ok := f(v, i)
			if !ok {
				out.SetNull(i)
				continue
			}
			out.Int64[i] = x
		}
		return nil
	}
}

// simple registers a strict function whose arguments are strings and/or
// numbers. Each arity is a string of parameter kinds, e.g. "ssi": s a string,
// i an integer (read as BIGINT), b a string or binary, n a number (read as
// DOUBLE).
func simple(names []string, sigs []string, arities []string, result types.Type, mayBeNull bool, k Kernel) {
	simpleF(names, sigs, arities, result, mayBeNull, func() Kernel { return k })
}

// simpleF is simple for kernels with state (a compiled pattern): mk makes a
// fresh kernel for every resolution, so Resolveds never share state.
func simpleF(names []string, sigs []string, arities []string, result types.Type, mayBeNull bool, mk func() Kernel) {
	register(names, sigs, func(args []types.Type) *Resolved {
		for _, ar := range arities {
			if len(ar) != len(args) {
				continue
			}
			params := make([]types.Type, len(args))
			ok := true
			for i, c := range ar {
				a := args[i]
				switch c {
				case 's':
					ok = ok && isString(a)
					params[i] = strParam(a)
				case 'i':
					ok = ok && isInteger(a)
					params[i] = types.BigInt()
				case 'b':
					ok = ok && (isString(a) || isBinary(a))
					if a.IsBinaryString() {
						params[i] = a
					} else {
						params[i] = strParam(a)
					}
				case 'n':
					ok = ok && isNumeric(a)
					params[i] = types.Double()
				}
			}
			if ok {
				return strictFn(params, args, result, mayBeNull, mk())
			}
		}
		return nil
	})
}

func init() {
	str := types.String()
	integer := types.Int()

	simple([]string{"CHAR_LENGTH", "CHARACTER_LENGTH", "LENGTH"}, []string{"CHAR_LENGTH(STRING)"}, []string{"s"}, integer, false,
		func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			a := v[0]
			for i := 0; i < n; i++ {
				out.Int64[i] = int64(utf8.RuneCount(a.BytesAt(i)))
			}
			mergeNulls(out, n, v...)
			return nil
		})
	simple([]string{"UPPER", "UCASE"}, []string{"UPPER(STRING)"}, []string{"s"}, str, false, caseKernel(true))
	simple([]string{"LOWER", "LCASE"}, []string{"LOWER(STRING)"}, []string{"s"}, str, false, caseKernel(false))
	simple([]string{"INITCAP"}, []string{"INITCAP(STRING)"}, []string{"s"}, str, false,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			start := true
			for _, r := range rowString(v[0], i) {
				if start {
					r = unicode.ToUpper(r)
				} else {
					r = unicode.ToLower(r)
				}
				start = !unicode.IsLetter(r) && !unicode.IsDigit(r)
				dst = utf8.AppendRune(dst, r)
			}
			return dst, true
		}))
	simple([]string{"||", "CONCAT"}, []string{"CONCAT(STRING, ...)", "STRING || STRING"}, []string{"s", "ss", "sss", "ssss", "sssss", "ssssss", "sssssss", "ssssssss"}, str, false,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			for _, a := range v {
				dst = append(dst, a.BytesAt(i)...)
			}
			return dst, true
		}))
	register([]string{"CONCAT_WS"}, []string{"CONCAT_WS(STRING, STRING, ...)"}, func(args []types.Type) *Resolved {
		if !allOf(args, 1, 1<<16, isString) {
			return nil
		}
		params := make([]types.Type, len(args))
		for i, a := range args {
			params[i] = strParam(a)
		}
		r := strictFn(params, args, str, false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Reset()
			for i := 0; i < n; i++ {
				if v[0].IsNull(i) {
					out.AppendNull()
					continue
				}
				sep := v[0].BytesAt(i)
				first := true
				for _, a := range v[1:] {
					if a.IsNull(i) {
						continue // CONCAT_WS skips NULL arguments
					}
					if !first {
						out.Data = append(out.Data, sep...)
					}
					first = false
					out.Data = append(out.Data, a.BytesAt(i)...)
				}
				out.FinishBytes()
			}
			return nil
		})
		r.Result = str.WithNullable(args[0].IsNullable())
		return r
	})
	simple([]string{"POSITION"}, []string{"POSITION(STRING IN STRING)"}, []string{"ss"}, integer, false,
		intKernel(func(v []*vector.Vector, i int) (int64, bool) {
			return int64(charIndex(rowString(v[1], i), rowString(v[0], i), 0)), true
		}))
	simple([]string{"LOCATE"}, []string{"LOCATE(STRING, STRING[, INTEGER])"}, []string{"ss", "ssi"}, integer, false,
		intKernel(func(v []*vector.Vector, i int) (int64, bool) {
			from := int64(1)
			if len(v) == 3 {
				from = v[2].Int64At(i)
			}
			if from < 1 {
				return 0, true
			}
			return int64(charIndex(rowString(v[1], i), rowString(v[0], i), int(min(from-1, 1<<31)))), true
		}))
	simple([]string{"INSTR"}, []string{"INSTR(STRING, STRING[, INTEGER[, INTEGER]])"}, []string{"ss", "ssi", "ssii"}, integer, true,
		intKernel(func(v []*vector.Vector, i int) (int64, bool) {
			s, sub := rowString(v[0], i), rowString(v[1], i)
			start, nth := int64(1), int64(1)
			if len(v) >= 3 {
				start = v[2].Int64At(i)
			}
			if len(v) == 4 {
				nth = v[3].Int64At(i)
			}
			return instr(s, sub, start, nth)
		}))
	trimKernel := func(left, right bool) Kernel {
		return strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			s := rowString(v[len(v)-1], i)
			chars := " "
			if len(v) == 2 {
				chars = rowString(v[0], i)
			}
			if left {
				s = strings.TrimLeft(s, chars)
			}
			if right {
				s = strings.TrimRight(s, chars)
			}
			return append(dst, s...), true
		})
	}
	// TRIM([BOTH|LEADING|TRAILING] chars FROM s) is TRIM(s), BTRIM(chars, s),
	// LTRIM(chars, s) or RTRIM(chars, s): the chars are a set.
	simple([]string{"TRIM", "BTRIM"}, []string{"TRIM(STRING)", "TRIM(chars STRING, STRING)"}, []string{"s", "ss"}, str, false, trimKernel(true, true))
	simple([]string{"LTRIM"}, []string{"LTRIM(STRING)", "LTRIM(chars STRING, STRING)"}, []string{"s", "ss"}, str, false, trimKernel(true, false))
	simple([]string{"RTRIM"}, []string{"RTRIM(STRING)", "RTRIM(chars STRING, STRING)"}, []string{"s", "ss"}, str, false, trimKernel(false, true))
	simple([]string{"REPLACE"}, []string{"REPLACE(STRING, STRING, STRING)"}, []string{"sss"}, str, false,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			return append(dst, strings.ReplaceAll(rowString(v[0], i), rowString(v[1], i), rowString(v[2], i))...), true
		}))
	simple([]string{"SUBSTRING", "SUBSTR"}, []string{"SUBSTRING(STRING FROM INTEGER [FOR INTEGER])"}, []string{"si", "sii"}, str, false,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			length := int64(1 << 31)
			if len(v) == 3 {
				length = v[2].Int64At(i)
			}
			return append(dst, substringSQL(rowString(v[0], i), v[1].Int64At(i), length)...), true
		}))
	simple([]string{"OVERLAY"}, []string{"OVERLAY(STRING PLACING STRING FROM INTEGER [FOR INTEGER])"}, []string{"ssi", "ssii"}, str, false,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			s, r := rowString(v[0], i), rowString(v[1], i)
			pos := v[2].Int64At(i)
			length := int64(utf8.RuneCountInString(r))
			if len(v) == 4 {
				length = v[3].Int64At(i)
			}
			dst = append(dst, substringSQL(s, 1, pos-1)...)
			dst = append(dst, r...)
			return append(dst, substringSQL(s, pos+length, 1<<31)...), true
		}))
	simple([]string{"LEFT"}, []string{"LEFT(STRING, INTEGER)"}, []string{"si"}, str, false,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			n := v[1].Int64At(i)
			if n <= 0 {
				return dst, true
			}
			return append(dst, substringSQL(rowString(v[0], i), 1, n)...), true
		}))
	simple([]string{"RIGHT"}, []string{"RIGHT(STRING, INTEGER)"}, []string{"si"}, str, false,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			s, n := rowString(v[0], i), v[1].Int64At(i)
			if n <= 0 {
				return dst, true
			}
			total := int64(utf8.RuneCountInString(s))
			return append(dst, substringSQL(s, max(1, total-n+1), n)...), true
		}))
	padKernel := func(left bool) Kernel {
		return strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			s, n, pad := rowString(v[0], i), v[1].Int64At(i), rowString(v[2], i)
			if n < 0 || n > 1<<24 {
				return dst, false
			}
			have := int64(utf8.RuneCountInString(s))
			if have >= n {
				return append(dst, substringSQL(s, 1, n)...), true
			}
			if pad == "" {
				return dst, false
			}
			fill := func(dst []byte, k int64) []byte {
				for k > 0 {
					for _, r := range pad {
						if k == 0 {
							break
						}
						dst = utf8.AppendRune(dst, r)
						k--
					}
				}
				return dst
			}
			if left {
				dst = fill(dst, n-have)
				return append(dst, s...), true
			}
			dst = append(dst, s...)
			return fill(dst, n-have), true
		})
	}
	simple([]string{"LPAD"}, []string{"LPAD(STRING, INTEGER, STRING)"}, []string{"sis"}, str, true, padKernel(true))
	simple([]string{"RPAD"}, []string{"RPAD(STRING, INTEGER, STRING)"}, []string{"sis"}, str, true, padKernel(false))
	simple([]string{"REPEAT"}, []string{"REPEAT(STRING, INTEGER)"}, []string{"si"}, str, true,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			s, k := v[0].BytesAt(i), v[1].Int64At(i)
			if k*int64(len(s)) > 1<<28 {
				return dst, false // refuse to build absurd strings
			}
			for ; k > 0; k-- {
				dst = append(dst, s...)
			}
			return dst, true
		}))
	simple([]string{"REVERSE"}, []string{"REVERSE(STRING)"}, []string{"s"}, str, false,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			s := rowString(v[0], i)
			for len(s) > 0 {
				r, size := utf8.DecodeLastRuneInString(s)
				if r == utf8.RuneError && size == 1 {
					dst = append(dst, s[len(s)-1])
				} else {
					dst = utf8.AppendRune(dst, r)
				}
				s = s[:len(s)-size]
			}
			return dst, true
		}))
	simple([]string{"SPLIT_INDEX"}, []string{"SPLIT_INDEX(STRING, STRING, INTEGER)"}, []string{"ssi"}, str, true,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			tok, ok := splitIndex(rowString(v[0], i), rowString(v[1], i), v[2].Int64At(i))
			return append(dst, tok...), ok
		}))
	simple([]string{"ASCII"}, []string{"ASCII(STRING)"}, []string{"s"}, integer, false,
		intKernel(func(v []*vector.Vector, i int) (int64, bool) {
			b := v[0].BytesAt(i)
			if len(b) == 0 {
				return 0, true
			}
			return int64(b[0]), true
		}))
	simple([]string{"CHR"}, []string{"CHR(INTEGER)"}, []string{"i"}, str, false,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			c := v[0].Int64At(i)
			if c < 0 {
				return dst, true
			}
			return utf8.AppendRune(dst, rune(c%256)), true
		}))
	hashFn := func(sum func([]byte) []byte) Kernel {
		return strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			return hex.AppendEncode(dst, sum(v[0].BytesAt(i))), true
		})
	}
	simple([]string{"MD5"}, []string{"MD5(STRING)"}, []string{"b"}, str, false, hashFn(func(b []byte) []byte { s := md5.Sum(b); return s[:] }))
	simple([]string{"SHA1"}, []string{"SHA1(STRING)"}, []string{"b"}, str, false, hashFn(func(b []byte) []byte { s := sha1.Sum(b); return s[:] }))
	simple([]string{"SHA256"}, []string{"SHA256(STRING)"}, []string{"b"}, str, false, hashFn(func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }))
	simple([]string{"SHA512"}, []string{"SHA512(STRING)"}, []string{"b"}, str, false, hashFn(func(b []byte) []byte { s := sha512.Sum512(b); return s[:] }))
	simple([]string{"SHA2"}, []string{"SHA2(STRING, INTEGER)"}, []string{"bi"}, str, true,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			b := v[0].BytesAt(i)
			var sum []byte
			switch v[1].Int64At(i) {
			case 224:
				s := sha256.Sum224(b)
				sum = s[:]
			case 256:
				s := sha256.Sum256(b)
				sum = s[:]
			case 384:
				s := sha512.Sum384(b)
				sum = s[:]
			case 512:
				s := sha512.Sum512(b)
				sum = s[:]
			default:
				return dst, false
			}
			return hex.AppendEncode(dst, sum), true
		}))
	simple([]string{"TO_BASE64"}, []string{"TO_BASE64(STRING)"}, []string{"b"}, str, false,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			return base64.StdEncoding.AppendEncode(dst, v[0].BytesAt(i)), true
		}))
	simple([]string{"FROM_BASE64"}, []string{"FROM_BASE64(STRING)"}, []string{"s"}, str, true,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			out, err := base64.StdEncoding.AppendDecode(dst, v[0].BytesAt(i))
			return out, err == nil
		}))
	simple([]string{"HEX"}, []string{"HEX(INTEGER)", "HEX(STRING)"}, []string{"i", "s"}, str, false,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			if v[0].Lane() == vector.LaneInt64 {
				return append(dst, strings.ToUpper(strconv.FormatUint(uint64(v[0].Int64At(i)), 16))...), true
			}
			return append(dst, strings.ToUpper(hex.EncodeToString(v[0].BytesAt(i)))...), true
		}))
	simple([]string{"BIN"}, []string{"BIN(INTEGER)"}, []string{"i"}, str, false,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			return strconv.AppendUint(dst, uint64(v[0].Int64At(i)), 2), true
		}))
	register([]string{"UUID"}, []string{"UUID()"}, func(args []types.Type) *Resolved {
		if len(args) != 0 {
			return nil
		}
		return &Resolved{Result: str.NotNullable(), kernel: func(_ *Context, _ []*vector.Vector, n int, out *vector.Vector) error {
			out.Reset()
			var b [16]byte
			for i := 0; i < n; i++ {
				_, _ = rand.Read(b[:])
				b[6] = b[6]&0x0f | 0x40 // version 4
				b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
				h := hex.EncodeToString(b[:])
				out.AppendString(h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:])
			}
			return nil
		}}
	})
	register([]string{"STR_TO_MAP"}, []string{"STR_TO_MAP(STRING[, STRING, STRING])"}, func(args []types.Type) *Resolved {
		if !allOf(args, 1, 3, isString) || len(args) == 2 {
			return nil
		}
		params := make([]types.Type, len(args))
		for i, a := range args {
			params[i] = strParam(a)
		}
		return strictFn(params, args, types.Map(str, str), false, func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
			out.Resize(n)
			mergeNulls(out, n, v...)
			for i := 0; i < n; i++ {
				if out.IsNull(i) {
					continue
				}
				pairSep, kvSep := ",", "="
				if len(v) == 3 {
					pairSep, kvSep = rowString(v[1], i), rowString(v[2], i)
				}
				m := types.MapValue{}
				for _, pair := range javaSplit(rowString(v[0], i), pairSep) {
					kv := strings.SplitN(pair, kvSep, 2)
					m.Keys = append(m.Keys, kv[0])
					if len(kv) == 2 {
						m.Values = append(m.Values, kv[1])
					} else {
						m.Values = append(m.Values, nil)
					}
				}
				out.Any[i] = m
			}
			return nil
		})
	})
	simple([]string{"PARSE_URL"}, []string{"PARSE_URL(STRING, STRING[, STRING])"}, []string{"ss", "sss"}, str, true,
		strKernel(func(dst []byte, v []*vector.Vector, i int) ([]byte, bool) {
			key := ""
			if len(v) == 3 {
				key = rowString(v[2], i)
			}
			s, ok := parseURL(rowString(v[0], i), strings.ToUpper(rowString(v[1], i)), key, len(v) == 3)
			return append(dst, s...), ok
		}))
}

// caseKernel is UPPER/LOWER with an ASCII fast path.
func caseKernel(upper bool) Kernel {
	return func(_ *Context, v []*vector.Vector, n int, out *vector.Vector) error {
		a := v[0]
		out.Reset()
		if cap(out.Data) < len(a.Data) {
			out.Data = make([]byte, 0, len(a.Data)) // the ASCII result has the input's size
		}
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				out.AppendNull()
				continue
			}
			b := a.BytesAt(i)
			ascii := true
			for _, c := range b {
				if c >= utf8.RuneSelf {
					ascii = false
					break
				}
			}
			if ascii {
				for _, c := range b {
					if upper && 'a' <= c && c <= 'z' {
						c -= 'a' - 'A'
					} else if !upper && 'A' <= c && c <= 'Z' {
						c += 'a' - 'A'
					}
					out.Data = append(out.Data, c)
				}
			} else if upper {
				out.Data = append(out.Data, bytes.ToUpper(b)...)
			} else {
				out.Data = append(out.Data, bytes.ToLower(b)...)
			}
			out.FinishBytes()
		}
		return nil
	}
}

// charIndex returns the 1-based character position of sub in s at or after
// character offset from (0-based), or 0.
func charIndex(s, sub string, from int) int {
	off := 0
	for k := 0; k < from; k++ {
		if off >= len(s) {
			return 0
		}
		_, size := utf8.DecodeRuneInString(s[off:])
		off += size
	}
	j := strings.Index(s[off:], sub)
	if j < 0 {
		return 0
	}
	return from + utf8.RuneCountInString(s[off:off+j]) + 1
}

// instr is INSTR(s, sub, start, nth): a negative start searches backwards
// from the end.
func instr(s, sub string, start, nth int64) (int64, bool) {
	if start == 0 || nth <= 0 {
		return 0, false
	}
	runes := []rune(s)
	subR := []rune(sub)
	match := func(p int) bool {
		if p < 0 || p+len(subR) > len(runes) {
			return false
		}
		for k := range subR {
			if runes[p+k] != subR[k] {
				return false
			}
		}
		return true
	}
	if start > 0 {
		for p := int(min(start-1, int64(len(runes)))); p <= len(runes)-len(subR); p++ {
			if match(p) {
				if nth--; nth == 0 {
					return int64(p + 1), true
				}
			}
		}
		return 0, true
	}
	for p := len(runes) + int(max(start, -int64(len(runes))-1)); p >= 0; p-- {
		if match(p) {
			if nth--; nth == 0 {
				return int64(p + 1), true
			}
		}
	}
	return 0, true
}

// substringSQL is Flink's BinaryStringData.substringSQL: pos is 1-based, 0
// means 1, negative counts from the end; the result is cut to the string.
func substringSQL(s string, pos, length int64) string {
	if length <= 0 {
		return ""
	}
	total := int64(-1)
	var start int64
	switch {
	case pos > 0:
		start = pos - 1
	case pos < 0:
		total = int64(utf8.RuneCountInString(s))
		start = total + pos
	}
	end := start + length
	if start < 0 {
		start = 0
	}
	if end <= start {
		return ""
	}
	// walk to the byte offsets of start and end
	b0, b1 := -1, len(s)
	k := int64(0)
	for off := range s {
		if k == start {
			b0 = off
		}
		if k == end {
			b1 = off
			break
		}
		k++
	}
	if b0 < 0 {
		return ""
	}
	return s[b0:b1]
}

// splitIndex is Flink's SPLIT_INDEX: split on the whole separator keeping
// empty tokens, return token idx (0-based) or NULL.
func splitIndex(s, sep string, idx int64) (string, bool) {
	if idx < 0 || s == "" {
		return "", false
	}
	if sep == "" {
		parts := strings.Fields(s)
		if idx >= int64(len(parts)) {
			return "", false
		}
		return parts[idx], true
	}
	// walk to token idx without splitting the whole string
	for ; idx > 0; idx-- {
		j := strings.Index(s, sep)
		if j < 0 {
			return "", false
		}
		s = s[j+len(sep):]
	}
	if j := strings.Index(s, sep); j >= 0 {
		s = s[:j]
	}
	return s, true
}

// javaSplit is Java's String.split(regex) for plain or regex separators:
// trailing empty strings are removed.
func javaSplit(s, sep string) []string {
	var parts []string
	if re, err := compileJavaRegex(sep); err == nil && strings.ContainsAny(sep, `\.[]()*+?{}|^$`) {
		parts = re.Split(s, -1)
	} else {
		parts = strings.Split(s, sep)
	}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// parseURL is PARSE_URL(url, part[, key]).
func parseURL(raw, part, key string, withKey bool) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	switch part {
	case "HOST":
		return u.Hostname(), u.Hostname() != ""
	case "PATH":
		return u.EscapedPath(), true
	case "QUERY":
		if withKey {
			vals, ok := u.Query()[key]
			if !ok || len(vals) == 0 {
				return "", false
			}
			return vals[0], true
		}
		return u.RawQuery, u.RawQuery != ""
	case "REF":
		return u.EscapedFragment(), u.Fragment != ""
	case "PROTOCOL":
		return u.Scheme, u.Scheme != ""
	case "FILE":
		if u.RawQuery != "" {
			return u.EscapedPath() + "?" + u.RawQuery, true
		}
		return u.EscapedPath(), true
	case "AUTHORITY":
		return u.Host, u.Host != ""
	case "USERINFO":
		if u.User == nil {
			return "", false
		}
		return u.User.String(), true
	}
	return "", false
}
