package views

import (
	"net/url"
	"strings"
	"time"

	"portvakt/views/paths"
)

// AppScopes are the scopes a person-facing app asks for in the configuration snippet.
const AppScopes = "openid email profile offline_access"

// AppRow is one application in the list.
type AppRow struct {
	ID           int64
	Name         string
	Kind         string // the type, in words
	RedirectURIs []string
	LastSignIn   time.Time // zero: nobody yet
	Enabled      bool
	Machine      bool // an integration: no people
	Everyone     bool
	People       int
}

// AppListView is Authentication Settings > Applications.
type AppListView struct {
	Apps []AppRow
}

// AppKindChoice is one type of application to add.
type AppKindChoice struct {
	Kind  string
	Name  string
	About string
}

// Href is the form for adding an app of this type.
func (c AppKindChoice) Href() string { return paths.AppNew + "?type=" + url.QueryEscape(c.Kind) }

// AppKindView offers the types of application.
type AppKindView struct {
	Kinds []AppKindChoice
}

// AppFormView adds or edits an application. Only the settings its type needs are shown.
type AppFormView struct {
	ID              int64 // 0 while adding
	Kind            string
	KindName        string
	Heading         string // "Add a web application", or the app's name
	Name            Field
	RedirectURIs    Field
	PostLogoutURIs  Field
	BackchannelURI  Field
	SignsPeopleIn   bool // redirect and logout addresses, who may use it, a refresh lifetime
	ShowBackchannel bool
	Everyone        bool
	People          []GrantRow
	PeopleError     string
	PeopleUnsaved   bool
	AccessTTL       Field
	RefreshTTL      Field
	Enabled         bool
	Connect         *AppConnectView // editing: how to connect the app
	Secret          *AppSecretView  // editing an app with a client secret
}

// Action is where the form posts.
func (v AppFormView) Action() string {
	if v.ID == 0 {
		return paths.Apps
	}
	return paths.App(v.ID)
}

// Problems lists the form's errors for the summary at the top, in the order of the fields.
func (v AppFormView) Problems() []FieldError {
	var out []FieldError
	for _, f := range []Field{v.Name, v.RedirectURIs, v.PostLogoutURIs, v.BackchannelURI} {
		if f.Error != "" {
			out = append(out, FieldError{Field: f.ID, Message: f.Error})
		}
	}
	if v.PeopleError != "" {
		out = append(out, FieldError{Field: "access-people", Message: v.PeopleError})
	}
	for _, r := range v.People {
		if r.Error != "" {
			out = append(out, FieldError{Field: rowID("person", r.Index), Message: r.Error})
		}
	}
	for _, f := range []Field{v.AccessTTL, v.RefreshTTL} {
		if f.Error != "" {
			out = append(out, FieldError{Field: f.ID, Message: f.Error})
		}
	}
	return out
}

// AppSecretView is the client secret section of an app's page.
type AppSecretView struct {
	Hint     string // the first characters of the current secret
	OldUntil string // when the previous secret stops working, "" when it does not work
	Overlap  string // how long the previous secret works after a rotation, in words
}

// AppConnectView is what an app needs to be connected: portvakt's issuer, its client ID, its
// secret when it was just made, and the same as a snippet for a generic OpenID Connect client.
type AppConnectView struct {
	Issuer      string
	ClientID    string
	Secret      string // only right after it was made
	HasSecret   bool
	Public      bool
	Machine     bool
	RedirectURI string // the first registered one
}

// Snippet is the configuration of a generic OpenID Connect client, ready to paste.
func (c AppConnectView) Snippet(l Lang) string {
	secret := c.Secret
	if secret == "" {
		secret = l.T("apps.snippet.secret")
	}
	lines := [][2]string{{"issuer", c.Issuer}}
	if c.Machine {
		lines = append(lines, [2]string{"token_endpoint", c.Issuer + paths.OPToken})
	}
	lines = append(lines, [2]string{"client_id", c.ClientID})
	if c.HasSecret {
		lines = append(lines, [2]string{"client_secret", secret})
	}
	switch {
	case c.Machine:
		lines = append(lines, [2]string{"grant_type", "client_credentials"})
	case c.Public:
		lines = append(lines, [2]string{"token_endpoint_auth_method", "none"}, [2]string{"redirect_uri", c.RedirectURI},
			[2]string{"scopes", AppScopes}, [2]string{"pkce", "S256"})
	default:
		lines = append(lines, [2]string{"redirect_uri", c.RedirectURI}, [2]string{"scopes", AppScopes})
	}
	var b strings.Builder
	for _, kv := range lines {
		b.WriteString(kv[0] + ": " + kv[1] + "\n")
	}
	return b.String()
}

// AppCreatedView is the page after an app was added, or its secret rotated: what to give the app,
// with the secret shown once.
type AppCreatedView struct {
	ID      int64
	Name    string
	Rotated bool
	OldEnds string // when the previous secret stops working, "" when it stopped at once
	Connect AppConnectView
}

// AppRemoveView is the review before an application is removed.
type AppRemoveView struct {
	ID       int64
	Name     string
	ClientID string
	Confirm  Field
}

// HelpTopic is one question of the Questions and answers page.
type HelpTopic struct {
	ID       string
	Question string
	Answer   []string
}

// AppsHelpView is the Questions and answers page.
type AppsHelpView struct {
	Topics []HelpTopic
}

// NewAppsHelpView words the questions in l.
func NewAppsHelpView(l Lang) AppsHelpView {
	var v AppsHelpView
	for _, t := range AppsHelpTopics {
		h := HelpTopic{ID: "q-" + t.Topic, Question: l.T(helpKey(t.Topic, "q"))}
		for i := 1; i <= t.Paragraphs; i++ {
			h.Answer = append(h.Answer, l.T(helpKey(t.Topic, "a"+istr(i))))
		}
		v.Topics = append(v.Topics, h)
	}
	return v
}

func helpKey(topic, part string) string { return "apps.help." + topic + "." + part }
