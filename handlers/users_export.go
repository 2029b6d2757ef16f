package handlers

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"portvakt/store"
)

// handleUsersCSV exports the Users list as it is filtered (search and group), every person on
// one row. Every cell goes through the formula guard (writeCSVRow): names come from people.
func (s *Server) handleUsersCSV(c echo.Context) error {
	q, show := usersQuery(c)
	items, err := s.store.ExportUsers(c.Request().Context(), store.UserFilter{Query: q, Show: show})
	if err != nil {
		return err
	}
	name := "portvakt-users"
	if show != "" {
		name += "-" + string(show)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+"-"+time.Now().Format("20060102-150405")+`.csv"`)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	_ = writeCSVRow(w, "id", "name", "email", "email_verified", "administrator", "auth_settings", "linked_issuer",
		"linked_at", "last_sign_in", "last_password_sign_in", "last_sso_sign_in")
	for _, it := range items {
		issuer, linked := "", ""
		if it.Link != nil {
			issuer, linked = it.Link.Issuer, csvTime(it.Link.LinkedAt)
		}
		if err := writeCSVRow(w, strconv.FormatInt(it.ID, 10), it.Name, it.Email, strconv.FormatBool(it.EmailVerified),
			strconv.FormatBool(it.IsAdmin), strconv.FormatBool(it.HasGrant), issuer, linked, csvTime(it.LastLoginAt),
			csvTime(it.LastPasswordLoginAt), csvTime(it.LastSSOLoginAt)); err != nil {
			break
		}
	}
	w.Flush()
	return nil
}

// csvTime is a time in RFC 3339 (UTC), or empty for none.
func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
