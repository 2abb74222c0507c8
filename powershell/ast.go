package powershell

// The syntax tree. Nodes keep byte offsets (off, end) into the script so errors can
// name file:line:col and underline the source as PowerShell does.

type node struct{ off, end int }

func (n node) span() node { return n }

type stmt interface{ span() node }
type expr interface{ span() node }

// pipelineStmt is one pipeline: an optional first expression, then commands.
type pipelineStmt struct {
	node
	first  expr // nil when the pipeline starts with a command
	cmds   []*command
	redirs []redirect
}

type redirect struct {
	node
	from   string // "1", "2", "3", "*"
	toOut  bool   // 2>&1
	target expr   // file name; nil with toOut
	append bool
}

type command struct {
	node
	call    string // "&", "." or ""
	name    string // literal command name ("" when nameExp is used)
	nameExp expr   // & $sb, & "path"
	args    []cmdArg
}

type cmdArg struct {
	node
	param string // -Name (without the dash); "" for a value
	colon bool   // -Name:value
	value expr   // the value (positional, or the colon value)
	splat string // @name
	raw   bool   // after --: a literal that looked like a parameter
}

type assignStmt struct {
	node
	target expr
	op     string // = += -= *= /= %=
	value  stmt
}

type ifClause struct {
	cond stmt
	body []stmt
}

type ifStmt struct {
	node
	clauses  []ifClause
	elseBody []stmt
	hasElse  bool
}

type loopStmt struct {
	node
	kind   string // while, do-while, do-until, for, foreach
	label  string
	init   stmt
	cond   stmt
	iter   stmt
	varRef *varExpr
	in     stmt
	body   []stmt
}

type switchClause struct {
	pattern expr // nil for default
	body    []stmt
}

type switchStmt struct {
	node
	label         string
	regex         bool
	wildcard      bool
	caseSensitive bool
	value         stmt
	clauses       []switchClause
}

type flowStmt struct {
	node
	kind  string // break continue return exit throw
	label string
	value stmt
}

type catchClause struct {
	types []string
	body  []stmt
}

type tryStmt struct {
	node
	body       []stmt
	catches    []catchClause
	finally    []stmt
	hasFinally bool
}

type functionDef struct {
	node
	name   string
	filter bool
	body   *scriptBlockAST
}

type paramDef struct {
	node
	name        string
	typ         string // type constraint, "" for none
	def         expr
	mandatory   bool
	position    int // -1: by declaration order
	fromPipe    bool
	validateSet []string
	notEmpty    bool
	aliases     []string
	help        string
}

type scriptBlockAST struct {
	off, stop     int
	params        []*paramDef
	hasParamBlock bool
	cmdletBinding bool
	begin         []stmt
	process       []stmt
	end           []stmt
	named         bool // has begin/process/end blocks
}

// Expressions.

type constExpr struct {
	node
	v Value
}

type varExpr struct {
	node
	name  string
	scope string
}

type stringExpr struct {
	node
	parts []expr // constExpr, varExpr, subExpr
}

type arrayExpr struct {
	node
	elems []expr
}

type subExpr struct {
	node
	kind  string // "$(", "@(", "("
	stmts []stmt
}

type hashEntry struct {
	key   expr
	value stmt
}

type hashExpr struct {
	node
	entries []hashEntry
}

type scriptBlockExpr struct {
	node
	sb *scriptBlockAST
}

// chainExpr is a left-to-right chain of binary operators of one precedence level;
// it is evaluated iteratively, so a long chain cannot exhaust the stack.
type chainExpr struct {
	node
	first expr
	ops   []string
	rest  []expr
}

type unaryExpr struct {
	node
	op string
	x  expr
}

type castExpr struct {
	node
	typ string
	x   expr
}

type typeExpr struct {
	node
	typ string
}

type memberExpr struct {
	node
	x      expr
	name   expr // usually a constExpr string
	static bool
}

type invokeExpr struct {
	node
	x      expr
	name   expr
	static bool
	args   []expr
}

type indexExpr struct {
	node
	x   expr
	idx expr
}

type incDecExpr struct {
	node
	x      expr
	op     string // ++ or --
	prefix bool
}

// pipeExpr wraps a statement used as a value (a pipeline inside parentheses or a
// statement on the right of '=').
type pipeExpr struct {
	node
	s stmt
}
