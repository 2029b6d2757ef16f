package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RefreshReuseGrace is how long a refresh token that was just used is refused without alarm: two
// tabs of an app refreshing at once are not a theft. Used again after it, the token revokes its
// family.
const RefreshReuseGrace = 5 * time.Second

// OPGrant is what an application was given for a person (or, for an integration, for itself).
type OPGrant struct {
	ID       string
	AppID    int64
	ClientID string
	AppName  string
	Kind     AppKind
	UserID   int64  // zero for an integration
	Subject  string // the person as apps know them; the client ID for an integration
	Method   string // how the person's portvakt session began
	IdPID    int64
	AuthTime time.Time
	Scopes   []string
	SID      string // the portvakt session as apps know it
}

// OPIssued is what a token request gives: the ID and expiry of a new access token (its jti),
// and a new refresh token when one was asked for.
type OPIssued struct {
	Grant         OPGrant
	AccessID      string
	AccessExpires time.Time
	Refresh       string
}

const opGrantColumns = `g.id, g.app_id, a.client_id, a.name, a.kind, COALESCE(g.user_id, 0),
	COALESCE(u.subject, a.client_id), g.method, COALESCE(g.idp_id, 0), g.auth_time, g.scopes, g.sid`

const opGrantFrom = ` FROM op_grants g JOIN applications a ON a.id = g.app_id LEFT JOIN users u ON u.id = g.user_id `

func scanOPGrant(row interface{ Scan(...any) error }) (OPGrant, error) {
	var g OPGrant
	var authTime int64
	var scopes string
	err := row.Scan(&g.ID, &g.AppID, &g.ClientID, &g.AppName, &g.Kind, &g.UserID, &g.Subject, &g.Method, &g.IdPID,
		&authTime, &scopes, &g.SID)
	if err != nil {
		return OPGrant{}, err
	}
	g.AuthTime, g.Scopes = unixOrZero(authTime), strings.Fields(scopes)
	return g, nil
}

// sessionSID is the session as apps know it (the sid claim): derived from the session's hash,
// so that it names the session without being a way into it.
func sessionSID(sessionHash string) string {
	if sessionHash == "" {
		return ""
	}
	return hashToken("sid:" + sessionHash)[:32]
}

// usableGrant loads a grant that is not revoked and checks, through q, that it may still be
// used: the app is enabled; for a person, that they may use the app and that a password-born
// grant only lives while password sign-in is on.
func usableGrant(ctx context.Context, q rowQuerier, id string) (OPGrant, error) {
	g, err := scanOPGrant(q.QueryRowContext(ctx, "SELECT "+opGrantColumns+opGrantFrom+
		"WHERE g.id = ? AND g.revoked_at IS NULL AND a.enabled = 1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return OPGrant{}, ErrTokenInvalid
	}
	if err != nil {
		return OPGrant{}, err
	}
	if g.UserID == 0 {
		return g, nil
	}
	ok, err := appAllows(ctx, q, g.AppID, g.UserID)
	if err != nil {
		return OPGrant{}, err
	}
	if !ok {
		return OPGrant{}, ErrNotAllowedOnApp
	}
	if err := methodStillAllowed(ctx, q, g.Method); err != nil {
		return OPGrant{}, err
	}
	return g, nil
}

// appTTLs reads the token lifetimes of an app.
func appTTLs(ctx context.Context, q rowQuerier, appID int64) (access, refresh int64, err error) {
	err = q.QueryRowContext(ctx, "SELECT access_ttl, refresh_ttl FROM applications WHERE id = ?", appID).Scan(&access, &refresh)
	return access, refresh, err
}

// IssueOPTokens gives the app of a sign-in whose code was just taken its tokens: a new grant
// with an access token, and a refresh token when withRefresh.
func (s *Store) IssueOPTokens(ctx context.Context, r OPAuthRequest, scopes []string, withRefresh bool) (OPIssued, error) {
	var out OPIssued
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		access, refresh, err := appTTLs(ctx, tx, r.AppID)
		if err != nil {
			return err
		}
		var hash string
		var already sql.NullString
		if err := tx.QueryRowContext(ctx, "SELECT session_hash, grant_id FROM op_auth_requests WHERE id = ?", r.ID).Scan(&hash, &already); err != nil {
			return err
		}
		if already.Valid {
			return ErrTokenReused // the code was presented again while this exchange ran
		}
		now := s.now()
		expires := now + access
		if withRefresh {
			expires = now + refresh
		}
		grant := NewToken()
		var idp any
		if r.IdPID != 0 {
			idp = r.IdPID
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO op_grants (id, app_id, user_id, session_hash, sid, method, idp_id, auth_time,
			scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			grant, r.AppID, r.UserID, hash, sessionSID(hash), r.Method, idp, r.AuthTime.Unix(), strings.Join(scopes, " "), now, expires)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE op_auth_requests SET grant_id = ? WHERE id = ?", grant, r.ID); err != nil {
			return err
		}
		out, err = s.issueUnder(ctx, tx, grant, access, refresh, withRefresh)
		return err
	})
	if err != nil {
		return OPIssued{}, fmt.Errorf("store: issue tokens for sign-in %q: %w", r.ID, err)
	}
	return out, nil
}

