package input_test

import (
	"fmt"
	"strings"

	"github.com/exsim/exsim/scenarios/input"
)

func ExampleScan() {
	deep := "name: x\ntraffic: " + strings.Repeat("[", 40000) + strings.Repeat("]", 40000) + "\n"
	fmt.Println(input.Scan("deep.yaml", []byte(deep), input.Limits{}))
	fmt.Println(input.Scan("tab.yaml", []byte("topology:\n\tservers: []\n"), input.Limits{}))
	fmt.Println(input.Scan("ok.yaml", []byte("name: x\nsubject: \"[[[[\"\n"), input.Limits{}))
	// Output:
	// deep.yaml:2:41: collections nested more than 32 deep; the limit is 32
	// tab.yaml:2:1: a tab in the indentation; YAML indents with spaces only
	// <nil>
}

func ExampleQuote() {
	fmt.Println(input.Quote("EX1\t", 40))
	fmt.Println(input.Quote(strings.Repeat("x", 5000), 10))
	// Output:
	// "EX1\t"
	// "xxxxxxxxxx…" (5000 characters)
}
