package serde

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"unsafe"
)

// Codec encodes and decodes values of type T.
type Codec[T any] interface {
	// Append appends the encoding of v to dst and returns the extended slice.
	Append(dst []byte, v T) []byte
	// Decode decodes one value from the start of src and returns it with the
	// number of bytes it used.
	Decode(src []byte) (T, int, error)
}

// ErrShort is returned when the input ends inside a value.
var ErrShort = errors.New("serde: input ends inside a value")

// For returns the default codec for T: booleans, integers, floats, strings,
// byte slices, and arrays, slices, structs (exported and unexported fields
// alike, in declaration order) and pointers of those (nil or the pointee;
// not recursive types). Other types (maps, interfaces, channels,
// functions) have no default codec; give one explicitly.
func For[T any]() (Codec[T], error) {
	t := reflect.TypeFor[T]()
	switch t.Kind() {
	case reflect.String:
		return stringCodec[T]{}, nil
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return fixedCodec[T, uint64]{}, nil
	case reflect.Int32, reflect.Uint32:
		return fixedCodec[T, uint32]{}, nil
	case reflect.Int16, reflect.Uint16:
		return fixedCodec[T, uint16]{}, nil
	case reflect.Int8, reflect.Uint8, reflect.Bool:
		return fixedCodec[T, uint8]{}, nil
	}
	enc, dec, err := compile(t)
	if err != nil {
		return nil, fmt.Errorf("no default codec for %v: %w", t, err)
	}
	return reflectCodec[T]{enc: enc, dec: dec}, nil
}

// MustFor is For for types known to be supported; it panics otherwise and is
// meant for package-level codecs of fixed types.
func MustFor[T any]() Codec[T] {
	c, err := For[T]()
	if err != nil {
		panic(err)
	}
	return c
}

type stringCodec[T any] struct{}

