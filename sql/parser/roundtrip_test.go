package parser

import (
	"strings"
	"testing"
)

// operands covers every expression shape with its own precedence.
var operands = []string{
	"a", "1", "-a", "NOT a", "a IS NULL", "a IS NOT TRUE", "a BETWEEN 1 AND 2",
	"a NOT IN (1, 2)", "a IN (SELECT 1)", "a LIKE 'x' ESCAPE '!'", "a SIMILAR TO 'y'",
	"a = b", "a <> b", "a + b", "a - b", "a * b", "a / b", "a % b", "a || b",
	"a OR b", "a AND b", "a[1]", "f(a)", "(a).f", "t.c", "CASE WHEN a THEN b END",
	"a IS DISTINCT FROM b", "a IS NOT DISTINCT FROM b", "a = ANY (SELECT 1)",
	"EXISTS (SELECT 1)", "(SELECT 1)", "ROW(a)", "(a, b)", "CAST(a AS INT)",
	"INTERVAL '1' DAY", "DATE '2020-01-01'", "CURRENT_TIMESTAMP", "- -a",
	"ARRAY[a]", "MAP[a, b]", "count(*) FILTER (WHERE a)", "sum(a) OVER w",
}

// templates combine operands; $X, $Y and $Z are replaced by parenthesized
// operands so the input always means the intended tree.
var templates = []string{
	"$X OR $Y", "$X AND $Y", "NOT $X", "$X = $Y", "$X <> $Y", "$X < $Y", "$X >= $Y",
	"$X IS DISTINCT FROM $Y", "$X IS NULL", "$X IS NOT UNKNOWN", "$X BETWEEN $Y AND $Z",
	"$X NOT BETWEEN SYMMETRIC $Y AND $Z", "$X IN ($Y, $Z)", "$X NOT IN ($Y)", "$X LIKE $Y ESCAPE $Z",
	"$X NOT SIMILAR TO $Y", "$X + $Y", "$X - $Y", "$X * $Y", "$X / $Y", "$X || $Y", "-$X", "+$X",
	"$X[$Y]", "$X.f", "$X = ALL (SELECT $Y)", "POSITION($X IN $Y)", "CASE $X WHEN $Y THEN $Z END",
	"f($X, $Y)", "CAST($X AS INT)", "TRIM(BOTH $X FROM $Y)", "SUBSTRING($X FROM $Y FOR $Z)",
	"EXTRACT(DAY FROM $X)", "FLOOR($X TO DAY)",
}

func TestPrecedenceRoundTrip(t *testing.T) {
	n := 0
	for _, tmpl := range templates {
		for i, x := range operands {
			y := operands[(i+7)%len(operands)]
			z := operands[(i+13)%len(operands)]
			src := strings.NewReplacer("$X", "("+x+")", "$Y", "("+y+")", "$Z", "("+z+")").Replace(tmpl)
			e, err := ParseExpr(src)
			if err != nil {
				t.Errorf("%s: %v", src, err)
				continue
			}
			checkRoundTrip(t, src, e, formatNode(e), parseExprNode)
			n++
		}
	}
	if n == 0 {
		t.Fatal("no cases ran")
	}
}

// contexts place an expression in every clause that embeds one.
var contexts = []string{
	"SELECT $X FROM t",
	"SELECT $X AS x FROM t WHERE $X GROUP BY $X HAVING $X ORDER BY $X DESC",
	"SELECT * FROM t LIMIT $X OFFSET $X",
	"SELECT * FROM t FOR SYSTEM_TIME AS OF $X AS s",
	"SELECT * FROM a JOIN b ON $X",
	"SELECT SUM(a) OVER (PARTITION BY $X ORDER BY $X ROWS BETWEEN $X PRECEDING AND $X FOLLOWING) FROM t",
	"SELECT * FROM t GROUP BY GROUPING SETS (($X, $X), $X)",
	"INSERT INTO t PARTITION (p = $X) SELECT $X",
	"CREATE TABLE t (a INT, c AS $X, WATERMARK FOR a AS $X)",
	"VALUES ($X, $X)",
	"SELECT * FROM TABLE(f(TABLE t PARTITION BY $X ORDER BY $X, n => $X))",
	"SELECT * FROM TABLE(f(TABLE t PARTITION BY ($X, $X) ORDER BY ($X DESC, $X), $X))",
	"SELECT * FROM UNNEST($X)",
}

func TestContextRoundTrip(t *testing.T) {
	for _, ctx := range contexts {
		for _, x := range operands {
			src := strings.ReplaceAll(ctx, "$X", "("+x+")")
			stmts, err := ParseStatements(src)
			if err != nil {
				t.Errorf("%s: %v", src, err)
				continue
			}
			checkStatementsRoundTrip(t, src, stmts)
		}
	}
}

var queryBodies = []string{
	"SELECT 1", "VALUES (1)", "SELECT 1 ORDER BY 1", "SELECT 1 UNION SELECT 2",
	"SELECT 1 INTERSECT SELECT 2", "SELECT 1 EXCEPT ALL SELECT 2", "SELECT 1 LIMIT 1 OFFSET 2",
	"WITH x AS (SELECT 1) SELECT 2", "(SELECT 1) UNION ALL (SELECT 2 LIMIT 1)",
}

var queryTemplates = []string{
	"$A", "$A UNION $B", "$A INTERSECT $B", "$A EXCEPT $B ORDER BY 1", "$A UNION ALL $B INTERSECT $A",
	"SELECT * FROM $A AS q", "SELECT * FROM $A", "SELECT * FROM t WHERE a IN $A",
	"SELECT $A", "SELECT * FROM t WHERE EXISTS $A AND a = ANY $B", "INSERT INTO t $A",
	"INSERT INTO t (c) $A", "CREATE VIEW v AS $A", "EXPLAIN $A", "WITH w AS $A $B",
	"CREATE TABLE t AS $A", "SELECT * FROM t, LATERAL $A AS l",
}

func TestQueryRoundTrip(t *testing.T) {
	for _, tmpl := range queryTemplates {
		for i, a := range queryBodies {
			b := queryBodies[(i+4)%len(queryBodies)]
			src := strings.NewReplacer("$A", "("+a+")", "$B", "("+b+")").Replace(tmpl)
			stmts, err := ParseStatements(src)
			if err != nil {
				t.Errorf("%s: %v", src, err)
				continue
			}
			checkStatementsRoundTrip(t, src, stmts)
		}
	}
}

var tableRefs = []string{
	"t", "c.d.t AS x", "t x (a)", "t /*+ OPTIONS('a' = 'b') */", "(SELECT 1) AS s",
	"(SELECT 1)", "LATERAL TABLE(f(a))", "UNNEST(a) WITH ORDINALITY AS u (v, n)",
	"TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND)) AS r", "a JOIN b ON TRUE",
	"a, b", "a CROSS JOIN b", "t FOR SYSTEM_TIME AS OF x AS y", "LATERAL (SELECT 1) AS l",
	"a LEFT JOIN (b JOIN c USING (k)) ON TRUE",
}

var joinTemplates = []string{
	"SELECT * FROM $A", "SELECT * FROM ($A)", "SELECT * FROM ($A) JOIN ($B) ON TRUE",
	"SELECT * FROM ($A), ($B)", "SELECT * FROM ($A) NATURAL JOIN ($B)",
	"SELECT * FROM ($A) LEFT JOIN ($B) USING (k) RIGHT JOIN ($A) ON x = y",
	"SELECT * FROM ($A) CROSS JOIN ($B), ($A) FULL JOIN ($B) ON TRUE",
}

func TestTableRefRoundTrip(t *testing.T) {
	for _, tmpl := range joinTemplates {
		for i, a := range tableRefs {
			b := tableRefs[(i+5)%len(tableRefs)]
			src := strings.NewReplacer("$A", a, "$B", b).Replace(tmpl)
			stmts, err := ParseStatements(src)
			if err != nil {
				t.Errorf("%s: %v", src, err)
				continue
			}
			checkStatementsRoundTrip(t, src, stmts)
		}
	}
}
