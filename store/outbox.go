package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Outbox statuses.
const (
	MailQueued  = "queued"  // no mail server is configured: the mail waits to be read or retried
	MailSending = "sending" // an attempt is under way
	MailSent    = "sent"
	MailFailed  = "failed" // the last attempt failed; LastError says why
)

// MailStatuses lists every outbox status, for the texts that name them.
var MailStatuses = []string{MailQueued, MailSending, MailSent, MailFailed}

// staleSending is how long an attempt may stay 'sending' before another may take the mail over
// (the process that claimed it may have stopped).
const staleSending = 5 * time.Minute

// NewMail is a message to keep in the outbox. Body is sealed by the caller: it may hold a live
// link, which the database must not give away.
type NewMail struct {
	Kind    string // e.g. "verification"
	UserID  int64
	To      string
	ToName  string
	Subject string
	Body    []byte
}

// Mail is one message in the outbox.
type Mail struct {
	ID            int64
	CreatedAt     time.Time
	Kind          string
	UserID        int64
	To            string
	ToName        string
	Subject       string
	Body          []byte // only filled by MailByID and ClaimMail
	Status        string
	Attempts      int
	LastError     string
	LastAttemptAt time.Time
	SentAt        time.Time
	// NextAttemptAt is when a failed mail will be tried again by itself (see MailRetryDelay);
	// zero when no further attempt is planned.
	NextAttemptAt time.Time
}

func (s *Store) insertMail(ctx context.Context, tx *sql.Tx, m NewMail) (int64, error) {
	var userID any
	if m.UserID != 0 {
		userID = m.UserID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox (created_at, kind, user_id, to_addr, to_name, subject, body)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, s.now(), m.Kind, userID, m.To, m.ToName, m.Subject, m.Body)
	if err != nil {
		return 0, fmt.Errorf("store: queue mail to %q: %w", m.To, err)
	}
	return res.LastInsertId()
}

const mailColumns = `id, created_at, kind, user_id, to_addr, to_name, subject, status, attempts,
	last_error, last_attempt_at, sent_at`

func scanMail(row interface{ Scan(...any) error }, extra ...any) (Mail, error) {
	var m Mail
	var created int64
	var userID, last, sent sql.NullInt64
	dest := append([]any{&m.ID, &created, &m.Kind, &userID, &m.To, &m.ToName, &m.Subject, &m.Status,
		&m.Attempts, &m.LastError, &last, &sent}, extra...)
	if err := row.Scan(dest...); err != nil {
		return Mail{}, err
	}
	m.CreatedAt, m.UserID = time.Unix(created, 0), userID.Int64
	m.LastAttemptAt, m.SentAt = unixTime(last), unixTime(sent)
	return m, nil
}

// planRetry sets m.NextAttemptAt, as DueMail will find the mail.
func (s *Store) planRetry(m *Mail) {
	if m.Status == MailFailed && m.Attempts < MailMaxAttempts && !m.LastAttemptAt.IsZero() &&
		s.Now().Sub(m.CreatedAt) < mailRetryAge {
		m.NextAttemptAt = m.LastAttemptAt.Add(MailRetryDelay(m.Attempts))
	}
}

