package handlers

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// maxRows bounds an editable list in one submission, and maxRowValue the characters of one row.
const (
	maxRows     = 200
	maxRowValue = maxEmail
)

// Editable lists (grants, allowed domains) post every row with each button press, so that "Add
// row", "Remove" and choosing a suggestion work without JavaScript and never lose what was typed.
// Only "Save" stores anything.

// rowAction is the button that submitted a list form: "save", "add", "remove" (of row index) or
// "pick" (value for row index).
type rowAction struct {
	kind  string
	index int
	value string
}

// parseRowAction reads the "action" button; anything unknown is treated as a save, which is what
// pressing Enter in a field does.
func parseRowAction(c echo.Context, rows int) rowAction {
	kind, rest, _ := strings.Cut(c.FormValue("action"), ":")
	idx, value, _ := strings.Cut(rest, ":")
	i, err := strconv.Atoi(idx)
	switch {
	case kind == "add":
		return rowAction{kind: "add"}
	case (kind == "remove" || kind == "pick") && err == nil && i >= 0 && i < rows:
		// A picked value becomes a row: it gets the same bound as a typed one.
		value, _ = formText(value, maxRowValue)
		return rowAction{kind: kind, index: i, value: truncate(value, 4*maxRowValue)}
	}
	return rowAction{kind: "save"}
}

// formRows reads a repeated field, each value trimmed and cut to max characters. It reports false
// when there are more rows than a person could have typed.
func formRows(c echo.Context, name string, max int) ([]string, bool) {
	params, _ := c.FormParams()
	vals := params[name]
	if len(vals) > maxRows {
		return nil, false
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		v, _ = formText(v, max)
		out[i] = truncate(v, max*4)
	}
	return out, true
}

// postedRows reads an editable list as the pressed button leaves it: the rows, each cut to max
// characters, with a row added, removed or filled in, and the button itself.
func postedRows(c echo.Context, name string, max int) ([]string, rowAction, error) {
	values, ok := formRows(c, name, max)
	if !ok {
		return nil, rowAction{}, badRequest("too many rows")
	}
	act := parseRowAction(c, len(values))
	return applyRowAction(values, act), act, nil
}

// applyRowAction changes the rows for "add", "remove" and "pick".
func applyRowAction(rows []string, a rowAction) []string {
	switch a.kind {
	case "add":
		return append(rows, "")
	case "remove":
		return append(rows[:a.index:a.index], rows[a.index+1:]...)
	case "pick":
		rows[a.index] = a.value
	}
	return rows
}
