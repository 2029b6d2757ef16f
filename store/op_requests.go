package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Lifetimes of a sign-in from an application.
const (
	// codeReusedMark stands in a sign-in's grant_id when its code was presented a second time
	// before the first exchange issued anything, so that it issues nothing.
	codeReusedMark = "reused"
	// OPAuthRequestTTL is how long a person has to sign in once an app sent them to portvakt.
	OPAuthRequestTTL = 30 * time.Minute
	// OPCodeTTL is how long an authorization code can be exchanged (SECURITY.md: at most 60 s).
	OPCodeTTL = 60 * time.Second
)

// OPAuthRequest is a sign-in from an application: what the app asked for, and, once the person
// signed in, who they are and how they signed in.
type OPAuthRequest struct {
	ID        string
	AppID     int64
	ClientID  string
	AppName   string
	Request   []byte // the validated authorization request, as the protocol layer encoded it
	CreatedAt time.Time
	UserID    int64  // zero until the person signed in
	Subject   string // the person as apps know them
	Method    string // how their portvakt session began
	IdPID     int64
	AuthTime  time.Time
	GrantID   string // what its code issued
	SID       string // the portvakt session as apps know it
}

// Done reports whether the person has signed in for this request.
func (r OPAuthRequest) Done() bool { return r.UserID != 0 }

const opRequestColumns = `r.id, r.app_id, a.client_id, a.name, r.request, r.created_at, COALESCE(r.user_id, 0),
	COALESCE(u.subject, ''), r.method, COALESCE(r.idp_id, 0), r.auth_time, COALESCE(r.grant_id, ''), r.session_hash`

const opRequestFrom = ` FROM op_auth_requests r JOIN applications a ON a.id = r.app_id
	LEFT JOIN users u ON u.id = r.user_id `

func scanOPRequest(row interface{ Scan(...any) error }) (OPAuthRequest, error) {
	var r OPAuthRequest
	var created, authTime int64
	var sessionHash string
	err := row.Scan(&r.ID, &r.AppID, &r.ClientID, &r.AppName, &r.Request, &created, &r.UserID, &r.Subject, &r.Method, &r.IdPID,
		&authTime, &r.GrantID, &sessionHash)
	if err != nil {
		return OPAuthRequest{}, err
	}
	r.SID = sessionSID(sessionHash)
	r.CreatedAt, r.AuthTime = time.Unix(created, 0), unixOrZero(authTime)
	return r, nil
}

// CreateOPAuthRequest records a sign-in from the enabled app clientID and returns its ID. The
// request was validated by the protocol layer (client, redirect URI, PKCE).
func (s *Store) CreateOPAuthRequest(ctx context.Context, clientID string, request []byte) (OPAuthRequest, error) {
	id := NewToken()
	var r OPAuthRequest
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO op_auth_requests (id, app_id, request, created_at, expires_at)
			SELECT ?, id, ?, ?, ? FROM applications WHERE client_id = ? AND enabled = 1 AND kind != 'integration'`,
			id, request, now, now+int64(OPAuthRequestTTL/time.Second), clientID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		r, err = scanOPRequest(tx.QueryRowContext(ctx, "SELECT "+opRequestColumns+opRequestFrom+"WHERE r.id = ?", id))
		return err
	})
	if err != nil {
		return OPAuthRequest{}, fmt.Errorf("store: create sign-in for application %q: %w", clientID, err)
	}
	return r, nil
}

// OPAuthRequestByID returns a sign-in from an application that has not expired, or ErrNotFound.
func (s *Store) OPAuthRequestByID(ctx context.Context, id string) (OPAuthRequest, error) {
	r, err := scanOPRequest(s.read.QueryRowContext(ctx, "SELECT "+opRequestColumns+opRequestFrom+
		"WHERE r.id = ? AND r.expires_at > ? AND r.code_used_at = 0", id, s.now()))
	if errors.Is(err, sql.ErrNoRows) {
		return OPAuthRequest{}, fmt.Errorf("store: sign-in %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return OPAuthRequest{}, fmt.Errorf("store: sign-in %q: %w", id, err)
	}
	return r, nil
}

// CompleteOPAuthRequest records that the person of the portvakt session sessionToken signed in
// for the sign-in id, after checking, in the same transaction, that the session still stands
// (a password session only while password sign-in is on) and that the person may use the app
// (ErrNotAllowedOnApp, audit-logged). The sign-in is audit-logged and stamped on the app.
func (s *Store) CompleteOPAuthRequest(ctx context.Context, a Actor, id, sessionToken string) (OPAuthRequest, error) {
	var r OPAuthRequest
	refused := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var appID int64
		var appName string
		// A sign-in is completed once: a second browser at the same address must not change whom
		// an issued code stands for.
		err := tx.QueryRowContext(ctx, `SELECT r.app_id, a.name FROM op_auth_requests r JOIN applications a ON a.id = r.app_id
			WHERE r.id = ? AND r.expires_at > ? AND r.code_used_at = 0 AND r.user_id IS NULL`, id, s.now()).Scan(&appID, &appName)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var userID, authTime int64
		var method string
		var idp sql.NullInt64
		hash := hashToken(sessionToken)
		err = tx.QueryRowContext(ctx, `SELECT s.user_id, s.method, s.idp_id, s.created_at FROM sessions s
			JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND u.deactivated_at IS NULL
			AND (s.method != 'password' OR `+passwordLoginOnSQL+`)`, hash).Scan(&userID, &method, &idp, &authTime)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("session: %w", ErrNotFound)
		}
		if err != nil {
			return err
		}
		ok, err := appAllows(ctx, tx, appID, userID)
		if err != nil {
			return err
		}
		if !ok {
			refused = true
			return s.audit(ctx, tx, a, AuditEntry{Action: ActionAppRefused, Target: appName, Detail: "not allowed on the application"})
		}
		_, err = tx.ExecContext(ctx, `UPDATE op_auth_requests SET user_id = ?, session_hash = ?, method = ?, idp_id = ?, auth_time = ?
			WHERE id = ?`, userID, hash, method, idp, authTime, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE applications SET last_sign_in_at = ? WHERE id = ?", s.now(), appID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, AuditEntry{Action: ActionAppSignIn, Target: appName, Detail: "method=" + method}); err != nil {
			return err
		}
		r, err = scanOPRequest(tx.QueryRowContext(ctx, "SELECT "+opRequestColumns+opRequestFrom+"WHERE r.id = ?", id))
		return err
	})
	if err == nil && refused {
		err = ErrNotAllowedOnApp
	}
	if err != nil {
		return OPAuthRequest{}, fmt.Errorf("store: complete sign-in %q: %w", id, err)
	}
	return r, nil
}

// SaveOPCode attaches the authorization code that ends a completed sign-in. Only its hash is
// kept, and it can be exchanged for OPCodeTTL.
func (s *Store) SaveOPCode(ctx context.Context, id, code string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE op_auth_requests SET code_hash = ?, code_expires_at = ?
			WHERE id = ? AND user_id IS NOT NULL AND code_hash IS NULL AND expires_at > ?`,
			hashToken(code), now+int64(OPCodeTTL/time.Second), id, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save code of sign-in %q: %w", id, err)
	}
	return nil
}

