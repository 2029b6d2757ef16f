package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"portvakt/store"
)

// scimListResponse is a page of resources (RFC 7644, section 3.4.2).
type scimListResponse struct {
	Schemas      []string `json:"schemas"`
	TotalResults int      `json:"totalResults"`
	StartIndex   int      `json:"startIndex"`
	ItemsPerPage int      `json:"itemsPerPage"`
	Resources    []any    `json:"Resources"`
}

// handleSCIMUsers lists people, filtered by e-mail or external id, a page at a time.
func (s *Server) handleSCIMUsers(c echo.Context) error {
	start, count, err := scimPaging(c.QueryParam("startIndex"), c.QueryParam("count"))
	if err != nil {
		return err
	}
	var q scimLookup
	if raw := c.QueryParam("filter"); raw != "" {
		if q, err = parseSCIMFilter(raw); err != nil {
			return err
		}
	}
	resp := scimListResponse{Schemas: []string{scimListSchema}, StartIndex: start, Resources: []any{}}
	if !q.nothing {
		people, total, err := s.store.FindProvisioned(c.Request().Context(),
			store.ProvisionFilter{Email: q.email, ExternalID: q.externalID, Offset: start - 1, Limit: count})
		if err != nil {
			return err
		}
		resp.TotalResults = total
		for _, p := range people {
			resp.Resources = append(resp.Resources, s.scimUser(p))
		}
	}
	resp.ItemsPerPage = len(resp.Resources)
	return writeSCIM(c, http.StatusOK, resp)
}

// scimPaging reads startIndex (1-based, default 1) and count (default and at most
// scimMaxPageSize). Values below the range are taken as its lowest, as RFC 7644 says.
func scimPaging(rawStart, rawCount string) (start, count int, err error) {
	start, count = 1, scimMaxPageSize
	if rawStart != "" {
		n, err := strconv.Atoi(rawStart)
		if err != nil || n > scimMaxStartIndex {
			return 0, 0, scimErr(http.StatusBadRequest, "invalidValue", "startIndex must be a whole number.")
		}
		start = max(n, 1)
	}
	if rawCount != "" {
		n, err := strconv.Atoi(rawCount)
		if err != nil {
			return 0, 0, scimErr(http.StatusBadRequest, "invalidValue", "count must be a whole number.")
		}
		count = min(max(n, 0), scimMaxPageSize)
	}
	return start, count, nil
}

// scimUserID reads the :id of a person. An id that is not one of ours is simply not found.
func scimUserID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, scimErr(http.StatusNotFound, "", "No such user.")
	}
	return id, nil
}

// handleSCIMUser returns one person.
func (s *Server) handleSCIMUser(c echo.Context) error {
	id, err := scimUserID(c)
	if err != nil {
		return err
	}
	p, err := s.store.ProvisionedByID(c.Request().Context(), id)
	if err != nil {
		return storeSCIMError(err)
	}
	return writeSCIM(c, http.StatusOK, s.scimUser(p))
}

// handleSCIMUserCreate provisions a person.
func (s *Server) handleSCIMUserCreate(c echo.Context) error {
	m, err := readSCIMObject(c)
	if err != nil {
		return err
	}
	a := scimAttrs{active: true}
	if err := a.applyResource(m); err != nil {
		return err
	}
	p, err := a.provision()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	vm, err := s.verificationMail(ctx, p.Name, p.Email, "")
	if err != nil {
		return err
	}
	out, mailID, err := s.store.CreateProvisioned(ctx, tokenActor(c), provisionToken(c), p, vm)
	if err != nil {
		return storeSCIMError(err)
	}
	s.deliverProvisioningMail(ctx, c, mailID)
	res := s.scimUser(out)
	c.Response().Header().Set("Location", res.Meta.Location)
	return writeSCIM(c, http.StatusCreated, res)
}

// handleSCIMUserReplace replaces what the provider owns of a person (PUT).
func (s *Server) handleSCIMUserReplace(c echo.Context) error {
	id, err := scimUserID(c)
	if err != nil {
		return err
	}
	m, err := readSCIMObject(c)
	if err != nil {
		return err
	}
	if _, err := s.store.ProvisionedByID(c.Request().Context(), id); err != nil {
		return storeSCIMError(err)
	}
	a := scimAttrs{active: true}
	if err := a.applyResource(m); err != nil {
		return err
	}
	return s.saveSCIMUser(c, id, a)
}

// saveSCIMUser writes a person's new attributes and answers with the resource.
func (s *Server) saveSCIMUser(c echo.Context, id int64, a scimAttrs) error {
	p, err := a.provision()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	vm, err := s.verificationMail(ctx, p.Name, p.Email, "")
	if err != nil {
		return err
	}
	out, mailID, err := s.store.UpdateProvisioned(ctx, tokenActor(c), provisionToken(c), id, p, vm)
	if err != nil {
		return storeSCIMError(err)
	}
	s.deliverProvisioningMail(ctx, c, mailID)
	return writeSCIM(c, http.StatusOK, s.scimUser(out))
}

// handleSCIMUserDelete removes a person, with the Users page's guard: the last administrator
// stays.
func (s *Server) handleSCIMUserDelete(c echo.Context) error {
	id, err := scimUserID(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteUser(c.Request().Context(), tokenActor(c), id); err != nil {
		return storeSCIMError(err)
	}
	return c.NoContent(http.StatusNoContent)
}

// provisionToken is the request's API token as the store needs it.
func provisionToken(c echo.Context) store.ProvisionToken {
	t := currentAPIToken(c)
	return store.ProvisionToken{ID: t.ID, Name: t.Name, Vouches: t.IdPVouches}
}

// deliverProvisioningMail sends a verification mail queued by a provisioning request. A mail
// that cannot go out now waits in the outbox; the provider's request has succeeded either way.
func (s *Server) deliverProvisioningMail(ctx context.Context, c echo.Context, mailID int64) {
	if mailID == 0 {
		return
	}
	if err := s.mailer.deliver(ctx, tokenActor(c), mailID); err != nil && err != errNoMailServer {
		s.log.WarnContext(ctx, "scim: verification mail not sent", "mail_id", mailID, "err", err)
	}
}
