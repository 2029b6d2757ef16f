package store

import (
	"context"
	"fmt"
)

// AuthSettingsStatus summarises where the organisation stands in the move to SSO.
type AuthSettingsStatus struct {
	PasswordOn      bool
	VerifiedDomains int
	Grants          int // people with access to Authentication Settings
	AllowedDomains  int // domains on the allowed list for linking
}

// AuthSettingsStatus reads the summary shown on the Authentication Settings overview.
func (s *Store) AuthSettingsStatus(ctx context.Context) (AuthSettingsStatus, error) {
	var st AuthSettingsStatus
	var err error
	if st.PasswordOn, err = s.PasswordLoginEnabled(ctx); err != nil {
		return st, err
	}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM domains WHERE status IN ('verified', 'needs_attention')").Scan(&st.VerifiedDomains); err != nil {
		return st, fmt.Errorf("store: count verified domains: %w", err)
	}
	if err := s.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM auth_settings_grants),
		(SELECT COUNT(*) FROM allowed_domains)`).Scan(&st.Grants, &st.AllowedDomains); err != nil {
		return st, fmt.Errorf("store: count grants and allowed domains: %w", err)
	}
	return st, nil
}
