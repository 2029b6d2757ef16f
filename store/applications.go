package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AppSecretPrefix starts every application client secret, so secret scanners can recognise one.
const AppSecretPrefix = "pvs_"

// AppSecretOverlap is how long the previous client secret keeps working after a rotation, so the
// app can be given the new one without an outage.
const AppSecretOverlap = 24 * time.Hour

// Application is an app that signs in through portvakt, as lists and the provider see it. The
// client secret itself is never stored.
type Application struct {
	ID             int64
	ClientID       string
	Name           string
	Kind           AppKind
	Enabled        bool
	RedirectURIs   []string
	PostLogoutURIs []string
	BackchannelURI string
	Everyone       bool
	AccessTTL      time.Duration
	RefreshTTL     time.Duration
	SecretHint     string    // the first characters of the current secret
	OldSecretUntil time.Time // zero: no previous secret works
	CreatedAt      time.Time
	UpdatedAt      time.Time
	LastSignInAt   time.Time // zero: nobody has signed in yet
}

// Settings returns the app's settings as a form edits them, without its people.
func (a Application) Settings() AppSettings {
	return AppSettings{Name: a.Name, Kind: a.Kind, Enabled: a.Enabled, RedirectURIs: a.RedirectURIs,
		PostLogoutURIs: a.PostLogoutURIs, BackchannelURI: a.BackchannelURI, Everyone: a.Everyone,
		AccessTTL: a.AccessTTL, RefreshTTL: a.RefreshTTL}
}

const appColumns = `id, client_id, name, kind, enabled, redirect_uris, post_logout_uris, backchannel_uri,
	everyone, access_ttl, refresh_ttl, secret_hint, old_secret_until, created_at, updated_at, last_sign_in_at`

func scanApplication(row interface{ Scan(...any) error }) (Application, error) {
	var a Application
	var redirects, logouts string
	var access, refresh, oldUntil, created, updated, lastSignIn int64
	err := row.Scan(&a.ID, &a.ClientID, &a.Name, &a.Kind, &a.Enabled, &redirects, &logouts, &a.BackchannelURI,
		&a.Everyone, &access, &refresh, &a.SecretHint, &oldUntil, &created, &updated, &lastSignIn)
	if err != nil {
		return Application{}, err
	}
	a.RedirectURIs, a.PostLogoutURIs = splitLines(redirects), splitLines(logouts)
	a.AccessTTL, a.RefreshTTL = time.Duration(access)*time.Second, time.Duration(refresh)*time.Second
	a.OldSecretUntil, a.CreatedAt, a.UpdatedAt = unixOrZero(oldUntil), time.Unix(created, 0), time.Unix(updated, 0)
	a.LastSignInAt = unixOrZero(lastSignIn)
	return a, nil
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func unixOrZero(t int64) time.Time {
	if t == 0 {
		return time.Time{}
	}
	return time.Unix(t, 0)
}

// newClientID makes a client ID: not a secret, but unguessable so that apps cannot be listed by
// trying.
func newClientID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "app-" + hex.EncodeToString(b)
}

// newAppSecret makes a client secret of 256 random bits and returns it with its hash and hint.
func newAppSecret() (secret, hash, hint string) {
	secret = AppSecretPrefix + NewToken()
	return secret, hashToken(secret), secret[:len(AppSecretPrefix)+4]
}

// CreateApplication registers an app with normalized, problem-free settings. It returns the app
// and, for kinds that have one, its client secret, which is shown once and never again.
func (s *Store) CreateApplication(ctx context.Context, a Actor, st AppSettings) (Application, string, error) {
	if p := st.Problems(); len(p) > 0 {
		return Application{}, "", fmt.Errorf("store: create application %q: %w", st.Name, ErrInvalidSettings)
	}
	var secret, hash, hint string
	if st.Kind.HasSecret() {
		secret, hash, hint = newAppSecret()
	}
	var app Application
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO applications
			(client_id, name, kind, enabled, redirect_uris, post_logout_uris, backchannel_uri, everyone,
			 access_ttl, refresh_ttl, secret_hash, secret_hint, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			newClientID(), st.Name, st.Kind, st.Enabled, strings.Join(st.RedirectURIs, "\n"),
			strings.Join(st.PostLogoutURIs, "\n"), st.BackchannelURI, st.Everyone,
			int64(st.AccessTTL/time.Second), int64(st.RefreshTTL/time.Second), hash, hint, now, now)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if err := s.setAppPeople(ctx, tx, id, st); err != nil {
			return err
		}
		if app, err = scanApplication(tx.QueryRowContext(ctx, "SELECT "+appColumns+" FROM applications WHERE id = ?", id)); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionAppCreate, Target: st.Name, After: describeApp(app, len(st.People))})
	})
	if err != nil {
		return Application{}, "", fmt.Errorf("store: create application %q: %w", st.Name, err)
	}
	return app, secret, nil
}

