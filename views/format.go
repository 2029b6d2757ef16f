package views

import "time"

// Time formats a moment for tables and details, the same way in both languages
// (ISO date, 24-hour clock), or "–" when t is zero.
func (l Lang) Time(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// YesNo translates a boolean.
func (l Lang) YesNo(b bool) string {
	if b {
		return l.T("common.yes")
	}
	return l.T("common.no")
}