// TakeOPCode exchanges an authorization code once: it returns its sign-in and marks the code
// used, after checking that the person may still use the app. A code presented a second time is
// refused with ErrTokenReused, and what it issued the first time is revoked (RFC 6749 4.1.2).
func (s *Store) TakeOPCode(ctx context.Context, code string) (OPAuthRequest, error) {
	var r OPAuthRequest
	reused := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var id string
		var expires, used int64
		err := tx.QueryRowContext(ctx, "SELECT id, code_expires_at, code_used_at FROM op_auth_requests WHERE code_hash = ?",
			hashToken(code)).Scan(&id, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrTokenInvalid
		}
		if err != nil {
			return err
		}
		now := s.now()
		if used != 0 {
			reused = true
			var grant sql.NullString
			if err := tx.QueryRowContext(ctx, "SELECT grant_id FROM op_auth_requests WHERE id = ?", id).Scan(&grant); err != nil {
				return err
			}
			if grant.Valid {
				return s.endAppGrants(ctx, tx, RevokedCodeReused, "g.id = ?", grant.String)
			}
			// The first exchange has not issued its tokens yet: it must not.
			_, err := tx.ExecContext(ctx, "UPDATE op_auth_requests SET grant_id = ? WHERE id = ?", codeReusedMark, id)
			return err
		}
		if now >= expires {
			return ErrTokenInvalid
		}
		if r, err = scanOPRequest(tx.QueryRowContext(ctx, "SELECT "+opRequestColumns+opRequestFrom+"WHERE r.id = ?", id)); err != nil {
			return err
		}
		ok, err := appAllows(ctx, tx, r.AppID, r.UserID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotAllowedOnApp
		}
		if err := methodStillAllowed(ctx, tx, r.Method); err != nil {
			return err
		}
		// The portvakt session the code came from must still stand: a sign-out, or an
		// administrator ending the person's sessions, ends the codes in flight too.
		var live bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sessions s JOIN op_auth_requests r
			ON r.session_hash = s.id_hash WHERE r.id = ?)`, id).Scan(&live); err != nil {
			return err
		}
		if !live {
			return ErrTokenInvalid
		}
		_, err = tx.ExecContext(ctx, "UPDATE op_auth_requests SET code_used_at = ? WHERE id = ?", now, id)
		return err
	})
	if err == nil && reused {
		err = ErrTokenReused
	}
	if err != nil {
		return OPAuthRequest{}, fmt.Errorf("store: take code: %w", err)
	}
	return r, nil
}

// methodStillAllowed refuses (ErrPasswordLoginOff) what a password session began while password
// sign-in is off.
func methodStillAllowed(ctx context.Context, q rowQuerier, method string) error {
	if method != MethodPassword {
		return nil
	}
	on, err := passwordLoginOn(ctx, q)
	if err != nil {
		return err
	}
	if !on {
		return ErrPasswordLoginOff
	}
	return nil
}