// describeApp is an app's settings as the audit log keeps them.
func describeApp(a Application, people int) string {
	who := "everyone"
	if !a.Everyone {
		who = fmt.Sprintf("%d people", people)
	}
	return fmt.Sprintf("client_id=%s kind=%s enabled=%t redirect_uris=%s post_logout_uris=%s backchannel=%s access=%s access_ttl=%s refresh_ttl=%s",
		a.ClientID, a.Kind, a.Enabled, strings.Join(a.RedirectURIs, ","), strings.Join(a.PostLogoutURIs, ","),
		a.BackchannelURI, who, a.AccessTTL, a.RefreshTTL)
}

// setAppPeople replaces the people allowed on app id with st.People (none when it is for
// everyone). People who are not in the database are refused with ErrNotFound.
func (s *Store) setAppPeople(ctx context.Context, tx *sql.Tx, id int64, st AppSettings) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM application_people WHERE app_id = ?", id); err != nil {
		return err
	}
	if st.Everyone {
		return nil
	}
	for _, uid := range st.People {
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO application_people (app_id, user_id)
			SELECT ?, id FROM users WHERE id = ?`, id, uid)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists bool
			if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)", uid).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return fmt.Errorf("person %d: %w", uid, ErrNotFound)
			}
		}
	}
	return nil
}

// UpdateApplication changes an app's settings; its kind and client ID stay. People removed from
// the app, and everybody when the app is disabled, lose their tokens for it at once.
func (s *Store) UpdateApplication(ctx context.Context, a Actor, id int64, st AppSettings) (Application, error) {
	var app Application
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := scanApplication(tx.QueryRowContext(ctx, "SELECT "+appColumns+" FROM applications WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		st.Kind = before.Kind
		if p := st.Problems(); len(p) > 0 {
			return ErrInvalidSettings
		}
		beforePeople, err := countAppPeople(ctx, tx, id)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE applications SET name = ?, enabled = ?, redirect_uris = ?,
			post_logout_uris = ?, backchannel_uri = ?, everyone = ?, access_ttl = ?, refresh_ttl = ?, updated_at = ?
			WHERE id = ?`, st.Name, st.Enabled, strings.Join(st.RedirectURIs, "\n"), strings.Join(st.PostLogoutURIs, "\n"),
			st.BackchannelURI, st.Everyone, int64(st.AccessTTL/time.Second), int64(st.RefreshTTL/time.Second), s.now(), id)
		if err != nil {
			return err
		}
		if err := s.setAppPeople(ctx, tx, id, st); err != nil {
			return err
		}
		if app, err = scanApplication(tx.QueryRowContext(ctx, "SELECT "+appColumns+" FROM applications WHERE id = ?", id)); err != nil {
			return err
		}
		if err := s.revokeAppGrantsNotAllowed(ctx, tx, app); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionAppUpdate, Target: st.Name,
			Before: describeApp(before, beforePeople), After: describeApp(app, len(st.People))})
	})
	if err != nil {
		return Application{}, fmt.Errorf("store: update application %d: %w", id, err)
	}
	return app, nil
}

func countAppPeople(ctx context.Context, q rowQuerier, id int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM application_people WHERE app_id = ?", id).Scan(&n)
	return n, err
}

// RemoveApplication deletes an app with everything it was given: its sign-ins in progress and
// its tokens stop working at once.
func (s *Store) RemoveApplication(ctx context.Context, a Actor, id int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := scanApplication(tx.QueryRowContext(ctx, "SELECT "+appColumns+" FROM applications WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM applications WHERE id = ?", id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionAppRemove, Target: before.Name, Before: describeApp(before, 0)})
	})
	if err != nil {
		return fmt.Errorf("store: remove application %d: %w", id, err)
	}
	return nil
}

// RotateApplicationSecret gives an app a new client secret, returned once. The previous secret
// keeps working for overlap, so the app can be given the new one without an outage; an overlap
// of zero ends it at once (a leaked secret).
func (s *Store) RotateApplicationSecret(ctx context.Context, a Actor, id int64, overlap time.Duration) (string, error) {
	secret, hash, hint := newAppSecret()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := scanApplication(tx.QueryRowContext(ctx, "SELECT "+appColumns+" FROM applications WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if !before.Kind.HasSecret() {
			return fmt.Errorf("a %s app has no client secret: %w", before.Kind, ErrConflict)
		}
		var until int64
		if overlap > 0 {
			until = s.now() + int64(overlap/time.Second)
		}
		_, err = tx.ExecContext(ctx, `UPDATE applications SET old_secret_hash = CASE WHEN ? > 0 THEN secret_hash ELSE '' END,
			old_secret_until = ?, secret_hash = ?, secret_hint = ?, updated_at = ? WHERE id = ?`,
			until, until, hash, hint, s.now(), id)
		if err != nil {
			return err
		}
		if overlap <= 0 {
			// The secret leaked: what was taken with it ends too.
			if err := s.endAppGrants(ctx, tx, RevokedSecretLeaked, "g.app_id = ?", id); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionAppSecretRotate, Target: before.Name,
			Before: "hint=" + before.SecretHint, After: fmt.Sprintf("hint=%s previous_works_for=%s", hint, overlap)})
	})
	if err != nil {
		return "", fmt.Errorf("store: rotate secret of application %d: %w", id, err)
	}
	return secret, nil
}

