package clixml

import (
	"strconv"
	"strings"
)

// deserialized is the prefix Import-Clixml gives every type name (B.3); files
// written from imported objects carry it, live ones do not.
const deserialized = "Deserialized."

// TypeName is the object's most specific type, without a Deserialized. prefix
// ("" when the object has no type names).
func (o *Object) TypeName() string {
	if o == nil || len(o.Types) == 0 {
		return ""
	}
	return strings.TrimPrefix(o.Types[0], deserialized)
}

// Is reports whether the object has the type among its type names (with or
// without the Deserialized. prefix).
func (o *Object) Is(typeName string) bool {
	if o == nil {
		return false
	}
	for _, t := range o.Types {
		if strings.EqualFold(strings.TrimPrefix(t, deserialized), typeName) {
			return true
		}
	}
	return false
}

// Prop finds a property by name, case-insensitively as PowerShell member access
// does, among the adapted properties and then the extended ones (B.5).
func (o *Object) Prop(name string) (Value, bool) {
	if o == nil {
		return Value{}, false
	}
	for _, set := range [][]Value{o.Props, o.Extended} {
		for _, v := range set {
			if strings.EqualFold(v.Name, name) {
				return v, true
			}
		}
	}
	return Value{}, false
}

// Get is Prop without the found flag: a missing property is the zero Value,
// which reads as $null.
func (v Value) Get(name string) Value {
	p, _ := v.Obj.Prop(name)
	return p
}

// Has reports whether the value is an object with the property.
func (v Value) Has(name string) bool {
	_, ok := v.Obj.Prop(name)
	return ok
}

// IsNil reports whether the value is $null: <Nil />, or a property not there.
func (v Value) IsNil() bool { return v.Tag == "" || v.Tag == "Nil" }

// String is the value's string form, as "$x" would give it: a primitive's text,
// an object's ToString (kept from the file, B.4), else its own value's text.
func (v Value) String() string {
	if v.Obj == nil {
		return v.Text
	}
	if v.Obj.HasToString {
		return v.Obj.ToString
	}
	if v.Obj.Value != nil {
		return v.Obj.Value.Text
	}
	return ""
}

// Int is an integer primitive's value, or an enum's (an object whose own value
// is an integer).
func (v Value) Int() (int64, bool) {
	if v.Obj != nil {
		if v.Obj.Value == nil {
			return 0, false
		}
		return v.Obj.Value.Int()
	}
	switch v.Tag {
	case "SB", "I16", "I32", "I64":
		n, err := strconv.ParseInt(v.Text, 10, 64)
		return n, err == nil
	case "By", "U16", "U32", "U64":
		n, err := strconv.ParseUint(v.Text, 10, 64)
		return int64(n), err == nil && n <= 1<<63-1
	}
	return 0, false
}

// Bool is a B value's truth.
func (v Value) Bool() (bool, bool) {
	if v.Tag != "B" {
		return false, false
	}
	return v.Text == "true", true
}

// Items is a container's items: an object's LST, IE, STK or QUE (DCT values
// are in Obj.Entries); nil for anything else.
func (v Value) Items() []Value {
	if v.Obj == nil {
		return nil
	}
	return v.Obj.Items
}
