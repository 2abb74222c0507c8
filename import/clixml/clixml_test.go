package clixml

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim/simtest"
)

const captures = "../../../shared/reference/captures/"

func readCapture(t *testing.T, name string) *Document {
	t.Helper()
	doc, err := ReadFile(captures + name)
	require.NoError(t, err)
	return doc
}

func wrap(body string) string {
	return `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">` + body + `</Objs>`
}

// The E15 Get-ExchangeServer capture: one ExchangeServer whose AdminDisplayVersion
// is a ServerVersion object with its ToString kept, and whose Id is a Ref to its
// Identity (B.2).
func TestRealCaptureGetExchangeServer(t *testing.T) {
	doc := readCapture(t, "e15/GetExchangeServer.xml")
	require.Equal(t, "1.1.0.1", doc.Version)
	require.Len(t, doc.Values, 1)
	srv := doc.Values[0]
	require.Equal(t, "Microsoft.Exchange.Data.Directory.Management.ExchangeServer", srv.Obj.TypeName())
	require.Equal(t, "SOLO-E15A", srv.String())
	require.Equal(t, "Solo-E15A.Solo.net", srv.Get("fqdn").String(), "property names match case-insensitively")
	v := srv.Get("AdminDisplayVersion")
	require.Equal(t, "Version 15.0 (Build 1497.2)", v.String())
	major, ok := v.Get("Major").Int()
	require.True(t, ok)
	require.EqualValues(t, 15, major)
	role := srv.Get("ServerRole")
	require.Equal(t, "Mailbox, ClientAccess", role.String())
	n, _ := role.Int()
	require.EqualValues(t, 6, n)
	require.True(t, srv.Get("InternetWebProxy").IsNil())
	require.Same(t, srv.Get("Identity").Obj, srv.Get("Id").Obj, "Id is a Ref to Identity")
	require.True(t, srv.Get("NoSuchProperty").IsNil())
	require.Equal(t, "solo-e15a.solo.net", strings.ToLower(srv.Get("PSComputerName").String()), "extended (MS) properties are found too")
}

func TestRealCaptureComponentStates(t *testing.T) {
	doc := readCapture(t, "e15/GetServerComponentState.xml")
	var inactive []string
	for _, v := range doc.Values {
		if v.Get("State").String() != "Active" {
			inactive = append(inactive, v.Get("Component").String())
		}
	}
	require.Len(t, doc.Values, 26, "one object per component (E15 has 26)")
	require.Contains(t, inactive, "ForwardSyncDaemon")
	require.Contains(t, inactive, "ProvisioningRps")
	req := doc.Values[0].Get("LocalStates").Items()
	require.Len(t, req, 1)
	require.Equal(t, "Functional", req[0].Get("Requester").String())
	require.Equal(t, "DT", req[0].Get("Timestamp").Tag)
}

// RefIds are scoped to the whole file: the 2nd to 5th receive connectors point
// at the OrganizationId of the first (B.2).
func TestRealCaptureRefIntoAnEarlierTopLevelObject(t *testing.T) {
	doc := readCapture(t, "connectors/GetReceiveConnector.xml")
	require.Len(t, doc.Values, 5)
	first := doc.Values[0].Get("OrganizationId").Obj
	require.NotNil(t, first)
	for _, c := range doc.Values[1:] {
		require.Equal(t, "Ref", c.Get("OrganizationId").Tag)
		require.Same(t, first, c.Get("OrganizationId").Obj)
	}
	send := readCapture(t, "connectors/GetSendConnector.xml")
	c := send.Values[0]
	require.Equal(t, "Mail to O365", c.String())
	require.Equal(t, "SMTP:*;1", c.Get("AddressSpaces").Items()[0].String())
	require.Equal(t, "<I>CN=localhost<S>CN=localhost", c.Get("TlsCertificateName").String(), "entities in ToString are unescaped")
}

func TestGoldenDumpOfTheE15Server(t *testing.T) {
	doc := readCapture(t, "e15/GetExchangeServer.xml")
	var b strings.Builder
	dump(&b, doc.Values[0], 0)
	simtest.Golden(t, "e15-exchangeserver.txt", b.String())
}