// ListApplications returns every app, by name.
func (s *Store) ListApplications(ctx context.Context) ([]Application, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+appColumns+" FROM applications ORDER BY name COLLATE NOCASE, id")
	if err != nil {
		return nil, fmt.Errorf("store: list applications: %w", err)
	}
	defer rows.Close()
	var out []Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list applications: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ApplicationByID returns one app, or ErrNotFound.
func (s *Store) ApplicationByID(ctx context.Context, id int64) (Application, error) {
	a, err := scanApplication(s.read.QueryRowContext(ctx, "SELECT "+appColumns+" FROM applications WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Application{}, fmt.Errorf("store: application %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Application{}, fmt.Errorf("store: application %d: %w", id, err)
	}
	return a, nil
}

// ApplicationByClientID returns the app with a client ID, or ErrNotFound.
func (s *Store) ApplicationByClientID(ctx context.Context, clientID string) (Application, error) {
	a, err := scanApplication(s.read.QueryRowContext(ctx, "SELECT "+appColumns+" FROM applications WHERE client_id = ?", clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return Application{}, fmt.Errorf("store: application %q: %w", clientID, ErrNotFound)
	}
	if err != nil {
		return Application{}, fmt.Errorf("store: application %q: %w", clientID, err)
	}
	return a, nil
}

// CheckApplicationSecret returns the enabled app whose client ID and secret these are: the
// current secret, or the previous one during its overlap. Anything else is ErrWrongSecret,
// whether the app exists or not.
func (s *Store) CheckApplicationSecret(ctx context.Context, clientID, secret string) (Application, error) {
	var hash, oldHash string
	var oldUntil int64
	err := s.read.QueryRowContext(ctx, `SELECT secret_hash, old_secret_hash, old_secret_until FROM applications
		WHERE client_id = ? AND enabled = 1`, clientID).Scan(&hash, &oldHash, &oldUntil)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Application{}, fmt.Errorf("store: check secret of application %q: %w", clientID, err)
	}
	got := hashToken(secret)
	ok := hash != "" && subtle.ConstantTimeCompare([]byte(got), []byte(hash)) == 1
	if !ok && oldHash != "" && s.now() < oldUntil {
		ok = subtle.ConstantTimeCompare([]byte(got), []byte(oldHash)) == 1
	}
	if !ok {
		return Application{}, fmt.Errorf("store: check secret of application %q: %w", clientID, ErrWrongSecret)
	}
	return s.ApplicationByClientID(ctx, clientID)
}

// AppPerson is a person allowed on an app.
type AppPerson struct {
	ID    int64
	Email string
	Name  string
}

// ApplicationPeopleCounts returns how many people each app open to listed people lists, by
// app id, in one query for the list of applications.
func (s *Store) ApplicationPeopleCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT app_id, COUNT(*) FROM application_people GROUP BY app_id")
	if err != nil {
		return nil, fmt.Errorf("store: people of applications: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: people of applications: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// ApplicationPeople returns the people allowed on an app that is not for everyone, by name.
func (s *Store) ApplicationPeople(ctx context.Context, id int64) ([]AppPerson, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT u.id, u.email, u.name FROM application_people p
		JOIN users u ON u.id = p.user_id WHERE p.app_id = ? ORDER BY u.name COLLATE NOCASE, u.id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: people of application %d: %w", id, err)
	}
	defer rows.Close()
	var out []AppPerson
	for rows.Next() {
		var p AppPerson
		if err := rows.Scan(&p.ID, &p.Email, &p.Name); err != nil {
			return nil, fmt.Errorf("store: people of application %d: %w", id, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// appAllows reports whether a person may use an app: the app is enabled and signs people in,
// the person is active, and the app is for everyone or lists them.
func appAllows(ctx context.Context, q rowQuerier, appID, userID int64) (bool, error) {
	var ok bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM applications a JOIN users u ON u.id = ?
		WHERE a.id = ? AND a.enabled = 1 AND a.kind != 'integration' AND u.deactivated_at IS NULL
		AND (a.everyone = 1 OR EXISTS (SELECT 1 FROM application_people p WHERE p.app_id = a.id AND p.user_id = u.id)))`,
		userID, appID).Scan(&ok)
	return ok, err
}