// MailByID returns one outbox message with its sealed body, or ErrNotFound.
func (s *Store) MailByID(ctx context.Context, id int64) (Mail, error) {
	var body []byte
	m, err := scanMail(s.read.QueryRowContext(ctx, "SELECT "+mailColumns+", body FROM outbox WHERE id = ?", id), &body)
	if errors.Is(err, sql.ErrNoRows) {
		return Mail{}, fmt.Errorf("store: mail %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Mail{}, fmt.Errorf("store: mail %d: %w", id, err)
	}
	m.Body = body
	s.planRetry(&m)
	return m, nil
}

// MailFilter selects outbox messages, newest first.
type MailFilter struct {
	UserID int64 // 0: everybody
	Offset int
	Limit  int
}

// ListMail returns one page of outbox messages (without bodies) and the number of all that match.
func (s *Store) ListMail(ctx context.Context, f MailFilter) ([]Mail, int, error) {
	where, args := "1 = 1", []any{}
	if f.UserID != 0 {
		where, args = "user_id = ?", append(args, f.UserID)
	}
	var total int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count mail: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+mailColumns+" FROM outbox WHERE "+where+
		" ORDER BY id DESC LIMIT ? OFFSET ?", append(args, pageLimit(f.Limit), max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list mail: %w", err)
	}
	defer rows.Close()
	var out []Mail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: list mail: %w", err)
		}
		s.planRetry(&m)
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// ClaimMail marks a queued or failed message as being sent and returns it with its body. Only one
// caller wins: a message already sent, or being sent by somebody else, gives ErrConflict.
func (s *Store) ClaimMail(ctx context.Context, id int64) (Mail, error) {
	var m Mail
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET status = ?, last_attempt_at = ?, attempts = attempts + 1
			WHERE id = ? AND (status IN (?, ?) OR (status = ? AND last_attempt_at < ?))`,
			MailSending, now, id, MailQueued, MailFailed, MailSending, now-int64(staleSending/time.Second))
		if err != nil {
			return fmt.Errorf("store: claim mail %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: claim mail %d: %w", id, ErrConflict)
		}
		var body []byte
		m, err = scanMail(tx.QueryRowContext(ctx, "SELECT "+mailColumns+", body FROM outbox WHERE id = ?", id), &body)
		m.Body = body
		return err
	})
	return m, err
}

// FinishMail records the outcome of an attempt started with ClaimMail: sent when sendErr is
// empty, failed with the error otherwise. A failure is written to the audit log.
func (s *Store) FinishMail(ctx context.Context, a Actor, id int64, sendErr string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var to string
		if err := tx.QueryRowContext(ctx, "SELECT to_addr FROM outbox WHERE id = ?", id).Scan(&to); err != nil {
			return fmt.Errorf("store: finish mail %d: %w", id, err)
		}
		now := s.now()
		if sendErr == "" {
			_, err := tx.ExecContext(ctx, "UPDATE outbox SET status = ?, sent_at = ?, last_error = '' WHERE id = ?", MailSent, now, id)
			if err != nil {
				return fmt.Errorf("store: finish mail %d: %w", id, err)
			}
			return s.audit(ctx, tx, a, AuditEntry{Action: ActionMailSent, Target: to, Detail: fmt.Sprintf("mail=%d", id)})
		}
		if _, err := tx.ExecContext(ctx, "UPDATE outbox SET status = ?, last_error = ? WHERE id = ?", MailFailed, sendErr, id); err != nil {
			return fmt.Errorf("store: finish mail %d: %w", id, err)
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionMailFailed, Target: to, Detail: fmt.Sprintf("mail=%d error=%s", id, sendErr)})
	})
}

// A mail whose attempt failed (the mail server down or refusing) is tried again by itself:
// MailRetryBase after the first attempt, then twice as long after each further one, at most
// MailRetryMax apart, until it has been tried MailMaxAttempts times (about two hours in all).
// After that, or once the mail is older than mailRetryAge (a verification link lives a day), only
// an administrator retries it, from the outbox.
const (
	MailRetryBase   = time.Minute
	MailRetryMax    = time.Hour
	MailMaxAttempts = 8
	mailRetryAge    = VerificationTTL
)

// MailRetryDelay is how long after its last attempt a mail that has failed attempts times is
// tried again.
func MailRetryDelay(attempts int) time.Duration {
	d := MailRetryBase
	for i := 1; i < attempts && d < MailRetryMax; i++ {
		d *= 2
	}
	return min(d, MailRetryMax)
}

// DueMail returns the failed mails whose next attempt is due (see MailRetryDelay), and those
// whose attempt has been under way so long that the process making it must have stopped (as
// ClaimMail takes them over), oldest first, at most limit of them.
func (s *Store) DueMail(ctx context.Context, limit int) ([]int64, error) {
	now := s.now()
	base, most := int64(MailRetryBase/time.Second), int64(MailRetryMax/time.Second)
	// The delay doubles per attempt: base << (attempts - 1), the shift bounded so that it cannot
	// overflow, the delay by MailRetryMax.
	rows, err := s.read.QueryContext(ctx, `SELECT id FROM outbox
		WHERE created_at > ? AND (
			(status = ? AND attempts < ? AND last_attempt_at + MIN(?, ? << MIN(MAX(attempts - 1, 0), 20)) <= ?)
			OR (status = ? AND last_attempt_at < ?))
		ORDER BY id LIMIT ?`,
		now-int64(mailRetryAge/time.Second), MailFailed, MailMaxAttempts, most, base, now,
		MailSending, now-int64(staleSending/time.Second), pageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("store: due mail: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: due mail: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: due mail: %w", err)
	}
	return ids, nil
}

// pageLimit keeps a page between 1 and 500 rows, 50 by default.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 500:
		return 500
	}
	return n
}
