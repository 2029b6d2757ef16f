package handlers

import (
	_ "embed"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"portvakt/store"
)

//go:embed openapi.yaml
var openAPI []byte

// Paging of the audit read API.
const (
	apiAuditDefaultLimit = 100
	apiAuditMaxLimit     = 500
)

// apiAuditRow is one audit row as the API gives it.
type apiAuditRow struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id,omitempty"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Target    string    `json:"target"`
	ClientIP  string    `json:"client_ip"`
	RequestID string    `json:"request_id"`
	Before    string    `json:"before"`
	After     string    `json:"after"`
	Detail    string    `json:"detail"`
}

// apiAuditPage is one page of the audit log, oldest first. NextCursor goes into the next
// request's cursor parameter; it stays the same while nothing new has been logged.
type apiAuditPage struct {
	Items      []apiAuditRow `json:"items"`
	NextCursor string        `json:"next_cursor"`
	HasMore    bool          `json:"has_more"`
}

// handleAPIAudit pages the audit log for a SIEM: oldest first from a cursor, with the audit
// page's filters (action, actor, from, to).
func (s *Server) handleAPIAudit(c echo.Context) error {
	bad := func(msg string) error { return &apiError{status: http.StatusBadRequest, detail: msg} }
	var after int64
	if v := c.QueryParam("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return bad("cursor must be the next_cursor of an earlier answer.")
		}
		after = n
	}
	limit := apiAuditDefaultLimit
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apiAuditMaxLimit {
			return bad("limit must be a whole number from 1 to 500.")
		}
		limit = n
	}
	f := store.AuditFilter{Action: c.QueryParam("action"), Actor: c.QueryParam("actor")}
	if len(f.Action) > 100 || len(f.Actor) > maxEmail {
		return bad("action or actor is too long.")
	}
	from, ok := parseDay(c.QueryParam("from"))
	if !ok {
		return bad("from must be a date, YYYY-MM-DD.")
	}
	to, ok := parseDay(c.QueryParam("to"))
	if !ok {
		return bad("to must be a date, YYYY-MM-DD.")
	}
	f.From = from
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	rows, more, err := s.store.AuditAfter(c.Request().Context(), f, after, limit)
	if err != nil {
		return err
	}
	page := apiAuditPage{Items: make([]apiAuditRow, 0, len(rows)), NextCursor: strconv.FormatInt(after, 10), HasMore: more}
	for _, r := range rows {
		page.Items = append(page.Items, apiAuditRow{ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, Actor: r.Actor,
			Action: string(r.Action), Target: r.Target, ClientIP: r.ClientIP, RequestID: r.RequestID,
			Before: r.Before, After: r.After, Detail: r.Detail})
		page.NextCursor = strconv.FormatInt(r.ID, 10)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, page)
}

// handleOpenAPI serves the description of /api/v1.
func (s *Server) handleOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml", openAPI)
}