func (stringCodec[T]) Append(dst []byte, v T) []byte {
	s := *(*string)(unsafe.Pointer(&v))
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func (stringCodec[T]) Decode(src []byte) (T, int, error) {
	var v T
	n, k := binary.Uvarint(src)
	if k <= 0 || uint64(len(src)-k) < n {
		return v, 0, ErrShort
	}
	*(*string)(unsafe.Pointer(&v)) = string(src[k : k+int(n)])
	return v, k + int(n), nil
}

// fixedCodec encodes a value whose representation is the unsigned integer
// type U, big-endian, so that fixed-size keys compare like their bytes.
type fixedCodec[T any, U uint8 | uint16 | uint32 | uint64] struct{}

func (fixedCodec[T, U]) Append(dst []byte, v T) []byte {
	u := *(*U)(unsafe.Pointer(&v))
	switch x := any(u).(type) {
	case uint8:
		return append(dst, x)
	case uint16:
		return binary.BigEndian.AppendUint16(dst, x)
	case uint32:
		return binary.BigEndian.AppendUint32(dst, x)
	default:
		return binary.BigEndian.AppendUint64(dst, uint64(u))
	}
}

func (fixedCodec[T, U]) Decode(src []byte) (T, int, error) {
	var v T
	var u U
	size := int(unsafe.Sizeof(u))
	if len(src) < size {
		return v, 0, ErrShort
	}
	switch size {
	case 1:
		u = U(src[0])
	case 2:
		u = U(binary.BigEndian.Uint16(src))
	case 4:
		u = U(binary.BigEndian.Uint32(src))
	default:
		u = U(binary.BigEndian.Uint64(src))
	}
	*(*U)(unsafe.Pointer(&v)) = u
	return v, size, nil
}

type reflectCodec[T any] struct {
	enc func(dst []byte, v reflect.Value) []byte
	dec func(src []byte, v reflect.Value) (int, error)
}

func (c reflectCodec[T]) Append(dst []byte, v T) []byte {
	return c.enc(dst, reflect.ValueOf(&v).Elem())
}

func (c reflectCodec[T]) Decode(src []byte) (T, int, error) {
	var v T
	n, err := c.dec(src, reflect.ValueOf(&v).Elem())
	return v, n, err
}

type encFunc = func(dst []byte, v reflect.Value) []byte
type decFunc = func(src []byte, v reflect.Value) (int, error)

func compile(t reflect.Type) (encFunc, decFunc, error) {
	return compileIn(t, map[reflect.Type]bool{})
}

// compileIn compiles t; pointees lists the types being compiled under a
// pointer, which a recursive type (a linked list) would reach again.
func compileIn(t reflect.Type, pointees map[reflect.Type]bool) (encFunc, decFunc, error) {
	switch t.Kind() {
	case reflect.Bool:
		return func(dst []byte, v reflect.Value) []byte {
				if v.Bool() {
					return append(dst, 1)
				}
				return append(dst, 0)
			}, func(src []byte, v reflect.Value) (int, error) {
				if len(src) < 1 {
					return 0, ErrShort
				}
				v.SetBool(src[0] != 0)
				return 1, nil
			}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(dst []byte, v reflect.Value) []byte {
				return binary.AppendVarint(dst, v.Int())
			}, func(src []byte, v reflect.Value) (int, error) {
				x, n := binary.Varint(src)
				if n <= 0 {
					return 0, ErrShort
				}
				v.SetInt(x)
				return n, nil
			}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(dst []byte, v reflect.Value) []byte {
				return binary.AppendUvarint(dst, v.Uint())
			}, func(src []byte, v reflect.Value) (int, error) {
				x, n := binary.Uvarint(src)
				if n <= 0 {
					return 0, ErrShort
				}
				v.SetUint(x)
				return n, nil
			}, nil
	case reflect.Float32, reflect.Float64:
		return func(dst []byte, v reflect.Value) []byte {
				return binary.BigEndian.AppendUint64(dst, math.Float64bits(v.Float()))
			}, func(src []byte, v reflect.Value) (int, error) {
				if len(src) < 8 {
					return 0, ErrShort
				}
				v.SetFloat(math.Float64frombits(binary.BigEndian.Uint64(src)))
				return 8, nil
			}, nil
	case reflect.String:
		return func(dst []byte, v reflect.Value) []byte {
				s := v.String()
				dst = binary.AppendUvarint(dst, uint64(len(s)))
				return append(dst, s...)
			}, func(src []byte, v reflect.Value) (int, error) {
				n, k := binary.Uvarint(src)
				if k <= 0 || uint64(len(src)-k) < n {
					return 0, ErrShort
				}
				v.SetString(string(src[k : k+int(n)]))
				return k + int(n), nil
			}, nil
	case reflect.Array:
		elemEnc, elemDec, err := compileIn(t.Elem(), pointees)
		if err != nil {
			return nil, nil, err
		}
		return func(dst []byte, v reflect.Value) []byte {
				for i := range v.Len() {
					dst = elemEnc(dst, v.Index(i))
				}
				return dst
			}, func(src []byte, v reflect.Value) (int, error) {
				off := 0
				for i := range v.Len() {
					n, err := elemDec(src[off:], v.Index(i))
					if err != nil {
						return 0, err
					}
					off += n
				}
				return off, nil
			}, nil
	case reflect.Slice:
		elemEnc, elemDec, err := compileIn(t.Elem(), pointees)
		if err != nil {
			return nil, nil, err
		}
		return func(dst []byte, v reflect.Value) []byte {
				dst = binary.AppendUvarint(dst, uint64(v.Len()))
				for i := range v.Len() {
					dst = elemEnc(dst, v.Index(i))
				}
				return dst
			}, func(src []byte, v reflect.Value) (int, error) {
				n, k := binary.Uvarint(src)
				if k <= 0 || n > uint64(len(src)) {
					return 0, ErrShort
				}
				s := reflect.MakeSlice(v.Type(), int(n), int(n))
				off := k
				for i := range int(n) {
					m, err := elemDec(src[off:], s.Index(i))
					if err != nil {
						return 0, err
					}
					off += m
				}
				v.Set(s)
				return off, nil
			}, nil
	case reflect.Struct:
		type field struct {
			index int
			enc   encFunc
			dec   decFunc
		}
		fields := make([]field, 0, t.NumField())
		for i := range t.NumField() {
			f := t.Field(i)
			enc, dec, err := compileIn(f.Type, pointees)
			if err != nil {
				return nil, nil, fmt.Errorf("field %s: %w", f.Name, err)
			}
			fields = append(fields, field{i, enc, dec})
		}
		return func(dst []byte, v reflect.Value) []byte {
				for _, f := range fields {
					fv := v.Field(f.index)
					if !fv.CanInterface() {
						fv = reflect.NewAt(fv.Type(), unsafe.Pointer(fv.UnsafeAddr())).Elem()
					}
					dst = f.enc(dst, fv)
				}
				return dst
			}, func(src []byte, v reflect.Value) (int, error) {
				off := 0
				for _, f := range fields {
					fv := v.Field(f.index)
					if !fv.CanSet() {
						fv = reflect.NewAt(fv.Type(), unsafe.Pointer(fv.UnsafeAddr())).Elem()
					}
					n, err := f.dec(src[off:], fv)
					if err != nil {
						return 0, err
					}
					off += n
				}
				return off, nil
			}, nil
	case reflect.Pointer:
		// A presence byte, then the pointee: nil stays nil; pointers to the
		// same value decode to separate copies.
		if pointees[t.Elem()] {
			return nil, nil, fmt.Errorf("recursive type %v", t.Elem())
		}
		pointees[t.Elem()] = true
		elemEnc, elemDec, err := compileIn(t.Elem(), pointees)
		delete(pointees, t.Elem())
		if err != nil {
			return nil, nil, err
		}
		return func(dst []byte, v reflect.Value) []byte {
				if v.IsNil() {
					return append(dst, 0)
				}
				return elemEnc(append(dst, 1), v.Elem())
			}, func(src []byte, v reflect.Value) (int, error) {
				if len(src) < 1 {
					return 0, ErrShort
				}
				switch src[0] {
				case 0:
					v.SetZero()
					return 1, nil
				case 1:
				default:
					return 0, fmt.Errorf("serde: bad pointer marker %d", src[0])
				}
				p := reflect.New(t.Elem())
				n, err := elemDec(src[1:], p.Elem())
				if err != nil {
					return 0, err
				}
				v.Set(p)
				return 1 + n, nil
			}, nil
	}
	return nil, nil, fmt.Errorf("unsupported kind %v", t.Kind())
}
