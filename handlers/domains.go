package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/net/idna"

	"portvakt/handlers/dnscheck"
	"portvakt/handlers/domainname"
	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// maxDomainInput bounds the typed domain; Unicode names may be longer than
// their ASCII form, which domainname limits to 253 characters.
const maxDomainInput = 300

// handleDomains lists the organisation's domains with the form that adds one.
func (s *Server) handleDomains(c echo.Context) error {
	return s.renderDomains(c, http.StatusOK, s.domainField(c, "", ""))
}

// domainsPerPage is how many domains one page of the list shows.
const domainsPerPage = 50

// attentionShown is how many domains that need attention the notice names; it counts the rest.
const attentionShown = 10

// renderDomains shows one page of the list, searched, with the add form in the given state.
func (s *Server) renderDomains(c echo.Context, status int, add views.Field) error {
	ctx := c.Request().Context()
	q, _ := formText(c.QueryParam("q"), maxDomainInput)
	q = truncate(q, maxDomainInput)
	search := q
	if a, err := idna.ToASCII(strings.ToLower(q)); err == nil {
		search = a // names are stored as DNS writes them
	}
	page, _ := strconv.Atoi(c.QueryParam("page"))
	page = max(page, 1)
	domains, total, err := s.store.ListDomainsPage(ctx, store.DomainFilter{Query: search,
		Offset: (page - 1) * domainsPerPage, Limit: domainsPerPage})
	if err != nil {
		return err
	}
	attention, attentionTotal, err := s.store.ListDomainsPage(ctx, store.DomainFilter{
		Statuses: []store.DomainStatus{store.DomainNeedsAttention}, Limit: attentionShown})
	if err != nil {
		return err
	}
	v := views.DomainsView{Add: add, Query: q, Total: total, Page: page, PerPage: domainsPerPage,
		AttentionMore: attentionTotal - len(attention)}
	for _, d := range domains {
		v.Domains = append(v.Domains, domainRow(d))
	}
	for _, d := range attention {
		v.Attention = append(v.Attention, displayName(d.Name))
	}
	if page > 1 {
		v.PrevHref = paths.DomainsList(q, page-1)
	}
	if page*domainsPerPage < total {
		v.NextHref = paths.DomainsList(q, page+1)
	}
	p := s.page(c, "domains.title", "domains", authSettingsCrumbs(c, "nav.domains", paths.Domains)...)
	if add.Error != "" {
		p.Errors = []views.FieldError{{Field: add.ID, Message: add.Error}}
	}
	return render(c, status, views.DomainsPage(p, v))
}

// domainField is the add form's input.
func (s *Server) domainField(c echo.Context, value, msg string) views.Field {
	l := lang(c)
	return views.Field{
		ID: "domain", Name: "domain", Label: l.T("domains.add.label"), Hint: l.T("domains.add.hint"),
		Value: value, Error: msg, MaxLen: maxDomainInput, Autocomplete: "off", Required: true,
	}
}

// handleDomainAdd adds a domain, pending verification, and shows its record.
func (s *Server) handleDomainAdd(c echo.Context) error {
	typed, ok := formText(c.FormValue("domain"), maxDomainInput)
	if !ok {
		return s.renderDomains(c, http.StatusUnprocessableEntity,
			s.domainField(c, "", lang(c).T("domainname.err.toolong")))
	}
	name, err := domainname.Normalise(typed)
	if err != nil {
		return s.renderDomains(c, http.StatusUnprocessableEntity,
			s.domainField(c, typed, domainNameMessage(lang(c), typed, err)))
	}
	d, err := s.store.AddDomain(c.Request().Context(), s.actor(c), name, dnscheck.NewToken())
	if errors.Is(err, store.ErrConflict) {
		return s.renderDomains(c, http.StatusUnprocessableEntity,
			s.domainField(c, typed, lang(c).T("domains.error.exists", displayName(name))))
	}
	if err != nil {
		return err
	}
	s.setFlash(c, "domains.added", displayName(d.Name))
	return redirect(c, paths.Domain(d.ID))
}

// handleDomain shows one domain: status, the record to create, the last result.
func (s *Server) handleDomain(c echo.Context) error {
	d, err := s.domainParam(c)
	if err != nil {
		return err
	}
	v := views.DomainView{
		DomainRow:      domainRow(d),
		ID:             d.ID,
		RecordName:     dnscheck.RecordName(d.Name),
		RecordHost:     dnscheck.RecordHost(),
		RecordValue:    dnscheck.RecordValue(d.Token),
		VerifiedAt:     d.VerifiedAt,
		AttentionSince: d.AttentionSince,
	}
	v.Result.Timeout = s.cfg.DNSTimeout
	p := s.page(c, "domains.title", "domains",
		authSettingsCrumbs(c, "nav.domains", paths.Domains, views.Crumb{Label: v.Display})...)
	p.Title = v.Display
	return render(c, http.StatusOK, views.DomainPage(p, v))
}

// domainParam loads the domain named by the :id path parameter.
func (s *Server) domainParam(c echo.Context) (store.Domain, error) {
	id, err := idParam(c)
	if err != nil {
		return store.Domain{}, err
	}
	return s.store.Domain(c.Request().Context(), id)
}

// domainRow is a domain as the list shows it.
func domainRow(d store.Domain) views.DomainRow {
	return views.DomainRow{
		Name:        d.Name,
		Display:     displayName(d.Name),
		Href:        paths.Domain(d.ID),
		Status:      d.Status,
		LastChecked: d.LastCheckedAt,
		Result:      views.DomainResult{Outcome: d.LastResult, Rcode: d.LastRcode, Found: d.LastFound},
	}
}

// displayName is a stored (ASCII) domain as people write it.
func displayName(name string) string {
	if u, err := idna.Display.ToUnicode(name); err == nil {
		return u
	}
	return name
}
