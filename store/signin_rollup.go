package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The daily roll-up of sign-ins (migrations/0008_signin_rollup.sql). recordLogin counts every
// successful sign-in in the transaction that records it, so the counts and the sign-ins cannot
// disagree: a sign-in refused or rolled back is not counted. Refused sign-ins are not counted at
// all (they are in the audit log as login.failure): the chart shows how people actually get in.

// secondsPerDay is one UTC day; days are numbered from 1970-01-01.
const secondsPerDay = 86400

// dayOf is the UTC day number of a Unix time.
func dayOf(unix int64) int64 {
	if unix < 0 {
		return (unix - secondsPerDay + 1) / secondsPerDay
	}
	return unix / secondsPerDay
}

// lastLoginColumn is the users column holding the latest sign-in by method.
func lastLoginColumn(method string) string {
	if method == MethodSSO {
		return "last_sso_login_at"
	}
	return "last_password_login_at"
}

// countSignIn adds one sign-in to its day inside tx.
func countSignIn(ctx context.Context, tx *sql.Tx, now int64, method string, idpID int64) error {
	if method != MethodSSO {
		idpID = 0
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO signin_daily (day, method, idp_id, count) VALUES (?, ?, ?, 1)
		ON CONFLICT (day, method, idp_id) DO UPDATE SET count = count + 1`, dayOf(now), method, idpID)
	if err != nil {
		return fmt.Errorf("store: count sign-in: %w", err)
	}
	return nil
}

// SignInMethod is one way in that the chart draws: password, or one identity provider.
type SignInMethod struct {
	Method string // MethodPassword or MethodSSO
	IdPID  int64  // the provider; 0 for password and for SSO sign-ins counted before providers were
	Name   string // the provider's name now; "" for password, a removed provider, or IdPID 0
}

// SignInDays is the number of successful sign-ins per UTC day and method over a period that
// ends today.
type SignInDays struct {
	First   time.Time      // the first day, midnight UTC
	Days    int            // how many days
	Methods []SignInMethod // password first, then providers by id
	Counts  [][]int        // Counts[method][day]
}

// Total is the number of sign-ins of one method over the period.
func (d SignInDays) Total(method int) int {
	n := 0
	for _, c := range d.Counts[method] {
		n += c
	}
	return n
}

// SignInsPerDay reads the roll-up for the last days days, today included. Password is always
// among the methods, so that a chart of an organisation without SSO still shows its line.
func (s *Store) SignInsPerDay(ctx context.Context, days int) (SignInDays, error) {
	days = min(max(days, 1), 366)
	today := dayOf(s.now())
	first := today - int64(days) + 1
	out := SignInDays{First: time.Unix(first*secondsPerDay, 0).UTC(), Days: days,
		Methods: []SignInMethod{{Method: MethodPassword}}, Counts: [][]int{make([]int, days)}}
	rows, err := s.read.QueryContext(ctx, `SELECT r.day, r.method, r.idp_id, COALESCE(p.name, ''), r.count
		FROM signin_daily r LEFT JOIN identity_providers p ON r.method = 'sso' AND p.id = r.idp_id
		WHERE r.day BETWEEN ? AND ? ORDER BY r.method = 'sso', r.idp_id, r.day`, first, today)
	if err != nil {
		return out, fmt.Errorf("store: sign-ins per day: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day int64
		var m SignInMethod
		var n int
		if err := rows.Scan(&day, &m.Method, &m.IdPID, &m.Name, &n); err != nil {
			return out, fmt.Errorf("store: sign-ins per day: %w", err)
		}
		i := len(out.Methods) - 1
		if last := out.Methods[i]; last.Method != m.Method || last.IdPID != m.IdPID {
			out.Methods = append(out.Methods, m)
			out.Counts = append(out.Counts, make([]int, days))
			i++
		}
		out.Counts[i][day-first] += n
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("store: sign-ins per day: %w", err)
	}
	return out, nil
}