// issueUnder adds an access token, and a refresh token when withRefresh, to grant.
func (s *Store) issueUnder(ctx context.Context, tx *sql.Tx, grant string, access, refresh int64, withRefresh bool) (OPIssued, error) {
	now := s.now()
	out := OPIssued{AccessID: NewToken(), AccessExpires: time.Unix(now+access, 0)}
	if _, err := tx.ExecContext(ctx, "INSERT INTO op_access_tokens (id, grant_id, expires_at) VALUES (?, ?, ?)",
		out.AccessID, grant, now+access); err != nil {
		return OPIssued{}, err
	}
	if withRefresh {
		out.Refresh = NewToken()
		if _, err := tx.ExecContext(ctx, "INSERT INTO op_refresh_tokens (hash, grant_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			hashToken(out.Refresh), grant, now, now+refresh); err != nil {
			return OPIssued{}, err
		}
	}
	var err error
	out.Grant, err = scanOPGrant(tx.QueryRowContext(ctx, "SELECT "+opGrantColumns+opGrantFrom+"WHERE g.id = ?", grant))
	return out, err
}

// IssueOPClientToken gives the enabled integration clientID an access token for itself (client
// credentials). The sign-in policy never touches these.
func (s *Store) IssueOPClientToken(ctx context.Context, clientID string, scopes []string) (OPIssued, error) {
	var out OPIssued
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var appID, access int64
		err := tx.QueryRowContext(ctx, "SELECT id, access_ttl FROM applications WHERE client_id = ? AND enabled = 1 AND kind = 'integration'",
			clientID).Scan(&appID, &access)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		now := s.now()
		grant := NewToken()
		if _, err := tx.ExecContext(ctx, `INSERT INTO op_grants (id, app_id, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			grant, appID, strings.Join(scopes, " "), now, now+access); err != nil {
			return err
		}
		out, err = s.issueUnder(ctx, tx, grant, access, 0, false)
		return err
	})
	if err != nil {
		return OPIssued{}, fmt.Errorf("store: issue token for integration %q: %w", clientID, err)
	}
	return out, nil
}

// OPAccessGrant returns the grant of a live access token (its jti), checked as at a refresh: a
// token of a disabled app, a person no longer allowed, or a password-born grant at Password OFF
// stops working at once for userinfo and introspection.
func (s *Store) OPAccessGrant(ctx context.Context, jti string) (OPGrant, error) {
	var grant string
	err := s.read.QueryRowContext(ctx, "SELECT grant_id FROM op_access_tokens WHERE id = ? AND expires_at > ?", jti, s.now()).Scan(&grant)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrTokenInvalid
	}
	if err != nil {
		return OPGrant{}, fmt.Errorf("store: access token: %w", err)
	}
	g, err := usableGrant(ctx, s.read, grant)
	if err != nil {
		return OPGrant{}, fmt.Errorf("store: access token: %w", err)
	}
	return g, nil
}

// RevokeOPAccessToken ends one access token of clientID (RFC 7009). An unknown token, or one of
// another app, is not an error: the answer must not tell tokens apart.
func (s *Store) RevokeOPAccessToken(ctx context.Context, clientID, jti string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM op_access_tokens WHERE id = ? AND grant_id IN
			(SELECT g.id FROM op_grants g JOIN applications a ON a.id = g.app_id WHERE a.client_id = ?)`, jti, clientID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: revoke access token: %w", err)
	}
	return nil
}

// OPPerson is a person as the provider tells apps about them.
type OPPerson struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	GivenName     string
	FamilyName    string
}

// OPPersonBySubject returns an active person by their subject, or ErrNotFound.
func (s *Store) OPPersonBySubject(ctx context.Context, subject string) (OPPerson, error) {
	var p OPPerson
	err := s.read.QueryRowContext(ctx, `SELECT subject, email, email_verified, name, given_name, family_name FROM users
		WHERE subject = ? AND deactivated_at IS NULL`, subject).Scan(&p.Subject, &p.Email, &p.EmailVerified, &p.Name, &p.GivenName, &p.FamilyName)
	if errors.Is(err, sql.ErrNoRows) {
		return OPPerson{}, fmt.Errorf("store: person %q: %w", subject, ErrNotFound)
	}
	if err != nil {
		return OPPerson{}, fmt.Errorf("store: person %q: %w", subject, err)
	}
	return p, nil
}

// SubjectOfUser returns the subject apps know a person by.
func (s *Store) SubjectOfUser(ctx context.Context, userID int64) (string, error) {
	var subject string
	err := s.read.QueryRowContext(ctx, "SELECT subject FROM users WHERE id = ?", userID).Scan(&subject)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: subject of user %d: %w", userID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: subject of user %d: %w", userID, err)
	}
	return subject, nil
}

// OPAccessToken returns a live access token's grant and expiry, for signing the token itself.
// It runs on every token response, so it reads both in one query.
func (s *Store) OPAccessToken(ctx context.Context, jti string) (OPGrant, time.Time, error) {
	var expires int64
	g, err := scanOPGrant(scanAlso{s.read.QueryRowContext(ctx, "SELECT "+opGrantColumns+", t.expires_at"+opGrantFrom+
		"JOIN op_access_tokens t ON t.grant_id = g.id WHERE t.id = ?", jti), []any{&expires}})
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrTokenInvalid
	}
	if err != nil {
		return OPGrant{}, time.Time{}, fmt.Errorf("store: access token: %w", err)
	}
	return g, time.Unix(expires, 0), nil
}

// scanAlso scans row into a scan function's columns followed by extra.
type scanAlso struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s scanAlso) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }
