package errcode

// The registry. Every code the API can return is declared here, once. Add new
// codes at the end of their group; never rename or repurpose one.
var (
	// Generic codes.
	Internal           = def("internal", KindInternal, "An unexpected fault on the server; the request may be retried.")
	InvalidJSON        = def("invalid_json", KindInvalid, "The request body is not valid JSON.")
	InvalidRequest     = def("invalid_request", KindInvalid, "A path, query or header parameter is malformed.")
	BodyTooLarge       = def("body_too_large", KindInvalid, "The request body exceeds the size limit.")
	ValidationFailed   = def("validation_failed", KindUnprocessable, "The request does not match the documented schema; details lists each field.")
	InvalidCursor      = def("invalid_cursor", KindInvalid, "The pagination cursor is not one this server issued.")
	NotFound           = def("not_found", KindNotFound, "The resource does not exist or is not visible to the caller.")
	RouteNotFound      = def("route_not_found", KindNotFound, "No API route matches the method and path.")
	MethodNotAllowed   = def("method_not_allowed", KindInvalid, "The route exists but does not accept this method.")
	Unauthenticated    = def("unauthenticated", KindUnauthenticated, "Credentials are missing, expired or revoked.")
	Forbidden          = def("forbidden", KindForbidden, "The caller lacks the permission this operation needs.")
	CrossOrigin        = def("cross_origin_rejected", KindForbidden, "A cookie-authenticated request came from another origin (CSRF protection).")
	RateLimited        = def("rate_limited", KindRateLimited, "Too many requests; wait for the Retry-After interval.")
	NotReady           = def("not_ready", KindUnavailable, "The server is starting or a dependency is down.")
	Conflict           = def("conflict", KindConflict, "The change conflicts with the current state of the resource.")
	UnknownPermission  = def("unknown_permission", KindUnprocessable, "A token scope names a permission that does not exist.")
	ScopeExceedsCaller = def("scope_exceeds_caller", KindForbidden, "A token may not carry permissions its creator does not hold.")

	// Authentication.
	InvalidCredentials = def("invalid_credentials", KindUnauthenticated, "The email or password is wrong, or the account is not active.")
	InviteInvalid      = def("invite_invalid", KindNotFound, "The invite link is unknown, used or expired.")
	PasswordTooWeak    = def("password_too_weak", KindUnprocessable, "The password is shorter than 10 characters or too common.")
	WrongPassword      = def("wrong_password", KindUnprocessable, "The current password given for a password change is wrong.")

	// Tenants, users, teams and skills.
	EmailTaken      = def("email_taken", KindConflict, "A user with this email already exists; emails are unique across the platform.")
	NameTaken       = def("name_taken", KindConflict, "Another object of this kind in the tenant already has this name.")
	UnknownRole     = def("unknown_role", KindUnprocessable, "The role is not one of admin, supervisor, agent.")
	UnknownTeam     = def("unknown_team", KindUnprocessable, "A referenced team does not exist in the tenant.")
	UnknownSkill    = def("unknown_skill", KindUnprocessable, "A referenced skill does not exist in the tenant.")
	UnknownUser     = def("unknown_user", KindUnprocessable, "A referenced user does not exist in the tenant.")
	SkillLevelRange = def("skill_level_out_of_range", KindUnprocessable, "A skill level must be between 1 and 5.")
	LastAdmin       = def("last_admin", KindConflict, "The change would leave the tenant without an active administrator.")
	SelfChange      = def("self_change_forbidden", KindForbidden, "Users cannot delete, disable or demote themselves.")
	TenantSuspended = def("tenant_suspended", KindForbidden, "The tenant is suspended; its users cannot sign in.")
	UnknownLocale   = def("unknown_locale", KindUnprocessable, "The language is not one Switchboard speaks: en or zh-CN.")

	// Conversations, web chat and attachments.
	MessageTooLong     = def("message_too_long", KindUnprocessable, "The message text exceeds the inbox's limit.")
	IdentityInvalid    = def("identity_invalid", KindUnauthenticated, "The visitor identity hash does not match the identifier, or the inbox requires one.")
	VisitorUnknown     = def("visitor_unknown", KindUnauthenticated, "The visitor token is missing, unknown, or belongs to another inbox's tenant.")
	OriginRejected     = def("origin_rejected", KindForbidden, "The page's origin is not in the inbox's allowed origins.")
	AttachmentTooLarge = def("attachment_too_large", KindInvalid, "The attachment exceeds the size limit.")
	AttachmentType     = def("attachment_type_refused", KindUnprocessable, "The attachment's type is not accepted.")
	UnknownAttachment  = def("unknown_attachment", KindUnprocessable, "An attachment in attachment_ids was not uploaded to this conversation by the sender, or was sent already.")

	// Routing.
	OfferGone    = def("offer_gone", KindConflict, "The offer was withdrawn, has expired or was answered already.")
	AtCapacity   = def("at_capacity", KindConflict, "The agent has no free capacity for this channel.")
	UnknownQueue = def("unknown_queue", KindUnprocessable, "A referenced queue does not exist in the tenant.")
	NotOwner     = def("routing_moved", KindUnavailable, "Routing for the tenant is moving to another node; retry shortly.")
	InvalidDate  = def("invalid_date", KindUnprocessable, "A date is not a calendar date written YYYY-MM-DD.")

	// Canned replies.
	ShortcutTaken      = def("shortcut_taken", KindConflict, "Another canned reply in the tenant already uses this shortcut.")
	UnknownPlaceholder = def("unknown_placeholder", KindUnprocessable, "A canned reply's body uses a {{placeholder}} other than {{customer.name}}, {{agent.name}}, {{agent.first_name}} and {{conversation.id}}; the message names it.")

	// Customers and personal data.
	InvalidPhone   = def("invalid_phone", KindUnprocessable, "A phone number is not valid for its country; a number without + is read in the tenant's default region. The message never repeats the number.")
	InvalidEmail   = def("invalid_email", KindUnprocessable, "An email address is not valid. The message never repeats the address.")
	IdentityTaken  = def("identity_taken", KindConflict, "A phone number, email address or other identity already belongs to another customer of the tenant; the message names the field and the value masked. Merge the two customers instead.")
	UnknownTier    = def("unknown_tier", KindUnprocessable, "The customer tier is not one of the tenant's tiers (GET /api/v1/customer-tiers).")
	TierInUse      = def("tier_in_use", KindConflict, "The tier is still assigned to customers; move them to another tier first.")
	CustomerMerged = def("customer_merged", KindConflict, "The customer was merged into another one (merged_into); change that one instead.")
	ReasonRequired = def("reason_required", KindUnprocessable, "Revealing personal data needs a reason of at least 5 characters, which is audited.")
	ImportInvalid  = def("import_invalid", KindUnprocessable, "Rows of a customer import are invalid and nothing was imported; details lists each problem with its line, column and code.")
	ImportTooLarge = def("import_too_large", KindInvalid, "A customer import has more rows or bytes than allowed (50,000 rows, 10 MiB).")
	UnknownRegion  = def("unknown_region", KindUnprocessable, "The default region is not an ISO 3166-1 alpha-2 region code with a telephone numbering plan, such as CN or US.")

	// Number shield.
	ExtensionTaken  = def("extension_taken", KindConflict, "Another user of the tenant already has this phone extension.")
	NumberTaken     = def("number_taken", KindConflict, "The virtual number is already in the tenant's pool.")
	NumberInUse     = def("number_in_use", KindConflict, "The virtual number is a shield rule's caller ID or the X of a live binding; change those first.")
	UnknownNumber   = def("unknown_number", KindUnprocessable, "A caller ID or binding X is not one of the tenant's virtual numbers (of purpose binding, for X).")
	ListEntryExists = def("list_entry_exists", KindConflict, "The number or prefix is already on this block or allow list.")
	PartyBound      = def("party_bound", KindConflict, "A party of the binding already has a live binding on this virtual number X; a party maps to one binding per X.")
	NoBindingNumber = def("no_binding_number", KindConflict, "No binding number is free for the binding's parties; add numbers of purpose binding to the pool.")
	UnknownCustomer = def("unknown_customer", KindUnprocessable, "A referenced customer does not exist in the tenant.")
	CustomerNoPhone = def("customer_no_phone", KindUnprocessable, "The customer has no phone number to call.")
)

var registry []*Code

func def(name string, kind Kind, doc string) *Code {
	c := &Code{name: name, kind: kind, doc: doc}
	registry = append(registry, c)
	return c
}

// All returns every registered code in declaration order.
func All() []*Code { return append([]*Code(nil), registry...) }

// Lookup returns the registered code with this name, for errors that
// crossed a process boundary (a command forwarded to another node).
func Lookup(name string) (*Code, bool) {
	for _, c := range registry {
		if c.name == name {
			return c, true
		}
	}
	return nil, false
}
