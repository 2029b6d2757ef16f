package handlers

// Limits the external tests need to reach.
const (
	LimitEmailStepPerClient = limitEmailStepPerClient
	LimitSSOStartPerClient  = limitSSOStartPerClient
	LimitAuthorizePerClient = limitAuthorizePerClient
)
