//go:build !js

package participation

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"math"
	"reflect"
	"sync"
	"time"
	"unsafe"
)

// The snapshot codec writes Go values as they are in memory — every
// field, exported or not — so that a module's state outside memdb (a
// compact item store, aggregates, an index) needs no code of its own to
// be saved: a new field is saved as soon as it exists. What it does not
// take:
//
//   - fields of types from package sync (locks) keep what the module's
//     NewState made;
//   - fields tagged `snapshot:"-"` (volatile caches) keep what NewState
//     made too;
//   - fields tagged `snapshot:"config"` (the module's configuration) are
//     not restored but compared: a snapshot written under another
//     configuration — another time zone, say — is not used;
//   - funcs, channels and interfaces with a value fail the snapshot with a
//     message naming the field, rather than being dropped unseen.
//
// Pointers keep their identity: two fields pointing to one object point
// to one object again after loading. The layout of every type written
// goes into the snapshot's fingerprint, so that a snapshot written by
// another build of the program is not read.

// typeTime and typeLocation are set by the first codec made, so that a
// program without snapshots has no work for them at start.
var (
	typeTime     reflect.Type
	typeLocation reflect.Type
	typesOnce    sync.Once
)

func codecTypes() {
	typesOnce.Do(func() {
		typeTime = reflect.TypeFor[time.Time]()
		typeLocation = reflect.TypeFor[time.Location]()
	})
}

type ptrKey struct {
	addr uintptr
	typ  reflect.Type
}

// stateEncoder appends values to buf.
type stateEncoder struct {
	buf  []byte
	ptrs map[ptrKey]uint64
}

func newStateEncoder() *stateEncoder {
	codecTypes()
	return &stateEncoder{ptrs: map[ptrKey]uint64{}}
}

func (e *stateEncoder) uvarint(x uint64) { e.buf = binary.AppendUvarint(e.buf, x) }

func (e *stateEncoder) bytes(b []byte) {
	e.uvarint(uint64(len(b)))
	e.buf = append(e.buf, b...)
}

