package auth

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Field length rules.
const (
	MaxNameChars     = 200 // display names, token names, site name
	MaxEmailBytes    = 254 // RFC 5321 path limit
	MinUsernameChars = 3
	MaxUsernameChars = 40
	MaxDomainBytes   = 253
)

// CleanName trims name and checks it is non-empty, at most MaxNameChars and
// free of control characters. field names the input in errors.
func CleanName(field, name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case !utf8.ValidString(name):
		return "", lms.FieldError(field, "The %s must be valid UTF-8.", field)
	case name == "":
		return "", lms.FieldError(field, "The %s is required.", field)
	case utf8.RuneCountInString(name) > MaxNameChars:
		return "", lms.FieldError(field, "The %s must be at most %d characters long.", field, MaxNameChars)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", lms.FieldError(field, "The %s must not contain control characters.", field)
	}
	return name, nil
}

// CleanEmail trims an email address and checks its form and length.
func CleanEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", lms.FieldError("email", "The email address is required.")
	}
	if len(email) > MaxEmailBytes || !utf8.ValidString(email) {
		return "", lms.FieldError("email", "The email address must be at most %d bytes long.", MaxEmailBytes)
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" || strings.IndexFunc(email, unicode.IsSpace) >= 0 {
		return "", lms.FieldError("email", "This is not a valid email address.")
	}
	return email, nil
}

// CleanUsername trims and lower-cases a username and checks it is 3-40
// characters of a-z, 0-9, '_', '.', '-'.
func CleanUsername(username string) (string, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	n := len(username)
	if n < MinUsernameChars || n > MaxUsernameChars {
		return "", lms.FieldError("username", "The username must be %d to %d characters long.", MinUsernameChars, MaxUsernameChars)
	}
	for _, r := range username {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return "", lms.FieldError("username", "The username may only contain letters a-z, digits and _ . -")
		}
	}
	return username, nil
}

// CleanDomain trims and lower-cases an email domain ("" allowed).
func CleanDomain(domain string) (string, error) {
	domain = strings.ToLower(strings.TrimSpace(domain))
	domain = strings.TrimPrefix(domain, "@")
	if domain == "" {
		return "", nil
	}
	if len(domain) > MaxDomainBytes || !strings.Contains(domain, ".") {
		return "", lms.FieldError("signup_domain", "This is not a valid domain.")
	}
	for _, r := range domain {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return "", lms.FieldError("signup_domain", "This is not a valid domain.")
		}
	}
	return domain, nil
}

// emailDomain returns the lower-cased part after the last '@'.
func emailDomain(email string) string {
	at := strings.LastIndexByte(email, '@')
	return strings.ToLower(email[at+1:])
}

// NewUser is the input for creating an account.
type NewUser struct {
	Email    string
	Username string
	Name     string
	Password string
	Role     lms.SiteRole // "" means lms.SiteUser
}

// clean validates nu and returns the user to store (without password hash).
func (nu NewUser) clean() (*lms.User, error) {
	email, err := CleanEmail(nu.Email)
	if err != nil {
		return nil, err
	}
	username, err := CleanUsername(nu.Username)
	if err != nil {
		return nil, err
	}
	name, err := CleanName("name", nu.Name)
	if err != nil {
		return nil, err
	}
	if err := ValidatePassword("password", nu.Password); err != nil {
		return nil, err
	}
	role := nu.Role
	if role == "" {
		role = lms.SiteUser
	}
	if !role.Valid() {
		return nil, lms.FieldError("role", "The role must be admin or user.")
	}
	return &lms.User{Email: email, Username: username, Name: name, Role: role}, nil
}
