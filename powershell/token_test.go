package powershell

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// lexAll tokenizes src in one mode and describes each token as kind:text@line:col.
func lexAll(t *testing.T, src string, mode lexMode) string {
	t.Helper()
	lx := newLexer("t.ps1", src)
	var out []string
	for {
		tok, err := lx.next(mode)
		require.NoError(t, err)
		if tok.kind == tEOF {
			return strings.Join(out, " ")
		}
		p := lx.pos(tok.off)
		txt := tok.text
		switch tok.kind {
		case tString, tGeneric:
			var parts []string
			for _, pt := range tok.parts {
				switch pt.kind {
				case partText:
					parts = append(parts, fmt.Sprintf("%q", pt.text))
				case partVar:
					parts = append(parts, "$"+pt.scope+":"+pt.name)
				case partSub:
					parts = append(parts, "$("+src[pt.start:pt.end]+")")
				}
			}
			txt = strings.Join(parts, "+")
		case tNumber:
			txt = fmt.Sprintf("%v", tok.num)
		case tParam:
			if tok.colon {
				txt += ":"
			}
		}
		out = append(out, fmt.Sprintf("%s:%s@%d:%d", kindName(tok.kind), txt, p.Line, p.Col))
	}
}

func kindName(k tokKind) string {
	return map[tokKind]string{tNewline: "NL", tSemi: "SEMI", tPipe: "PIPE", tComma: "COMMA", tLParen: "LP", tRParen: "RP", tLBrace: "LB", tRBrace: "RB",
		tLBracket: "LK", tRBracket: "RK", tAtParen: "@(", tDollarParen: "$(", tAtBrace: "@{", tVariable: "VAR", tSplat: "SPLAT", tNumber: "NUM",
		tString: "STR", tGeneric: "WORD", tIdent: "ID", tParam: "PARAM", tOp: "OP", tLabel: "LABEL", tRedirect: "REDIR", tDashDash: "DASHDASH"}[k]
}

func TestTokenizer(t *testing.T) {
	tests := []struct {
		name string
		mode lexMode
		src  string
		want string
	}{
		{"dashes: en dash, em dash and horizontal bar are '-' (spec 2.2.3)", modeCmd, "Get-Queue –Server EX1 —Filter ―x", `WORD:"Get-Queue"@1:1 PARAM:Server@1:11 WORD:"EX1"@1:19 PARAM:Filter@1:23 PARAM:x@1:31`},
		{"dashes in expression mode", modeExpr, "$a –eq 1", "VAR:a@1:1 OP:-eq@1:4 NUM:1@1:8"},
		{"smart quotes are quotes (spec 2.3.5.2)", modeExpr, "‘it’’s’ “a”", `STR:"it’s"@1:1 STR:"a"@1:9`},
		{"backtick escapes only in double quotes", modeExpr, "\"a`tb`$c\" 'a`tb'", `STR:"a\tb$c"@1:1 STR:"a` + "`" + `tb"@1:11`},
		{"backtick newline continues the line", modeCmd, "Get-Queue `\n  -Server EX1", `WORD:"Get-Queue"@1:1 PARAM:Server@2:3 WORD:"EX1"@2:11`},
		{"comments: # only at token start, <# #> spans lines", modeCmd, "a#b # c\n<# x\ny #> d", "WORD:\"a#b\"@1:1 NL:\n@1:8 WORD:\"d\"@3:6"},
		{"here-strings: closer at line start, last newline dropped", modeExpr, "@\"\nx $y\n\"@ @'\n$z\n'@", `STR:"x "+$:y@1:1 STR:"$z"@3:4`},
		{"numbers with multipliers and suffixes (spec 2.3.5.1)", modeExpr, "5GB 1kb 0x1F 10l 1.5 2e3", "NUM:5368709120@1:1 NUM:1024@1:5 NUM:31@1:9 NUM:10@1:14 NUM:1.5@1:18 NUM:2000@1:22"},
		{"argument mode: a number glued to text is a word", modeCmd, "2+2 10.0.0.1 -5 2", `WORD:"2+2"@1:1 WORD:"10.0.0.1"@1:5 NUM:-5@1:14 NUM:2@1:17`},
		{"variables: braces, scopes, env", modeExpr, "${a b} $script:x $env:COMPUTERNAME $_ $?", "VAR:a b@1:1 VAR:x@1:8 VAR:COMPUTERNAME@1:18 VAR:_@1:36 VAR:?@1:39"},
		{"argument mode: $HOME\\x stays one argument", modeCmd, `$HOME\x $a.b`, `WORD:$:HOME+"\\x"@1:1 VAR:a@1:9 WORD:".b"@1:11`},
		{"splatting and -Param:value", modeCmd, "Get-Queue @p -Confirm:$false", `WORD:"Get-Queue"@1:1 SPLAT:p@1:11 PARAM:Confirm:@1:14 VAR:false@1:23`},
		{"@? splats $?, a one-character name", modeCmd, "A @?", `WORD:"A"@1:1 SPLAT:?@1:3`},
		{"a quote inside -Name makes it an argument", modeCmd, `-a"b"`, `WORD:"-a"+"b"@1:1`},
		{"subexpressions inside strings", modeExpr, `"$($q.Name) and $x"`, `STR:$($q.Name)+" and "+$:x@1:1`},
		{"redirections", modeCmd, "a > f 2>&1 2>$null >> g", `WORD:"a"@1:1 REDIR:>@1:3 WORD:"f"@1:5 REDIR:2>&1@1:7 REDIR:2>@1:12 VAR:null@1:14 REDIR:>>@1:20 WORD:"g"@1:23`},
		{"labels and operators", modeExpr, "$i++ -not ! .. :: += -f", "VAR:i@1:1 OP:++@1:3 OP:-not@1:6 OP:!@1:11 OP:..@1:13 OP:::@1:16 OP:+=@1:19 OP:-f@1:22"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, lexAll(t, tt.src, tt.mode))
		})
	}
}

func TestTokenizerErrorsNameThePosition(t *testing.T) {
	tests := []struct{ src, want string }{
		{"'abc", "t.ps1:1:1: the string that starts here has no closing quote"},
		{"\n  <# never closed", "t.ps1:2:3: the comment that starts here with '<#' has no closing '#>'"},
		{"@\"\nbody", "t.ps1:1:1: the here-string that starts here has no closing \"@ at the start of a line"},
		{"\"$(1 + \"", "t.ps1:1:8: the string that starts here has no closing quote"},
		{"${abc", "t.ps1:1:1: the variable name that starts here with '${' has no closing '}'"},
		{"$c:x", "t.ps1:1:1: $c: is a drive-qualified variable"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			lx := newLexer("t.ps1", tt.src)
			var err error
			for i := 0; i < 100 && err == nil; i++ {
				var tok token
				tok, err = lx.next(modeExpr)
				if tok.kind == tEOF && err == nil {
					break
				}
			}
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), tt.want), "got %q", err.Error())
		})
	}
}