// dump writes a value tree, one line per value, for golden files.
func dump(b *strings.Builder, v Value, depth int) {
	ind := strings.Repeat("  ", depth)
	name := v.Name
	if name == "" {
		name = "-"
	}
	if v.Obj == nil {
		text := v.Text
		if v.Tag == "BA" && len(text) > 16 {
			text = fmt.Sprintf("(%d base64 chars)", len(text))
		}
		fmt.Fprintf(b, "%s%s %s %q\n", ind, name, v.Tag, text)
		return
	}
	fmt.Fprintf(b, "%s%s %s %s %q\n", ind, name, v.Tag, v.Obj.TypeName(), v.String())
	if v.Tag == "Ref" {
		return
	}
	for _, it := range v.Obj.Items {
		dump(b, it, depth+1)
	}
	for _, p := range v.Obj.Props {
		dump(b, p, depth+1)
	}
	for _, p := range v.Obj.Extended {
		dump(b, p, depth+1)
	}
}

func TestPrimitivesAndContainers(t *testing.T) {
	doc, err := Parse("t.xml", strings.NewReader(wrap(`
<Obj RefId="0"><TN RefId="0"><T>System.Collections.Hashtable</T><T>System.Object</T></TN>
 <DCT><En><S N="Key">a_x000A_b</S><I32 N="Value">2</I32></En><En><S N="Key">t</S><TS N="Value">PT9.0269026S</TS></En></DCT></Obj>
<Obj RefId="1"><TNRef RefId="0"/><STK><I64>-5</I64><U64>18446744073709551615</U64></STK></Obj>
<Obj RefId="2"><QUE><Db>0.16666666666666666</Db><Db>-INF</Db><D>12.50</D></QUE></Obj>
<Obj RefId="3"><IE><G>4f1d6ed3-81ee-4120-9d38-b803867135e5</G><DT>2021-09-28T10:32:01-07:00</DT><BA>AAEC</BA><C>65</C><By>255</By><Version>6.2.1.3</Version><Nil/><B>false</B><U32>7</U32><URI>http://x/_x0041_</URI></IE></Obj>
<S>_x005F_x0020_ stays _x0020_ once</S>
<Obj RefId="4"><ToString>Blue</ToString><I32>9</I32><MS><MS N="set"><S N="x">1</S></MS></MS></Obj>`)))
	require.NoError(t, err)
	require.Len(t, doc.Values, 6)
	d := doc.Values[0].Obj
	require.Equal(t, "DCT", d.Container)
	require.Equal(t, "a\nb", d.Entries[0].Key.Text)
	n, _ := d.Entries[0].Value.Int()
	require.EqualValues(t, 2, n)
	require.Equal(t, "PT9.0269026S", d.Entries[1].Value.Text)
	require.Equal(t, []string{"System.Collections.Hashtable", "System.Object"}, doc.Values[1].Obj.Types, "TNRef resolves")
	require.Equal(t, "STK", doc.Values[1].Obj.Container)
	require.Len(t, doc.Values[2].Items(), 3)
	require.Len(t, doc.Values[3].Items(), 10)
	require.Equal(t, "http://x/A", doc.Values[3].Items()[9].Text)
	require.Equal(t, "_x0020_ stays   once", doc.Values[4].Text)
	e := doc.Values[5]
	require.Equal(t, "Blue", e.String())
	n, _ = e.Int()
	require.EqualValues(t, 9, n)
	require.Equal(t, "1", e.Get("set").Get("x").Text, "nested MS property sets")
}

func TestUTF16WithBOM(t *testing.T) {
	text := wrap(`<S>héllo</S>`)
	u := utf16.Encode([]rune(text))
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xFE})
	for _, c := range u {
		b.WriteByte(byte(c))
		b.WriteByte(byte(c >> 8))
	}
	doc, err := Parse("u16.xml", &b)
	require.NoError(t, err)
	require.Equal(t, "héllo", doc.Values[0].Text)
}

