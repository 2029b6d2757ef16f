package store

import "strings"

// AuditAction names what an audit row records. The codes are stable: they are what the CSV export
// and filters carry, and what old databases hold. The audit page shows each as a sentence in the
// reader's language (views/text_audit.go has one for every action in AuditActionList).
type AuditAction string

// The actions portvakt writes to the audit log.
const (
	ActionLoginSuccess AuditAction = "login.success"
	ActionLoginFailure AuditAction = "login.failure"
	ActionLogout       AuditAction = "logout"

	ActionSetupComplete AuditAction = "setup.complete"
	ActionUserCreate    AuditAction = "user.create"
	ActionUserUpdate    AuditAction = "user.update"
	ActionUserPassword  AuditAction = "user.password"
	ActionUserAdmin     AuditAction = "user.admin"

	ActionGrantAdd    AuditAction = "grant.add"
	ActionGrantRemove AuditAction = "grant.remove"

	ActionDomainAdd            AuditAction = "domain.add"
	ActionDomainVerify         AuditAction = "domain.verify"
	ActionDomainRecordLost     AuditAction = "domain.record_lost"
	ActionDomainRecordRestored AuditAction = "domain.record_restored"
	ActionDomainRemove         AuditAction = "domain.remove"

	ActionAllowedDomainAdd    AuditAction = "allowed_domain.add"
	ActionAllowedDomainRemove AuditAction = "allowed_domain.remove"

	ActionIdPCreate      AuditAction = "idp.create"
	ActionIdPUpdate      AuditAction = "idp.update"
	ActionIdPRemove      AuditAction = "idp.remove"
	ActionIdPTestSuccess AuditAction = "idp.test.success"
	ActionIdPTestFailure AuditAction = "idp.test.failure"

	ActionIdPDraftSave        AuditAction = "idp.draft.save"
	ActionIdPDraftDiscard     AuditAction = "idp.draft.discard"
	ActionIdPDraftApply       AuditAction = "idp.draft.apply"
	ActionIdPDraftTestSuccess AuditAction = "idp.draft.test.success"
	ActionIdPDraftTestFailure AuditAction = "idp.draft.test.failure"

	ActionUserProvision  AuditAction = "user.provision"
	ActionUserDeactivate AuditAction = "user.deactivate"
	ActionUserReactivate AuditAction = "user.reactivate"
	ActionUserDelete     AuditAction = "user.delete"

	ActionTokenCreate       AuditAction = "token.create"
	ActionTokenRevoke       AuditAction = "token.revoke"
	ActionTokenExpiryWarned AuditAction = "token.expiry_warned"

	ActionLinkCreate AuditAction = "link.create"
	ActionLinkUpdate AuditAction = "link.update"
	ActionLinkRemove AuditAction = "link.remove"
	ActionLinkInvite AuditAction = "link.invite"

	ActionPasswordLogin               AuditAction = "policy.password_login"
	ActionPasswordLoginRefused        AuditAction = "policy.password_login.refused"
	ActionPasswordLoginConfirmed      AuditAction = "policy.password_login.confirmed"
	ActionPasswordLoginConfirmRefused AuditAction = "policy.password_login.confirm_refused"

	ActionVerificationSend     AuditAction = "verification.send"
	ActionVerificationComplete AuditAction = "verification.complete"
	ActionMailSent             AuditAction = "mail.sent"
	ActionMailFailed           AuditAction = "mail.failed"

	ActionAppCreate       AuditAction = "app.create"
	ActionAppUpdate       AuditAction = "app.update"
	ActionAppRemove       AuditAction = "app.remove"
	ActionAppSecretRotate AuditAction = "app.secret_rotate"
	ActionAppSignIn       AuditAction = "app.sign_in"
	ActionAppRefused      AuditAction = "app.refused"
	ActionAppTokenReuse   AuditAction = "app.token_reuse"
	ActionSigningKeyAdd   AuditAction = "signing_key.add"
)

// AuditActionList lists every action portvakt writes, in the order the audit page's filter offers
// them. A new action belongs here, with its sentences in views/text_audit.go (a test checks).
var AuditActionList = []AuditAction{
	ActionLoginSuccess, ActionLoginFailure, ActionLogout,
	ActionSetupComplete, ActionUserCreate, ActionUserUpdate, ActionUserPassword, ActionUserAdmin,
	ActionUserProvision, ActionUserDeactivate, ActionUserReactivate, ActionUserDelete,
	ActionGrantAdd, ActionGrantRemove,
	ActionDomainAdd, ActionDomainVerify, ActionDomainRecordLost, ActionDomainRecordRestored, ActionDomainRemove,
	ActionAllowedDomainAdd, ActionAllowedDomainRemove,
	ActionIdPCreate, ActionIdPUpdate, ActionIdPRemove, ActionIdPTestSuccess, ActionIdPTestFailure,
	ActionIdPDraftSave, ActionIdPDraftDiscard, ActionIdPDraftApply, ActionIdPDraftTestSuccess, ActionIdPDraftTestFailure,
	ActionLinkCreate, ActionLinkUpdate, ActionLinkRemove, ActionLinkInvite,
	ActionPasswordLogin, ActionPasswordLoginRefused, ActionPasswordLoginConfirmed, ActionPasswordLoginConfirmRefused,
	ActionVerificationSend, ActionVerificationComplete, ActionMailSent, ActionMailFailed,
	ActionTokenCreate, ActionTokenRevoke, ActionTokenExpiryWarned,
	ActionAppCreate, ActionAppUpdate, ActionAppRemove, ActionAppSecretRotate, ActionAppSignIn, ActionAppRefused,
	ActionAppTokenReuse, ActionSigningKeyAdd,
}

// ActorKind tells who an audit row's actor is.
type ActorKind int

// The kinds of actor.
const (
	// ActorPerson is a person: signed in (ActorID set), or the address typed at a refused sign-in.
	ActorPerson ActorKind = iota
	// ActorSystem is portvakt itself (SystemActor), e.g. a background check.
	ActorSystem
	// ActorHost is a command run on the host; the label names it ("portvakt user add"), or is
	// "cli" in rows written before commands were named.
	ActorHost
)

// legacyHostLabel is the actor of host commands in rows written before they were named.
const legacyHostLabel = "cli"

// hostPrefix starts the label of every host actor: the command line that made the change.
const hostPrefix = "portvakt"

// HostActor is the actor for a change made on the host by command, e.g. "portvakt user add".
func HostActor(command string) Actor {
	if command != hostPrefix && !strings.HasPrefix(command, hostPrefix+" ") {
		command = hostPrefix + " " + command
	}
	return Actor{Label: command}
}

// IsHost reports whether a is a command on the host.
func (a Actor) IsHost() bool {
	return a.UserID == 0 && (a.Label == hostPrefix || strings.HasPrefix(a.Label, hostPrefix+" "))
}

// CLIActor is a host actor that does not name its command, for tests and tools; cmd/portvakt
// names each command with HostActor.
var CLIActor = HostActor(hostPrefix)

// Kind tells who the row's actor is. The label of a refused sign-in is what the client typed,
// so it is a person's whatever it reads; only rows of other actions without a signed-in actor
// can be portvakt's own or a host command's.
func (r AuditRow) Kind() ActorKind {
	if r.ActorID != 0 || r.Action == ActionLoginFailure {
		return ActorPerson
	}
	switch {
	case r.Actor == SystemActor.Label:
		return ActorSystem
	case r.Actor == legacyHostLabel || r.Actor == hostPrefix || strings.HasPrefix(r.Actor, hostPrefix+" "):
		return ActorHost
	}
	return ActorPerson
}