// value appends v, which must be addressable or of a kind that needs no
// address. path names where v sits, for error messages.
func (e *stateEncoder) value(v reflect.Value, path string) error {
	t := v.Type()
	var ti *typeInfo
	if k := t.Kind(); k == reflect.Array && t.Elem().Kind() == reflect.Uint8 && v.CanAddr() {
		e.buf = append(e.buf, unsafe.Slice((*byte)(unsafe.Pointer(v.UnsafeAddr())), t.Size())...)
		return nil
	} else if k == reflect.Struct || k == reflect.Array {
		// Structs and arrays of numbers are copied as they are.
		if ti = infoOf(t); ti.plain && v.CanAddr() {
			e.buf = append(e.buf, unsafe.Slice((*byte)(unsafe.Pointer(v.UnsafeAddr())), t.Size())...)
			return nil
		}
	}
	switch t.Kind() {
	case reflect.Bool:
		if v.Bool() {
			e.buf = append(e.buf, 1)
		} else {
			e.buf = append(e.buf, 0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf = binary.AppendVarint(e.buf, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.uvarint(v.Uint())
	case reflect.Float32, reflect.Float64:
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(real(c)))
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(imag(c)))
	case reflect.String:
		e.uvarint(uint64(v.Len()))
		e.buf = append(e.buf, v.String()...)
	case reflect.Slice:
		if v.IsNil() {
			e.uvarint(0)
			return nil
		}
		n := v.Len()
		e.uvarint(uint64(n) + 1)
		if isPlain(t.Elem()) && n > 0 {
			e.buf = append(e.buf, unsafe.Slice((*byte)(v.UnsafePointer()), uintptr(n)*t.Elem().Size())...)
			return nil
		}
		for i := range n {
			if err := e.value(v.Index(i), path); err != nil {
				return err
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			if err := e.value(addressable(v.Index(i)), path); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.IsNil() {
			e.uvarint(0)
			return nil
		}
		e.uvarint(uint64(v.Len()) + 1)
		it := v.MapRange()
		for it.Next() {
			if err := e.value(addressable(it.Key()), path); err != nil {
				return err
			}
			if err := e.value(addressable(it.Value()), path); err != nil {
				return err
			}
		}
	case reflect.Pointer:
		if v.IsNil() {
			e.uvarint(0)
			return nil
		}
		if t.Elem() == typeLocation {
			e.uvarint(1)
			e.bytes([]byte(v.Interface().(*time.Location).String()))
			return nil
		}
		k := ptrKey{uintptr(v.UnsafePointer()), t}
		if n, ok := e.ptrs[k]; ok {
			e.uvarint(n)
			return nil
		}
		n := uint64(len(e.ptrs)) + 2
		e.ptrs[k] = n
		e.uvarint(n)
		return e.value(v.Elem(), path)
	case reflect.Struct:
		if t == typeTime {
			return e.time(*(*time.Time)(unsafe.Pointer(v.UnsafeAddr())), path)
		}
		for _, f := range ti.fields {
			if err := e.value(field(v, f.index), path+"."+f.name); err != nil {
				return err
			}
		}
	case reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		if v.IsNil() {
			return nil
		}
		return fmt.Errorf("%s holds a %s, which a snapshot cannot save: tag the field snapshot:\"-\" if it is volatile, or keep plain data", path, t)
	default:
		return fmt.Errorf("%s has kind %s, which a snapshot cannot save", path, t.Kind())
	}
	return nil
}

// Times are written as a tag and then: nothing for the zero time, the
// nanoseconds since 1970 for a UTC time within the years 1678–2262, and
// time.MarshalBinary for any other (which keeps its offset).
const (
	timeZero = iota
	timeUTC
	timeOther
)

func (e *stateEncoder) time(t time.Time, path string) error {
	switch {
	case t.IsZero():
		e.buf = append(e.buf, timeZero)
	case t.Location() == time.UTC && t.Year() > 1677 && t.Year() < 2262:
		e.buf = append(e.buf, timeUTC)
		e.buf = binary.AppendVarint(e.buf, t.UnixNano())
	default:
		b, err := t.MarshalBinary()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		e.buf = append(e.buf, timeOther)
		e.bytes(b)
	}
	return nil
}

func (d *stateDecoder) time() (time.Time, error) {
	tag, err := d.take(1)
	if err != nil {
		return time.Time{}, err
	}
	switch tag[0] {
	case timeZero:
		return time.Time{}, nil
	case timeUTC:
		n, k := binary.Varint(d.buf[d.off:])
		if k <= 0 {
			return time.Time{}, errShort
		}
		d.off += k
		return time.Unix(0, n).UTC(), nil
	case timeOther:
		b, err := d.bytes()
		if err != nil {
			return time.Time{}, err
		}
		var t time.Time
		err = t.UnmarshalBinary(b)
		return t, err
	}
	return time.Time{}, errShort
}

// skipField reports whether a struct field is left out of a snapshot:
// locks, volatile caches and configuration.
func skipField(f reflect.StructField) bool {
	if tag := f.Tag.Get("snapshot"); tag == "-" || tag == "config" {
		return true
	}
	return f.Type.PkgPath() == "sync"
}

// addressable returns v, or an addressable copy of it.
func addressable(v reflect.Value) reflect.Value {
	if v.CanAddr() {
		return v
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	return c
}

// field returns field i of the struct v, readable and settable even when
// unexported; v must be addressable.
func field(v reflect.Value, i int) reflect.Value {
	f := v.Field(i)
	if f.CanSet() {
		return f
	}
	if !v.CanAddr() {
		v = addressable(v)
		f = v.Field(i)
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// typeInfo is what the codec needs to know of a type, worked out once.
type typeInfo struct {
	plain  bool
	fields []structField // of a struct: the fields it saves
}

type structField struct {
	index int
	name  string
}

var typeInfos sync.Map // reflect.Type → *typeInfo

func infoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := &typeInfo{plain: plainType(t)}
	if t.Kind() == reflect.Struct {
		for i := range t.NumField() {
			if f := t.Field(i); !skipField(f) {
				ti.fields = append(ti.fields, structField{i, f.Name})
			}
		}
	}
	typeInfos.Store(t, ti)
	return ti
}

// isPlain reports whether values of t are bytes without pointers, which
// the codec copies as they are: numbers, and arrays and structs of them.
func isPlain(t reflect.Type) bool { return infoOf(t).plain }

func plainType(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return isPlain(t.Elem())
	case reflect.Struct:
		if t == typeTime {
			return false
		}
		for i := range t.NumField() {
			f := t.Field(i)
			if skipField(f) || !plainType(f.Type) {
				return false
			}
		}
		return true
	}
	return false
}

// stateDecoder reads what a stateEncoder wrote.
type stateDecoder struct {
	buf     []byte
	off     int
	ptrs    []reflect.Value // ptrs[n-2] is the object numbered n
	strings map[string]string
	infos   map[reflect.Type]*typeInfo
}

// info is infoOf, from a cache of the decoder's own.
func (d *stateDecoder) info(t reflect.Type) *typeInfo {
	ti, ok := d.infos[t]
	if !ok {
		ti = infoOf(t)
		d.infos[t] = ti
	}
	return ti
}

// errShort is a snapshot that ends too soon or holds a bad count.
var errShort = errors.New("the snapshot ends early or holds a bad count")

func newStateDecoder(b []byte) *stateDecoder {
	codecTypes()
	return &stateDecoder{buf: b, strings: map[string]string{}, infos: map[reflect.Type]*typeInfo{}}
}

func (d *stateDecoder) uvarint() (uint64, error) {
	x, n := binary.Uvarint(d.buf[d.off:])
	if n <= 0 {
		return 0, errShort
	}
	d.off += n
	return x, nil
}

func (d *stateDecoder) take(n uint64) ([]byte, error) {
	if n > uint64(len(d.buf)-d.off) {
		return nil, errShort
	}
	b := d.buf[d.off : d.off+int(n)]
	d.off += int(n)
	return b, nil
}

func (d *stateDecoder) bytes() ([]byte, error) {
	n, err := d.uvarint()
	if err != nil {
		return nil, err
	}
	return d.take(n)
}

// str returns a string, sharing one copy of each short one: codes and
// names repeat across a million rows.
func (d *stateDecoder) str(b []byte) string {
	if len(b) > 24 {
		return string(b)
	}
	if s, ok := d.strings[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.strings) < 1<<16 {
		d.strings[s] = s
	}
	return s
}

// value reads into v, which must be settable.
func (d *stateDecoder) value(v reflect.Value) error {
	t := v.Type()
	var ti *typeInfo
	if k := t.Kind(); k == reflect.Array && t.Elem().Kind() == reflect.Uint8 && v.CanAddr() {
		b, err := d.take(uint64(t.Size()))
		if err != nil {
			return err
		}
		copy(unsafe.Slice((*byte)(unsafe.Pointer(v.UnsafeAddr())), t.Size()), b)
		return nil
	} else if (k == reflect.Struct || k == reflect.Array) && v.CanAddr() {
		ti = d.info(t)
	}
	if ti != nil && ti.plain {
		b, err := d.take(uint64(t.Size()))
		if err != nil {
			return err
		}
		copy(unsafe.Slice((*byte)(unsafe.Pointer(v.UnsafeAddr())), t.Size()), b)
		return nil
	}
	switch t.Kind() {
	case reflect.Bool:
		b, err := d.take(1)
		if err != nil {
			return err
		}
		v.SetBool(b[0] == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x, n := binary.Varint(d.buf[d.off:])
		if n <= 0 {
			return errShort
		}
		d.off += n
		v.SetInt(x)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		x, err := d.uvarint()
		if err != nil {
			return err
		}
		v.SetUint(x)
	case reflect.Float32, reflect.Float64:
		b, err := d.take(8)
		if err != nil {
			return err
		}
		v.SetFloat(math.Float64frombits(binary.LittleEndian.Uint64(b)))
	case reflect.Complex64, reflect.Complex128:
		b, err := d.take(16)
		if err != nil {
			return err
		}
		v.SetComplex(complex(math.Float64frombits(binary.LittleEndian.Uint64(b)), math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))))
	case reflect.String:
		b, err := d.bytes()
		if err != nil {
			return err
		}
		v.SetString(d.str(b))
	case reflect.Slice:
		n, err := d.uvarint()
		if err != nil {
			return err
		}
		if n == 0 {
			v.SetZero()
			return nil
		}
		n--
		et := t.Elem()
		if et.Size() > 0 && n > uint64(len(d.buf)-d.off) {
			return errShort // every element takes at least a byte
		}
		s := reflect.MakeSlice(t, int(n), int(n))
		if d.info(et).plain && n > 0 {
			b, err := d.take(n * uint64(et.Size()))
			if err != nil {
				return err
			}
			copy(unsafe.Slice((*byte)(s.UnsafePointer()), len(b)), b)
		} else {
			for i := range int(n) {
				if err := d.value(s.Index(i)); err != nil {
					return err
				}
			}
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			if err := d.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		n, err := d.uvarint()
		if err != nil {
			return err
		}
		if n == 0 {
			v.SetZero()
			return nil
		}
		n--
		if n > uint64(len(d.buf)-d.off) {
			return errShort
		}
		m := reflect.MakeMapWithSize(t, int(n))
		k, e := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		for range n {
			k.SetZero()
			e.SetZero()
			if err := d.value(k); err != nil {
				return err
			}
			if err := d.value(e); err != nil {
				return err
			}
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		n, err := d.uvarint()
		if err != nil {
			return err
		}
		switch {
		case n == 0:
			v.SetZero()
		case t.Elem() == typeLocation:
			b, err := d.bytes()
			if err != nil {
				return err
			}
			loc, err := loadLocation(string(b))
			if err != nil {
				return err
			}
			v.Set(reflect.ValueOf(loc))
		case n-2 < uint64(len(d.ptrs)):
			p := d.ptrs[n-2]
			if p.Type() != t {
				return fmt.Errorf("the snapshot points to a %s where a %s belongs", p.Type(), t)
			}
			v.Set(p)
		case n-2 == uint64(len(d.ptrs)):
			p := reflect.New(t.Elem())
			d.ptrs = append(d.ptrs, p)
			v.Set(p)
			return d.value(p.Elem())
		default:
			return errShort
		}
	case reflect.Struct:
		if t == typeTime {
			tm, err := d.time()
			if err != nil {
				return err
			}
			*(*time.Time)(unsafe.Pointer(v.UnsafeAddr())) = tm
			return nil
		}
		if ti == nil {
			ti = d.info(t)
		}
		for _, f := range ti.fields {
			if err := d.value(field(v, f.index)); err != nil {
				return err
			}
		}
	case reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		// Written only when nil.
		v.SetZero()
	default:
		return fmt.Errorf("a snapshot cannot hold kind %s", t.Kind())
	}
	return nil
}

func loadLocation(name string) (*time.Location, error) {
	switch name {
	case "UTC":
		return time.UTC, nil
	case "Local":
		return time.Local, nil
	}
	return time.LoadLocation(name)
}

// fingerprint writes the layout of t — kinds, sizes, field names, types,
// offsets and tags, recursively — to h.
func fingerprint(h hash.Hash, t reflect.Type, seen map[reflect.Type]bool) {
	fmt.Fprintf(h, "%s|%s|%d|", t.String(), t.Kind(), t.Size())
	if seen[t] {
		return
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Pointer:
		if t.Kind() == reflect.Array {
			fmt.Fprintf(h, "len%d|", t.Len())
		}
		fingerprint(h, t.Elem(), seen)
	case reflect.Map:
		fingerprint(h, t.Key(), seen)
		fingerprint(h, t.Elem(), seen)
	case reflect.Struct:
		if t == typeTime {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			fmt.Fprintf(h, "{%s %d %q}", f.Name, f.Offset, f.Tag.Get("snapshot"))
			if !skipField(f) {
				fingerprint(h, f.Type, seen)
			}
		}
	}
}

// configPrint hashes the fields of the state v tagged
// `snapshot:"config"`, which a snapshot must have been written under.
func configPrint(v reflect.Value) []byte {
	h := sha256.New()
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		v = v.Elem()
		t := v.Type()
		for i := range t.NumField() {
			if t.Field(i).Tag.Get("snapshot") == "config" {
				printConfig(h, field(v, i))
			}
		}
	}
	return h.Sum(nil)
}

// printConfig writes a configuration value to h in a fixed form (fmt
// prints maps in key order).
func printConfig(h hash.Hash, v reflect.Value) {
	switch {
	case v.Type() == reflect.PointerTo(typeLocation):
		if v.IsNil() {
			fmt.Fprint(h, "loc:nil;")
		} else {
			fmt.Fprintf(h, "loc:%s;", v.Interface().(*time.Location))
		}
	case v.Kind() == reflect.Struct && v.Type() != typeTime:
		for i := range v.NumField() {
			fmt.Fprintf(h, "%s=", v.Type().Field(i).Name)
			printConfig(h, field(addressable(v), i))
		}
	default:
		fmt.Fprintf(h, "%#v;", v.Interface())
	}
}