// Hostile or broken input is refused with file:line:col and what was expected.
func TestHostileInputIsRefused(t *testing.T) {
	small := Limits{FileSize: 4096, Depth: 8, String: 64, Values: 200, Expanded: 1000}
	laughs := func(n int) string {
		// Each object holds two Refs to the one before: 2^n values when followed.
		var b strings.Builder
		b.WriteString(`<Obj RefId="0"><S>lol</S></Obj>`)
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, `<Obj RefId="%d"><LST><Ref RefId="%d"/><Ref RefId="%d"/></LST></Obj>`, i, i-1, i-1)
		}
		return wrap(b.String())
	}
	tests := []struct {
		name, in, msg string
	}{
		{"reference bomb", laughs(30), "expands to more than 1000 values through its Ref back-references"},
		{"deep nesting", wrap(strings.Repeat(`<Obj><LST>`, 10) + strings.Repeat(`</LST></Obj>`, 10)), "nest deeper than 8 levels"},
		{"huge string", wrap(`<S>` + strings.Repeat("a", 100) + `</S>`), "more than 64 bytes of text"},
		{"too many values", wrap(strings.Repeat(`<Nil/>`, 300)), "more than 200 values"},
		{"big file", strings.Repeat(" ", 5000), "larger than 4096 bytes"},
		{"entity declaration", `<!DOCTYPE Objs [<!ENTITY a "aaaa">]>` + wrap(`<S>&a;</S>`), "no DOCTYPE"},
		{"undeclared entity", wrap(`<S>&a;</S>`), "invalid character entity &a;"},
		{"ref cycle", wrap(`<Obj RefId="0"><Props><Ref N="self" RefId="0"/></Props></Obj>`), "names an object that contains it (a cycle)"},
		{"ref forward", wrap(`<Ref RefId="9"/>`), `<Ref RefId="9"> names no object read before it`},
		{"tnref unknown", wrap(`<Obj><TNRef RefId="3"/></Obj>`), `<TNRef RefId="3"> names no <TN>`},
		{"duplicate refid", wrap(`<Obj RefId="0"/><Obj RefId="0"/>`), `two objects have RefId "0"`},
		{"bad int", wrap(`<I32 N="Port">25x</I32>`), `<I32 N="Port">: "25x" is not a whole number of 32 bits`},
		{"bad bool", wrap(`<B>yes</B>`), `"yes" is not true or false`},
		{"bad guid", wrap(`<G>nope</G>`), "is not a GUID"},
		{"bad base64", wrap(`<BA>!!!</BA>`), "is not base64"},
		{"bad date", wrap(`<DT>yesterday</DT>`), "is not an xsd:dateTime"},
		{"bad duration", wrap(`<TS>PT</TS>`), "is not an xsd:duration"},
		{"unknown element", wrap(`<Foo/>`), "unknown element <Foo> where a value belongs"},
		{"unknown in obj", wrap(`<Obj><Bar/></Obj>`), "unknown element <Bar> in <Obj>"},
		{"two containers", wrap(`<Obj><LST/><IE/></Obj>`), "an <Obj> has a container once"},
		{"wrong root", `<Objects/>`, "the root element is <Objects>"},
		{"wrong namespace", `<Objs xmlns="urn:x"/>`, "not PowerShell's"},
		{"empty", ``, "empty document"},
		{"truncated", `<Objs><Obj><Props>`, "not well-formed XML"},
		{"bad dict", wrap(`<Obj><DCT><En><S N="Key">a</S></En></DCT></Obj>`), `an <En> needs a value N="Key" and a value N="Value"`},
		{"text in nil", wrap(`<Nil>x</Nil>`), "<Nil /> is empty"},
		{"trailing", wrap(``) + `<Objs/>`, "content after </Objs>"},
		{"progress record", wrap(`<PR/>`), "unknown element <PR>"},
		{"bad encoding", `<?xml version="1.0" encoding="latin1"?>` + wrap(``), "encoding \"latin1\" is not one Export-Clixml writes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := small.Parse("bad.xml", strings.NewReader(tt.in))
			require.Error(t, err)
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Contains(t, err.Error(), tt.msg)
			require.True(t, strings.HasPrefix(err.Error(), "bad.xml:"), err.Error())
		})
	}
}

// Refs share the object they name, so a chain of double references costs its
// written size to hold, not its expansion; only the expansion bound refuses it.
func TestReferencesShareRatherThanCopy(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<Obj RefId="0"><S>x</S></Obj>`)
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, `<Obj RefId="%d"><LST><Ref RefId="%d"/><Ref RefId="%d"/></LST></Obj>`, i, i-1, i-1)
	}
	doc, err := Parse("refs.xml", strings.NewReader(wrap(b.String())))
	require.NoError(t, err)
	last := doc.Values[10]
	require.Same(t, last.Items()[0].Obj, last.Items()[1].Obj)
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"e15/GetExchangeServer.xml", "connectors/GetSendConnector.xml"} {
		data, err := os.ReadFile(captures + name)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(wrap(`<Obj RefId="0"><TN RefId="0"><T>A</T></TN><DCT><En><S N="Key">k</S><Ref N="Value" RefId="0"/></En></DCT></Obj>`)))
	f.Add([]byte(wrap(`<Obj RefId="0"><ToString>x</ToString><I32>1</I32></Obj><Ref RefId="0"/>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Limits{FileSize: 1 << 20, Depth: 32, String: 1 << 16, Values: 1 << 16, Expanded: 1 << 20}.Parse("fuzz.xml", bytes.NewReader(data))
		if err != nil {
			var e *Error
			require.ErrorAs(t, err, &e)
			return
		}
		var b strings.Builder
		for _, v := range doc.Values {
			dump(&b, v, 0)
		}
	})
}
