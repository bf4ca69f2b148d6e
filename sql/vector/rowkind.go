package vector

import "fmt"

// RowKind is the change a row describes, as Flink's RowKind (same byte
// values, same short strings).
type RowKind uint8

const (
	Insert       RowKind = 0 // +I
	UpdateBefore RowKind = 1 // -U
	UpdateAfter  RowKind = 2 // +U
	Delete       RowKind = 3 // -D
)

func (k RowKind) String() string {
	switch k {
	case Insert:
		return "+I"
	case UpdateBefore:
		return "-U"
	case UpdateAfter:
		return "+U"
	case Delete:
		return "-D"
	}
	return fmt.Sprintf("RowKind(%d)", uint8(k))
}

// IsAdditive reports +I and +U: the row is (re)added to the result.
func (k RowKind) IsAdditive() bool { return k == Insert || k == UpdateAfter }

// ParseRowKind reads the short string of a RowKind.
func ParseRowKind(s string) (RowKind, error) {
	switch s {
	case "+I":
		return Insert, nil
	case "-U":
		return UpdateBefore, nil
	case "+U":
		return UpdateAfter, nil
	case "-D":
		return Delete, nil
	}
	return 0, fmt.Errorf("unknown row kind %q (want +I, -U, +U or -D)", s)
}
