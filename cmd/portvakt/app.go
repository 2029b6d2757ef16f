package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"portvakt/store"
	"portvakt/views"
)

// appCommand is `portvakt app add|list|remove`, for scripted installs that register the
// organisation's applications without a browser.
func appCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand("app", args)
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		return appAdd(ctx, args, getenv, stdout, stderr)
	case "list":
		return appList(ctx, args, getenv, stdout, stderr)
	}
	return appRemove(ctx, args, getenv, stdout, stderr)
}

// stringList is a flag that may be given several times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ", ") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// issuerFlags give the issuer the way serve gets its base URL: --base-url, or http://ADDR.
type issuerFlags struct{ baseURL, addr string }

func (f *flags) issuer(i *issuerFlags) {
	f.str(&i.baseURL, "base-url", "PORTVAKT_BASE_URL", "", "URL where browsers reach portvakt, the apps' issuer, e.g. https://portvakt.example.se (default http://ADDR)")
	f.str(&i.addr, "addr", "PORTVAKT_ADDR", "127.0.0.1:8080", "address the server listens on, for the default issuer")
}

func (i issuerFlags) issuer() (string, error) {
	u, err := baseURL(i.baseURL, i.addr)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// appFlagOf is the flag that sets each field of an application.
var appFlagOf = map[string]string{store.AppFieldName: "--name", store.AppFieldKind: "--type", store.AppFieldRedirect: "--redirect-uri"}

// appAdd registers an application for everyone in the organisation. It prints what the app is
// given on standard output, one "key: value" per line for a script to read, the secret once.
func appAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c common
	var iss issuerFlags
	var name, kind string
	var redirects stringList
	f := newFlags("app add", getenv, stderr)
	f.common(&c)
	f.issuer(&iss)
	f.StringVar(&name, "name", "", "the name people know the application by, e.g. \"HR system\" (required)")
	f.StringVar(&kind, "type", "", "web (with a server that keeps a secret), native (mobile or desktop), spa (single-page, in the browser) or integration (a machine, client credentials) (required)")
	f.Var(&redirects, "redirect-uri", "where people are sent back after signing in; give it once per address (required but for integrations)")
	if err := f.parse(args, 0); err != nil {
		return err
	}
	issuer, err := iss.issuer()
	if err != nil {
		return err
	}
	st := store.AppSettings{Name: name, Kind: store.AppKind(kind), Enabled: true, Everyone: true, RedirectURIs: redirects}.Normalize()
	if problems := st.Problems(); len(problems) > 0 {
		return appProblems(problems)
	}
	s, err := c.openExistingStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	a, secret, err := s.CreateApplication(ctx, store.HostActor("portvakt app add"), st)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "issuer: %s\nclient_id: %s\n", issuer, a.ClientID)
	if secret != "" {
		fmt.Fprintf(stdout, "client_secret: %s\n", secret)
		fmt.Fprintf(stderr, "Added application %q (%s). The client secret is shown once; keep it in a secret store.\n", a.Name, a.Kind)
	} else {
		fmt.Fprintf(stderr, "Added application %q (%s). It has no client secret: it proves each sign-in with PKCE (S256).\n", a.Name, a.Kind)
	}
	return nil
}

// appProblems words what is wrong with the flags, in the order of the fields.
func appProblems(problems map[string]string) error {
	var msgs []string
	for _, field := range []string{store.AppFieldName, store.AppFieldKind, store.AppFieldRedirect} {
		if code, ok := problems[field]; ok {
			msg := views.EN.T("app.problem." + code)
			if field == store.AppFieldKind {
				msg = "choose web, native, spa or integration."
			}
			msgs = append(msgs, appFlagOf[field]+": "+msg)
		}
	}
	return errors.New(strings.Join(msgs, "\n"))
}

// appList prints every application.
func appList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c common
	var iss issuerFlags
	f := newFlags("app list", getenv, stderr)
	f.common(&c)
	f.issuer(&iss)
	if err := f.parse(args, 0); err != nil {
		return err
	}
	issuer, err := iss.issuer()
	if err != nil {
		return err
	}
	s, err := c.openExistingStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	apps, err := s.ListApplications(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Issuer: %s\n\n", issuer)
	if len(apps) == 0 {
		fmt.Fprintln(stdout, "No applications.")
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "CLIENT ID\tTYPE\tSTATUS\tNAME\tREDIRECT URIS")
	for _, a := range apps {
		status := "OFF"
		if a.Enabled {
			status = "ON"
		}
		redirects := strings.Join(a.RedirectURIs, " ")
		if redirects == "" {
			redirects = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", a.ClientID, a.Kind, status, a.Name, redirects)
	}
	return w.Flush()
}

// appRemove removes the application with a client ID; its tokens stop working at once.
func appRemove(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c common
	var clientID string
	f := newFlags("app remove", getenv, stderr)
	f.common(&c)
	f.StringVar(&clientID, "client-id", "", "the client ID of the application to remove (or give it as the argument)")
	nargs := 1
	if slices.ContainsFunc(args, func(a string) bool {
		return strings.HasPrefix(strings.TrimLeft(a, "-"), "client-id") && strings.HasPrefix(a, "-")
	}) {
		nargs = 0
	}
	if err := f.parse(args, nargs); err != nil {
		return err
	}
	if nargs == 1 {
		clientID = f.Arg(0)
	}
	clientID = strings.TrimSpace(clientID)
	if clientID == "" {
		return errors.New("give the client ID of the application to remove (see portvakt app list)")
	}
	s, err := c.openExistingStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := s.ApplicationByClientID(ctx, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no application has the client ID %q; nothing was changed (see portvakt app list)", clientID)
	}
	if err != nil {
		return err
	}
	if err := s.RemoveApplication(ctx, store.HostActor("portvakt app remove"), a.ID); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Removed application %q (%s, %s). Its tokens no longer work.\n", a.Name, a.ClientID, a.Kind)
	return nil
}
